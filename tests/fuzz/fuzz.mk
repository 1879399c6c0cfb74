# make fuzz: libFuzzer targets over every parser of user or kernel input (issue 11).
#   make fuzz [FUZZ_SECONDS=60]   each target in turn; stops at the first crash
#   make fuzz-build               only build build/fuzz/fuzz_*
# Seeds: tests/fuzz/corpus/<target>/ (kept in git, crash inputs included as regressions); what a
# run discovers goes to build/fuzz/corpus/<target>/. Needs clang and libclang-rt (Debian clang-14).
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -D_GNU_SOURCE -DNB_UNIT_TEST -Iinclude -Itests/fuzz \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
                -ffunction-sections -fdata-sections -Wl,--gc-sections
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
# main.c (the entry point) and container.c (no parser; it calls into init/, which is musl-only)
# are not linked: sanitizer coverage keeps every function, so unused calls still need symbols.
FUZZ_NOT_LINKED := runtime/main.c runtime/container.c runtime/lifecycle.c runtime/verbs.c \
                   runtime/oci_verbs.c
# Targets that include a runtime file (for its static parsers) do not link it a second time.
FUZZ_INCLUDES_fuzz_cgroup_files := runtime/cgroup_layout.c
DEB_PKGS     += clang libclang-rt-14-dev

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BIN)

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(RUNTIME_SRC) $(INIT_SRC) $(wildcard include/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< \
		$(filter-out $(FUZZ_NOT_LINKED) $(FUZZ_INCLUDES_$*),$(RUNTIME_SRC))

# Prints one line per target: executions, new corpus entries, time. A crash stops make with the
# input saved as build/fuzz/crash-<target>-*.
fuzz: $(FUZZ_BIN)
	@for b in $(FUZZ_BIN); do \
		t=$$(basename $$b); mkdir -p $(BUILD)/fuzz/corpus/$$t tests/fuzz/corpus/$$t; \
		$$b -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -timeout=10 -rss_limit_mb=1024 \
			-artifact_prefix=$(BUILD)/fuzz/crash-$$t- \
			$(BUILD)/fuzz/corpus/$$t tests/fuzz/corpus/$$t > $(BUILD)/fuzz/$$t.log 2>&1; \
		rc=$$?; \
		execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(BUILD)/fuzz/$$t.log); \
		cov=$$(grep -o 'cov: [0-9]*' $(BUILD)/fuzz/$$t.log | tail -n 1); \
		printf '%-22s %10s executions in %ss, %s%s\n' $$t "$${execs:-?}" $(FUZZ_SECONDS) \
			"$$cov" "$$( [ $$rc -eq 0 ] || echo ', CRASH: see '$(BUILD)/fuzz/$$t.log)"; \
		[ $$rc -eq 0 ] || exit 1; \
	done; \
	echo "$(words $(FUZZ_BIN)) passed, 0 failed, 0 skipped"
