# make qemu-test: the suite inside QEMU VMs over a kernel matrix, nestbox as the VM's PID 1
# (issue 4). Included by the Makefile.
#   make qemu-test [KERNELS="6.1 6.12"]   both VMs (suite, boot) per kernel and the table
#   make qemu-kernels                     fetch and cache build/kernels/VER (apt-get download)
#   make qemu-initramfs                   build/qemu/VER/initramfs.cpio.gz
#   make qemu-clean                       drop VM logs, initramfs and the cached KVM probe
# QEMU_NESTBOX: the nestbox binary to boot (default build/nestbox).
# ARCH=aarch64: Debian's arm64 cloud kernels on qemu-system-aarch64 -M virt (TCG), the aarch64
# binaries and busybox, everything under build/aarch64/ (BUILD is the architecture's directory).
KERNELS      ?= 6.1 6.12
QEMU_DIR     := $(BUILD)/qemu
QEMU_NESTBOX ?= $(BUILD)/nestbox

.PHONY: qemu-test qemu-kernels qemu-initramfs qemu-clean

qemu-kernels:
	@for k in $(KERNELS); do DEB_ARCH=$(DEB_ARCH) sh qemu/fetch-kernel.sh $$k $(BUILD) || exit 1; done

$(QEMU_DIR)/guest-exit: qemu/guest/guest-exit.c $(UAPI)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

qemu-initramfs: qemu-kernels $(QEMU_NESTBOX) $(BUILD)/nestbox-init tests rootfs $(QEMU_DIR)/guest-exit
	@for k in $(KERNELS); do \
		mkdir -p $(QEMU_DIR)/$$k && \
		BUILD=$(BUILD) BUSYBOX=$(BUSYBOX) sh qemu/mkinitramfs.sh $(BUILD)/kernels/$$k \
			$(QEMU_DIR)/$$k/initramfs.cpio.gz $(QEMU_NESTBOX) || exit 1; \
	done

qemu-test: qemu-initramfs
	@BUILD=$(BUILD) QEMU_ARCH=$(ARCH) sh qemu/qemu-test.sh $(KERNELS)

qemu-clean:
	rm -rf $(QEMU_DIR)
