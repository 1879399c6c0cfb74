# make bench: nestbox side by side with runc, crun, bubblewrap, unshare, tini, dumb-init and
# catatonit on this machine, in one run (issue 8). Included by the Makefile. Root.
#   make bench                  everything; writes build/bench/results.md and start.png
#   make bench BENCH_RUNS=10    fewer hyperfine runs (default 100), e.g. while developing
#   make bench-deps             install the compared tools (apt-get)
#   make bench-profile          where nestbox's time goes: ablation, perf, strace -c, callgrind
#   make bench-harden           what issue 19's hardening costs a start (BENCH_ROUNDS, 400)
# BENCH_SEQ: containers in sequence per tool (100); BENCH_ORPHANS (10000); BENCH_SIGNALS (1000);
# BENCH_IDLE: seconds of the idle-wakeup window (10); BENCH_RSS_RUNS (20); BENCH_ORPHAN_REPS:
# rounds of the init measurements (5). BENCH_NICE=-10: run the whole bench at that nice level, on
# a machine that other work keeps busy (results.md says so).
# gnuplot-nox, not gnuplot: the latter pulls gnuplot-qt and X11; the PNG terminal is in both.
BENCH_PKGS := runc crun bubblewrap tini dumb-init catatonit hyperfine gnuplot-nox time strace \
              valgrind linux-perf
BENCH_DIR  := $(BUILD)/bench
BENCH_BIN  := $(patsubst tests/bench/%.c,$(BENCH_DIR)/bin/%,$(wildcard tests/bench/*.c))
BENCH_RUNS ?= 100
BENCH_SEQ  ?= 100
BENCH_ORPHANS ?= 10000
BENCH_SIGNALS ?= 1000
BENCH_IDLE ?= 10
BENCH_RSS_RUNS ?= 20
BENCH_ORPHAN_REPS ?= 5
BENCH_NICE ?=
BENCH_ENV  := BENCH_DIR=$(BENCH_DIR) BENCH_RUNS=$(BENCH_RUNS) BENCH_SEQ=$(BENCH_SEQ) \
              BENCH_ORPHANS=$(BENCH_ORPHANS) BENCH_SIGNALS=$(BENCH_SIGNALS) \
              BENCH_IDLE=$(BENCH_IDLE) BENCH_RSS_RUNS=$(BENCH_RSS_RUNS) \
              BENCH_ORPHAN_REPS=$(BENCH_ORPHAN_REPS) NESTBOX=$(BUILD)/nestbox \
              NESTBOX_INIT=$(BUILD)/nestbox-init NESTBOX_ROOTFS=$(ROOTFS) \
              NESTBOX_HELPERS=$(BUILD)/helpers

.PHONY: bench bench-deps bench-bin bench-profile bench-harden

bench-deps:
	@missing=$$(for p in $(BENCH_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "bench-deps: installing$$(echo $$missing | sed 's/^/ /')"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BENCH_DIR)/bin/%: tests/bench/%.c tests/bench/rounds.h $(UAPI)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

bench-bin: $(BENCH_BIN)

ifeq ($(ARCH),x86_64)
bench: deps bench-deps $(BUILD)/nestbox $(BUILD)/nestbox-init rootfs \
       $(BUILD)/helpers/net_bench_time bench-bin $(BENCH_DIR)/nestbox-sym
	@$(BENCH_ENV) NESTBOX_SYM=$(BENCH_DIR)/nestbox-sym BENCH_NICE=$(BENCH_NICE) \
		$(if $(BENCH_NICE),nice -n $(BENCH_NICE)) sh tests/bench/bench.sh
else
# Another architecture has no runc, crun, hyperfine here to compare with: its bench is nestbox
# against the floor inside its QEMU VM (qemu/vmbench.mk, issue 24).
bench: bench-arch
endif

# The same nestbox with its symbols, for callgrind.
$(BENCH_DIR)/nestbox-sym: $(RUNTIME_SRC) $(INIT_SRC) $(wildcard include/*.h) $(UAPI)/.stamp Makefile
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(OWN_PRINTF) -DNESTBOX_VERSION='"$(VERSION)"' -o $@ $(RUNTIME_SRC) $(INIT_SRC) \
		$(filter-out -s,$(LDFLAGS))

bench-profile: bench-deps $(BUILD)/nestbox $(BENCH_DIR)/nestbox-sym rootfs bench-bin
	@$(BENCH_ENV) NESTBOX_SYM=$(BENCH_DIR)/nestbox-sym sh tests/bench/profile.sh

bench-harden: $(BUILD)/nestbox rootfs $(BENCH_DIR)/bin/cpurounds $(BENCH_DIR)/bin/floor
	@$(BENCH_ENV) sh tests/bench/harden.sh $(or $(BENCH_ROUNDS),400)
