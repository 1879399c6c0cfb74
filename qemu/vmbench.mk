# Measurements in the QEMU VMs (not tests: they report, never fail on a number). Included by
# the Makefile like qemu.mk; results under build/bench/ (BENCH_DIR).
#   make bench-concurrency [KERNELS=..] [CONC_RUNS=1000] [CONC_PAR=20]   issue 27 on pure v2:
#        parallel `nestbox run --memory 64m -- true`, failures and their messages per kernel
#   make bench-boot [KERNELS=..] [BOOT_RUNS=5]     issue 23: boot to the first workload,
#        nestbox as PID 1 (run line, container, --read-only container) vs busybox init;
#        BOOT_TB=1 also counts the guest instructions QEMU translated on the way (boot-bench.sh)
#   make vm-tests VM_TESTS="test_concurrency"      some test binaries in a VM (v2 tests)
#   make bench-arch [ARCH=aarch64] [ARCH_BENCH_ROUNDS=50] [ARCH_BENCH_ORPHANS=1000]   issue 24:
#        nestbox's start latency and reaping in the architecture's VM (TCG) as ratios to that
#        VM's floor; make bench ARCH=aarch64 (or armv7) is this
CONC_RUNS ?= 1000
CONC_PAR  ?= 20
BOOT_RUNS ?= 5
VM_TESTS  ?= test_concurrency
BENCH_DIR ?= $(BUILD)/bench
# Under TCG a start takes ~50x what it takes here: 50 rounds of three commands and 5 x 1000
# orphans keep one kernel's VM to a few minutes. The newest kernel only (ARCH_BENCH_KERNELS).
ARCH_BENCH_ROUNDS  ?= 50
ARCH_BENCH_ORPHANS ?= 1000
ARCH_BENCH_REPS    ?= 5
ARCH_BENCH_KERNELS ?= $(lastword $(KERNELS))

.PHONY: bench-concurrency bench-boot vm-tests bench-arch

bench-concurrency: qemu-initramfs $(BUILD)/nestbox-faults
	@mkdir -p $(BENCH_DIR)
	@for k in $(KERNELS); do \
		BUILD=$(BUILD) sh qemu/vm-bench.sh conc $$k $(CONC_RUNS) $(CONC_PAR) || exit 1; \
	done >$(BENCH_DIR)/concurrency.txt
	@{ echo "## Parallel starts on cgroup v2 (issue 27), in the QEMU VMs"; echo; \
	   echo "\`nestbox run --rootfs R --memory 64m -- true\`, $(CONC_PAR) at once per round, TCG, 2 vCPUs."; \
	   echo; echo "| kernel | runs | failed | seconds | groups left |"; echo "|---|---|---|---|---|"; \
	   awk '/^conc:/ { printf "| %s | %s | %s | %s | %s |\n", $$3, $$5, $$9, $$11, $$13 }' \
		$(BENCH_DIR)/concurrency.txt; \
	   grep '^conc-msg:' $(BENCH_DIR)/concurrency.txt | sed 's/^conc-msg: /\nfailures: /' || :; \
	} >$(BENCH_DIR)/concurrency.md
	@sh qemu/bench-section.sh $(BENCH_DIR)/results.md $(BENCH_DIR)/concurrency.md
	@cat $(BENCH_DIR)/concurrency.md

bench-boot: qemu-kernels $(BUILD)/nestbox rootfs $(BENCH_DIR)/bin/bootclock
	@BUILD=$(BUILD) BENCH_DIR=$(BENCH_DIR) sh qemu/boot-bench.sh $(BOOT_RUNS) $(KERNELS)

vm-tests: qemu-initramfs $(BUILD)/nestbox-faults
	@for k in $(KERNELS); do \
		BUILD=$(BUILD) sh qemu/vm-bench.sh tests $$k $(VM_TESTS) || exit 1; \
	done

# The bench programs, cross-built for ARCH (tests/bench/bench.mk's rule), in the suite VM.
bench-arch: qemu-initramfs $(foreach b,floor interleave initbench,$(BENCH_DIR)/bin/$(b))
	@BUILD=$(BUILD) BENCH_DIR=$(BENCH_DIR) QEMU_ARCH=$(ARCH) sh qemu/arch-bench.sh \
		$(ARCH_BENCH_ROUNDS) $(ARCH_BENCH_ORPHANS) $(ARCH_BENCH_REPS) $(ARCH_BENCH_KERNELS)
