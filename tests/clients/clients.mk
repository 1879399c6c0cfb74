# The real clients driving nestbox (issue 22). Included by the Makefile.
#   make client-test   containerd (ctr, through containerd-shim-runc-v2) and podman run the busybox
#                      image with nestbox as their runtime, each case against runc too;
#                      a client that is not installed is SKIP (make deps installs containerd)
.PHONY: client-test
client-test: $(BUILD)/nestbox $(BUILD)/nestbox-init rootfs
	@sh tests/clients/client-test.sh $(BUILD)/nestbox $(ROOTFS)
