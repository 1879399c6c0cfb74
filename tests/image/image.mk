# Container images (issue 9). Included by the Makefile.
#   make image        build/image/{nestbox-init,nestbox}/ (OCI image layouts) and
#                     build/image/{nestbox-init,nestbox}.docker.tar (docker load / podman load);
#                     the same for every other architecture of IMAGE_ARCHS in build/ARCH/image/,
#                     and build/image/multiarch/{nestbox-init,nestbox}/: one OCI layout each whose
#                     tag is an image index of every architecture (issue 24)
#   make image ARCH=aarch64   that architecture's images only (build/aarch64/image/)
#   make image-test   build, validate with skopeo and umoci, rebuild and compare byte for byte,
#                     sizes against their goals, nestbox inside runc starting a busybox container,
#                     the multi-architecture index (platforms, configs, the layers' ELF machines)
#   make image-size   the images' compressed sizes against their goals
# IMAGE_ARCH: the OCI architecture (default: read from build/nestbox's ELF header).
# IMAGE_ARCHS: the architectures of the multi-architecture index, x86_64 first (default: ARCHS;
# IMAGE_ARCHS="x86_64 aarch64 armv7" adds arm/v7, with armv7's toolchain: make deps ARCH=armv7).
IMAGE_DIR    := $(BUILD)/image
IMAGE_ARCH   ?=
IMAGE_ARCHS  ?= $(ARCHS)
MULTI_DIR    := $(TOP_BUILD)/image/multiarch
image_dir     = $(TOP_BUILD)/$(if $(filter x86_64,$(1)),,$(1)/)image
IMAGE_ORDER  := x86_64 $(filter-out x86_64,$(IMAGE_ARCHS))
$(foreach a,$(filter-out $(KNOWN_ARCHS),$(IMAGE_ARCHS)),$(error nestbox: IMAGE_ARCHS: $(a): unknown architecture: one of $(KNOWN_ARCHS)))
IMAGE_TAG    ?= latest
# A URL only: a local clone's path would leak the build machine into the image.
IMAGE_SOURCE ?= $(or $(shell git config --get remote.origin.url 2>/dev/null | grep -E '://|@'),nestbox)
SOURCE_DATE_EPOCH ?= 0
IMAGE_PKGS   := skopeo umoci runc jq podman

# Size goals (issue 9): the nestbox-init layer and the whole nestbox image, compressed.
INIT_IMAGE_BUDGET    := 16384
NESTBOX_IMAGE_BUDGET := 1572864

IMAGE_ENV = NESTBOX=$(BUILD)/nestbox NESTBOX_INIT=$(BUILD)/nestbox-init MKROOTFS=rootfs/mkrootfs.sh \
	BUSYBOX=$(BUSYBOX) \
	IMAGE_VERSION=$(VERSION) IMAGE_SOURCE='$(IMAGE_SOURCE)' IMAGE_TAG=$(IMAGE_TAG) \
	IMAGE_ARCH=$(IMAGE_ARCH) SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH)

.PHONY: image image-arch image-deps image-test image-size
image-arch: $(BUILD)/nestbox $(BUILD)/nestbox-init $(filter-out /bin/busybox,$(BUSYBOX))
	@$(IMAGE_ENV) sh tests/image/mkimage.sh $(IMAGE_DIR)
# From x86_64 (the default), make image builds every architecture's images (each a make
# ARCH=... of its own, as make check's phases are) and joins them.
ifeq ($(ARCH),x86_64)
image: image-arch
	@for a in $(filter-out x86_64,$(IMAGE_ARCHS)); do \
		$(MAKE) --no-print-directory ARCH=$$a image-arch || exit 1; done
	@IMAGE_TAG=$(IMAGE_TAG) sh tests/image/mkindex.sh $(MULTI_DIR) \
		$(foreach a,$(IMAGE_ORDER),$(call image_dir,$(a)))
else
image: image-arch
endif

image-deps:
	@missing=$$(for p in $(IMAGE_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "image-deps: installing$$(echo $$missing | sed 's/^/ /')"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

image-test: image-deps image
	@$(IMAGE_ENV) INIT_IMAGE_BUDGET=$(INIT_IMAGE_BUDGET) \
		NESTBOX_IMAGE_BUDGET=$(NESTBOX_IMAGE_BUDGET) MULTI_DIR=$(MULTI_DIR) \
		IMAGE_ARCHS="$(IMAGE_ORDER)" IMAGE_LAYOUTS="$(foreach a,$(IMAGE_ORDER),$(call image_dir,$(a)))" \
		sh tests/image/image-test.sh $(IMAGE_DIR)

# The goal is on the layer for nestbox-init and on the whole image (every blob) for nestbox.
image-size: image-arch
	@for b in nestbox-init:layer:$(INIT_IMAGE_BUDGET) nestbox:image:$(NESTBOX_IMAGE_BUDGET); do \
		name=$${b%%:*}; what=$$(echo $$b | cut -d: -f2); max=$${b##*:}; \
		d=$(IMAGE_DIR)/$$name/blobs/sha256; layer=0; all=0; \
		for f in $$d/*; do s=$$(stat -c %s $$f); all=$$((all + s)); \
			[ $$s -gt $$layer ] && layer=$$s; done; \
		[ $$what = layer ] && n=$$layer || n=$$all; \
		printf '%-14s image %7d bytes compressed, layer %7d (goal: %s <= %d)%s\n' "$$name" \
			$$all $$layer $$what $$max "$$( [ $$n -le $$max ] || echo '  OVER GOAL')"; \
		[ $$n -le $$max ] || exit 1; \
	done
