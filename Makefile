# nestbox: one static musl runtime, one tiny static init, their kselftest suites and a busybox rootfs.
#
#   make            build/nestbox, build/nestbox-init, the tests and their helpers
#   make ARCH=aarch64   the same cross-built into build/aarch64/ (issue 24; x86_64 is the default)
#   make deps       install what is missing (apt-get) and extract the kselftest harness, with
#                   the cross toolchain of every architecture of ARCHS (aarch64 by default);
#                   make deps ARCH=armv7 adds armv7's, make deps ARCHS=x86_64 none
#   make rootfs     build/rootfs from busybox-static
#   make demo       run a busybox container that shows PID 1, its hostname and the overlay
#   make test       native suite (root) ; make unit: sanitizer host build of the unit tests
#   make check      everything CI runs (the QEMU matrix for every architecture of ARCHS)
#   make size       binary sizes against their budgets

HOSTCC  := gcc
BUILD   := build
KSFT    := $(BUILD)/kselftest
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# --- architecture --------------------------------------------------------------------------------
# ARCH: the target. x86_64 builds into build/ itself (the paths the rest of the project uses);
# another architecture into build/ARCH/ with Debian's cross gcc and that architecture's
# musl-dev through its musl-gcc.specs, and linux-libc-dev:DEB_ARCH for the kernel headers.
# ARCHS: the architectures make check (and make deps) covers.
ARCH    ?= x86_64
# aarch64 is in the default (issue 24): make check runs its size and QEMU phases; armv7 when
# ARCHS names it (make check ARCHS="x86_64 aarch64 armv7").
ARCHS   ?= x86_64 aarch64
KNOWN_ARCHS := x86_64 aarch64 armv7
ifeq ($(ARCH),x86_64)
OUT      := $(BUILD)
DEB_ARCH := amd64
TRIPLE   := x86_64-linux-gnu
CC       := musl-gcc
STRIP    := strip
else ifeq ($(ARCH),aarch64)
OUT      := $(BUILD)/aarch64
DEB_ARCH := arm64
TRIPLE   := aarch64-linux-gnu
CC       := $(TRIPLE)-gcc -specs /usr/lib/aarch64-linux-musl/musl-gcc.specs
STRIP    := $(TRIPLE)-strip
# aarch64's ld aligns segments to 64 KiB pages, which pads nestbox-init to 65 KB: 4 KiB pages,
# as Debian's arm64 kernels use (a 64 KiB-page kernel could not map these binaries). And
# -z norelro for nestbox-init too (see $(OUT)/nestbox): ending the GOT on a page boundary
# padded it by 3.5 KB, past its budget (17,464 bytes).
ARCH_LDFLAGS := -Wl,-z,max-page-size=4096 -Wl,-z,norelro
# aarch64's gcc makes unwind tables (20 KB of .eh_frame in nestbox) and kept frame pointers
# (4 KB) even at -Os; nothing here unwinds.
ARCH_CFLAGS  := -fno-unwind-tables -fomit-frame-pointer
# The tiny code model: code and static data within 1 MiB of each other, one adr for an address
# where the small model needs adrp+add (-9.2 KB of nestbox). A link that outgrows it fails with
# "relocation truncated to fit: R_AARCH64_ADR_PREL_LO21": allocate the big buffer instead of
# making it static (nestbox is 0.2 MB of code and data and 0.5 MB of .bss now).
NESTBOX_ARCH_CFLAGS := -mcmodel=tiny
else ifeq ($(ARCH),armv7)
# armv7-a, hard float, Thumb-2 (Debian's armhf): musl 1.2's 64-bit time_t and off_t on 32 bits.
OUT      := $(BUILD)/armv7
DEB_ARCH := armhf
TRIPLE   := arm-linux-gnueabihf
CC       := $(TRIPLE)-gcc -specs /usr/lib/arm-linux-musleabihf/musl-gcc.specs
STRIP    := $(TRIPLE)-strip
ARCH_LDFLAGS := -Wl,-z,max-page-size=4096 -Wl,-z,norelro
ARCH_CFLAGS  := -fno-unwind-tables -fomit-frame-pointer
else
$(error nestbox: ARCH=$(ARCH): unknown architecture: one of $(KNOWN_ARCHS) (make deps ARCH=aarch64 or ARCH=armv7 installs its cross toolchain))
endif
UAPI    := $(OUT)/uapi
ROOTFS  := $(OUT)/rootfs
# From here on BUILD is the architecture's output directory, also for the make fragments
# (qemu/, tests/*/): what every architecture shares (the harness, downloaded .debs) is under
# TOP_BUILD.
TOP_BUILD := $(BUILD)
BUILD     := $(OUT)
# The cross packages of every other architecture make check covers (ARCHS, default or given)
# and of ARCH: a plain make deps on a fresh machine (.ci/run) installs what make check needs.
DEPS_ARCHS := $(filter-out x86_64,$(sort $(ARCHS) $(ARCH)))
CROSS_PKGS_aarch64 := gcc-aarch64-linux-gnu musl-dev:arm64 linux-libc-dev:arm64 qemu-system-arm
CROSS_PKGS_armv7   := gcc-arm-linux-gnueabihf musl-dev:armhf linux-libc-dev:armhf qemu-system-arm
$(foreach a,$(filter-out $(KNOWN_ARCHS),$(ARCHS)),$(error nestbox: ARCHS: $(a): unknown architecture: one of $(KNOWN_ARCHS)))

WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2
# -fno-pie: a -static link is not position-independent, and PIE code costs nestbox 3.5 KB.
CFLAGS  := -std=gnu11 -Os $(WARN) -D_GNU_SOURCE -isystem $(UAPI) -Iinclude -fno-pie \
           -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables $(ARCH_CFLAGS)
LDFLAGS := -static -Wl,--gc-sections -s $(ARCH_LDFLAGS)
# Test programs: the harness trips -Wunused-parameter and -Wclobbered (setjmp) by itself, and
# at -Os a failed ASSERT longjmps into a wrapper whose clobbered locals skip the fixture's
# teardown (measured with musl-gcc): tests are built at -O0 so teardown always runs.
TCFLAGS := $(CFLAGS) -O0 -Wno-unused-parameter -Wno-clobbered -isystem $(KSFT) -Itests

# Budgets for the stripped static binaries (issue 3), the same on every architecture (issue 24);
# make size ARCH=aarch64 names them aarch64/nestbox.
SIZE_PREFIX := $(if $(filter x86_64,$(ARCH)),,$(ARCH)/)
INIT_BUDGET    := 16384
NESTBOX_BUDGET := 204800

INIT_SRC     := $(filter-out init/main.c,$(wildcard init/*.c))
RUNTIME_SRC  := $(wildcard runtime/*.c)
TEST_SRC     := $(wildcard tests/test_*.c)
TEST_LIB     := $(wildcard tests/lib*.c)
HELPER_SRC   := $(wildcard tests/helpers/*.c)
UNIT_SRC     := $(wildcard tests/unit_*.c)
TEST_BIN     := $(TEST_SRC:tests/%.c=$(OUT)/tests/%)
HELPER_BIN   := $(HELPER_SRC:tests/helpers/%.c=$(OUT)/helpers/%)
UNIT_BIN     := $(UNIT_SRC:tests/%.c=$(TOP_BUILD)/unit/%)

DEB_PKGS := musl-tools linux-libc-dev busybox-static file cpio xz-utils gcc make qemu-system-x86 \
            containerd

.PHONY: all deps toolchain rootfs demo test unit check size format clean
all: $(OUT)/nestbox $(OUT)/nestbox-init tests

# --- dependencies -------------------------------------------------------------------------------
# apt-get only what dpkg does not already have; the harness comes from linux-source-6.12 (6.12's
# harness times out with SIGALRM; newer ones need pidfd_open).
# dpkg -s NAME is ambiguous once NAME:arm64 is installed too (linux-libc-dev): ask NAME:amd64 then.
deps: $(KSFT)/kselftest_harness.h $(DEPS_ARCHS:%=deps-%)
	@native=$$(dpkg --print-architecture); \
	missing=$$(for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || \
		dpkg -s $$p:$$native >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$(echo $$missing | sed 's/^/ /')"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# make deps ARCH=aarch64: Debian's cross gcc, the target's musl-dev and kernel headers (dpkg's
# foreign architecture, added once), and QEMU for it; nothing when all of it is there.
DEB_ARCH_aarch64 := arm64
DEB_ARCH_armv7   := armhf
.PHONY: $(KNOWN_ARCHS:%=deps-%)
$(KNOWN_ARCHS:%=deps-%): deps-%:
	@missing=$$(for p in $(CROSS_PKGS_$*); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: $*: installing$$(echo $$missing | sed 's/^/ /')"; \
		dpkg --print-foreign-architectures | grep -qx $(DEB_ARCH_$*) || \
			dpkg --add-architecture $(DEB_ARCH_$*); \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(KSFT)/kselftest_harness.h:
	@dpkg -s musl-tools >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_PKGS); }
	@mkdir -p $(TOP_BUILD)/deb $(KSFT)
	@ls $(TOP_BUILD)/deb/linux-source-6.12_*.deb >/dev/null 2>&1 || \
		(cd $(TOP_BUILD)/deb && apt-get download linux-source-6.12 >/dev/null 2>&1) || \
		(apt-get update -qq && cd $(TOP_BUILD)/deb && apt-get download linux-source-6.12)
	dpkg-deb --fsys-tarfile $$(ls $(TOP_BUILD)/deb/linux-source-6.12_*.deb | tail -n 1) | \
		tar -xO ./usr/src/linux-source-6.12.tar.xz | \
		tar -xJ -C $(KSFT) --strip-components=4 \
		linux-source-6.12/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.12/tools/testing/selftests/kselftest.h

# A fresh machine has no musl-gcc: say what to do before the first compile fails with a bare
# "musl-gcc: No such file or directory" (issue 20.5). Every static build goes through
# $(UAPI)/.stamp, whose order-only prerequisite this is; make deps needs none of it.
.PHONY: toolchain
# A cross build also needs the target's musl (the specs file CC names) and kernel headers.
DEPS_HINT := make deps$(if $(filter x86_64,$(ARCH)),, ARCH=$(ARCH))
toolchain:
	@for t in $(firstword $(CC)) $(HOSTCC); do command -v $$t >/dev/null 2>&1 || \
		{ echo "make: $$t not found: run $(DEPS_HINT) (it installs what is missing with apt-get)" >&2; \
		  exit 1; }; done
	@for f in /usr/include/linux/types.h /usr/include/$(TRIPLE)/asm/unistd.h \
		$(word 3,$(CC)); do [ -e $$f ] || \
		{ echo "make: $(ARCH): $$f not found: run $(DEPS_HINT)" >&2; exit 1; }; done

# musl-gcc's -nostdinc hides the kernel UAPI headers: show them through three links (asm: the
# target architecture's, from linux-libc-dev:DEB_ARCH).
$(UAPI)/.stamp: | toolchain
	@mkdir -p $(UAPI)
	ln -sfn /usr/include/linux $(UAPI)/linux
	ln -sfn /usr/include/asm-generic $(UAPI)/asm-generic
	ln -sfn /usr/include/$(TRIPLE)/asm $(UAPI)/asm
	@touch $@

# --- binaries ------------------------------------------------------------------------------------
# runtime/format.c stands in for musl's printf family (include/format.h: 13 KB less).
OWN_PRINTF := -include include/format.h
# -z norelro: musl's static start-up never makes PT_GNU_RELRO read-only (checked in
# /proc/self/maps), and the page alignment of its end padded the file by up to 4 KB.
# -z common-page-size=16: ld otherwise starts the data segment on a page of its own, and the
# file offset must follow the address: up to 4 KB of padding after the code, and the stripped
# size moved in whole pages. Now the data follows the code in the file (the page between is
# mapped twice, read-only+exec and copy-on-write), and every byte saved shows.
# --wrap=pthread_create: runtime/libc_lite.c's fork is _Fork, right only while nestbox has no
# threads; a pthread_create call fails the link ("undefined reference to __wrap_pthread_create").
# Link-time optimisation of the whole runtime as one unit: gcc then inlines and drops across
# files (static helpers called once, constant arguments), -4.8 KB on aarch64 and -1.9 KB on
# x86_64 (measured). One partition: the same code every build, and no serial-LTRANS warning.
NESTBOX_LTO := -flto -flto-partition=one
# Two of -Os's passes that cost nestbox bytes (measured on each architecture, the others
# measured gave 200 bytes or less): a sibling call repeats the function's epilogue (registers
# restored, frame popped) before each tail jump where a plain call shares the one epilogue;
# loop-invariant motion hoists values out of loops that run a few times into registers that
# then must be saved. x86_64 -1,216 bytes, aarch64 -1,280, armv7 -960.
# Four more save less but on every architecture (x86_64/aarch64/armv7 bytes): registers saved
# around calls to keep values in call-clobbered ones (-352/-16/-48), tree tail merging, which
# leaves the RTL cross-jumping less to share (-256/-208/-320), partial inlining, which copies
# a function's head into its callers (-32/-64/-80), and switches made lookup tables
# (-32/-152/-32).
NESTBOX_OPT := -fno-optimize-sibling-calls -fno-move-loop-invariants -fno-caller-saves \
               -fno-tree-tail-merge -fno-partial-inlining -fno-tree-switch-conversion
$(OUT)/nestbox: $(RUNTIME_SRC) $(INIT_SRC) $(wildcard include/*.h runtime/*.h) $(UAPI)/.stamp Makefile
	$(CC) $(CFLAGS) $(NESTBOX_ARCH_CFLAGS) $(NESTBOX_OPT) $(OWN_PRINTF) $(NESTBOX_LTO) -DNESTBOX_VERSION='"$(VERSION)"' -o $@ \
		$(RUNTIME_SRC) $(INIT_SRC) $(LDFLAGS) -Wl,-z,noseparate-code -Wl,-z,norelro -Wl,-z,common-page-size=16 -Wl,--wrap=pthread_create

# The linker's separate-code layout pads a 9 KB program to 17 KB (an empty main is 13 KB):
# nestbox-init shares one page between code and read-only data to stay within 16 KiB.
$(OUT)/nestbox-init: init/main.c $(INIT_SRC) include/init.h include/version.h $(UAPI)/.stamp Makefile
	$(CC) $(CFLAGS) -DNESTBOX_VERSION='"$(VERSION)"' -o $@ init/main.c $(INIT_SRC) $(LDFLAGS) -Wl,-z,noseparate-code

size: $(OUT)/nestbox $(OUT)/nestbox-init
	@for b in nestbox-init:$(INIT_BUDGET) nestbox:$(NESTBOX_BUDGET); do \
		f=$(OUT)/$${b%%:*}; max=$${b##*:}; $(STRIP) -o $(OUT)/.size.tmp $$f; \
		n=$$(stat -c %s $(OUT)/.size.tmp); rm -f $(OUT)/.size.tmp; \
		printf '%-14s %7d bytes stripped (budget %d)%s\n' $(SIZE_PREFIX)$${b%%:*} $$n $$max \
			"$$( [ $$n -le $$max ] || echo '  OVER BUDGET')"; \
		[ $$n -le $$max ] || exit 1; \
	done
	@$(if $(filter x86_64,$(ARCH)),$(MAKE) --no-print-directory image-size,:)

# --- rootfs --------------------------------------------------------------------------------------
# The rootfs's busybox: the host's for x86_64, else Debian's busybox-static:DEB_ARCH, fetched
# with apt-get download (it cannot be installed beside the host's) and unpacked.
ifeq ($(ARCH),x86_64)
BUSYBOX := /bin/busybox
else
BUSYBOX := $(OUT)/busybox
$(BUSYBOX):
	@mkdir -p $(TOP_BUILD)/deb $(@D)
	@ls $(TOP_BUILD)/deb/busybox-static_*_$(DEB_ARCH).deb >/dev/null 2>&1 || \
		(cd $(TOP_BUILD)/deb && apt-get download busybox-static:$(DEB_ARCH) >/dev/null) || \
		(apt-get update -qq && cd $(TOP_BUILD)/deb && apt-get download busybox-static:$(DEB_ARCH))
	dpkg-deb --fsys-tarfile $$(ls $(TOP_BUILD)/deb/busybox-static_*_$(DEB_ARCH).deb | tail -n 1) | \
		tar -xO ./bin/busybox >$@.tmp
	@chmod 755 $@.tmp && mv $@.tmp $@
endif
rootfs: $(OUT)/.rootfs-stamp
$(OUT)/.rootfs-stamp: rootfs/mkrootfs.sh $(filter-out /bin/busybox,$(BUSYBOX))
	BUSYBOX=$(BUSYBOX) sh rootfs/mkrootfs.sh $(ROOTFS)
	@touch $@

# --- tests ---------------------------------------------------------------------------------------
.PHONY: tests
tests: $(TEST_BIN) $(HELPER_BIN)

$(OUT)/tests/%: tests/%.c $(TEST_LIB) $(wildcard tests/*.h runtime/*.h) $(KSFT)/kselftest_harness.h $(UAPI)/.stamp
	@mkdir -p $(@D)
	$(CC) $(TCFLAGS) -o $@ $< $(TEST_LIB) $(LDFLAGS)

$(OUT)/helpers/%: tests/helpers/%.c $(wildcard runtime/syscalls*.h) $(UAPI)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

# Unit tests of pure runtime code: a host (glibc) build with the sanitizers.
# The harness comes through -isystem; unused sections are dropped so that a unit test links
# without the musl-only init/ code that container.c calls.
UNIT_CFLAGS := -std=gnu11 -g -O1 $(WARN) -D_GNU_SOURCE -Iinclude -fsanitize=address,undefined \
               -fno-sanitize-recover=all -isystem $(KSFT) -ffunction-sections -fdata-sections \
               -Wl,--gc-sections
$(TOP_BUILD)/unit/%: tests/%.c $(RUNTIME_SRC) $(wildcard include/*.h runtime/*.h) $(KSFT)/kselftest_harness.h
	@mkdir -p $(@D)
	$(HOSTCC) $(UNIT_CFLAGS) -DNB_UNIT_TEST -o $@ $< $(filter-out runtime/main.c,$(RUNTIME_SRC))

unit: $(UNIT_BIN)
	@sh tests/run.sh $(UNIT_BIN)

test: all rootfs
	@sh tests/run.sh $(UNIT_BIN:%=) $(TEST_BIN)

# The native suites, the images, then the same binaries inside QEMU VMs over the kernel matrix;
# then each other architecture of ARCHS: its sizes and its QEMU matrix (issue 24).
# tests/check.sh ends with one line totalling them all.
check: deps $(patsubst %,deps-%,$(filter-out x86_64,$(ARCHS))) all rootfs size $(UNIT_BIN)
	@ARCHS="$(ARCHS)" sh tests/check.sh "$(UNIT_BIN) $(TEST_BIN)"

demo: deps all rootfs
	@sh rootfs/demo.sh $(BUILD)/nestbox $(ROOTFS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)/nestbox $(BUILD)/nestbox-init $(BUILD)/tests $(BUILD)/helpers $(BUILD)/unit \
		$(ROOTFS) $(UAPI)

# Per-area make fragments (qemu/qemu.mk: make qemu-test; tests/bench/bench.mk: make bench ...).
include $(wildcard qemu/*.mk tests/*/*.mk)
