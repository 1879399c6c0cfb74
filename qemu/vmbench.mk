# Measurements in the QEMU VMs (not tests: they report, never fail on a number). Included by
# the Makefile like qemu.mk; results under build/bench/ (BENCH_DIR).
#   make bench-concurrency [KERNELS=..] [CONC_RUNS=1000] [CONC_PAR=20]   issue 27 on pure v2:
#        parallel `nestbox run --memory 64m -- true`, failures and their messages per kernel
#   make bench-boot [KERNELS=..] [BOOT_RUNS=5]     issue 23: boot to the first workload,
#        nestbox as PID 1 (run line, container, --read-only container) vs busybox init
#   make vm-tests VM_TESTS="test_concurrency"      some test binaries in a VM (v2 tests)
CONC_RUNS ?= 1000
CONC_PAR  ?= 20
BOOT_RUNS ?= 5
VM_TESTS  ?= test_concurrency
BENCH_DIR ?= $(BUILD)/bench

.PHONY: bench-concurrency bench-boot vm-tests

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
