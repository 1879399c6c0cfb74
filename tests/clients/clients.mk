# The real clients driving nestbox (issue 22). Included by the Makefile.
#   make client-test   containerd (ctr, through containerd-shim-runc-v2) and podman run the busybox
#                      image with nestbox as their runtime, each case against runc too;
#                      a client that is not installed is SKIP (make deps installs containerd)
.PHONY: client-test
client-test: $(BUILD)/nestbox $(BUILD)/nestbox-init rootfs
	@sh tests/clients/client-test.sh $(BUILD)/nestbox $(ROOTFS)

# make bench-oci (issue 22, Speed): create + start + delete of a busybox container with nestbox,
# runc and crun side by side, then ctr run --rm with containerd driving each
# (tests/bench/lifecycle.sh; BENCH_OCI_ROUNDS rounds, interleaved; wall and CPU time;
# NESTBOX_BASE=PATH adds another nestbox build for a before/after).
BENCH_OCI_ROUNDS ?= 30
.PHONY: bench-oci
bench-oci: $(BUILD)/nestbox $(BUILD)/nestbox-init rootfs $(BUILD)/bench/bin/cg2wrap \
	   $(BUILD)/bench/bin/cpuwall $(BUILD)/bench/bin/nbtrue
	@sh tests/bench/lifecycle.sh $(BUILD)/nestbox $(ROOTFS) $(BUILD)/bench/bin/cg2wrap \
		$(BUILD)/bench/bin/cpuwall $(BENCH_OCI_ROUNDS)
