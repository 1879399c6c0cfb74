# nestbox: one static musl runtime, one tiny static init, their kselftest suites and a busybox rootfs.
#
#   make            build/nestbox, build/nestbox-init, the tests and their helpers
#   make deps       install what is missing (apt-get) and extract the kselftest harness
#   make rootfs     build/rootfs from busybox-static
#   make demo       run a busybox container that shows PID 1, its hostname and the overlay
#   make test       native suite (root) ; make unit: sanitizer host build of the unit tests
#   make check      everything CI runs
#   make size       binary sizes against their budgets

CC      := musl-gcc
HOSTCC  := gcc
BUILD   := build
UAPI    := $(BUILD)/uapi
KSFT    := $(BUILD)/kselftest
ROOTFS  := $(BUILD)/rootfs
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2
# -fno-pie: a -static link is not position-independent, and PIE code costs nestbox 3.5 KB.
CFLAGS  := -std=gnu11 -Os $(WARN) -D_GNU_SOURCE -isystem $(UAPI) -Iinclude -fno-pie \
           -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
LDFLAGS := -static -Wl,--gc-sections -s
# Test programs: the harness trips -Wunused-parameter and -Wclobbered (setjmp) by itself, and
# at -Os a failed ASSERT longjmps into a wrapper whose clobbered locals skip the fixture's
# teardown (measured with musl-gcc): tests are built at -O0 so teardown always runs.
TCFLAGS := $(CFLAGS) -O0 -Wno-unused-parameter -Wno-clobbered -isystem $(KSFT) -Itests

# Budgets for the stripped static binaries (issue 3).
INIT_BUDGET    := 16384
NESTBOX_BUDGET := 204800

INIT_SRC     := $(filter-out init/main.c,$(wildcard init/*.c))
RUNTIME_SRC  := $(wildcard runtime/*.c)
TEST_SRC     := $(wildcard tests/test_*.c)
TEST_LIB     := $(wildcard tests/lib*.c)
HELPER_SRC   := $(wildcard tests/helpers/*.c)
UNIT_SRC     := $(wildcard tests/unit_*.c)
TEST_BIN     := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
HELPER_BIN   := $(HELPER_SRC:tests/helpers/%.c=$(BUILD)/helpers/%)
UNIT_BIN     := $(UNIT_SRC:tests/%.c=$(BUILD)/unit/%)

DEB_PKGS := musl-tools linux-libc-dev busybox-static file cpio xz-utils gcc make qemu-system-x86

.PHONY: all deps toolchain rootfs demo test unit check size format clean
all: $(BUILD)/nestbox $(BUILD)/nestbox-init tests

# --- dependencies -------------------------------------------------------------------------------
# apt-get only what dpkg does not already have; the harness comes from linux-source-6.12 (6.12's
# harness times out with SIGALRM; newer ones need pidfd_open).
deps: $(KSFT)/kselftest_harness.h
	@missing=$$(for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$(echo $$missing | sed 's/^/ /')"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(KSFT)/kselftest_harness.h:
	@dpkg -s musl-tools >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_PKGS); }
	@mkdir -p $(BUILD)/deb $(KSFT)
	@ls $(BUILD)/deb/linux-source-6.12_*.deb >/dev/null 2>&1 || \
		(cd $(BUILD)/deb && apt-get download linux-source-6.12 >/dev/null 2>&1) || \
		(apt-get update -qq && cd $(BUILD)/deb && apt-get download linux-source-6.12)
	dpkg-deb --fsys-tarfile $$(ls $(BUILD)/deb/linux-source-6.12_*.deb | tail -n 1) | \
		tar -xO ./usr/src/linux-source-6.12.tar.xz | \
		tar -xJ -C $(KSFT) --strip-components=4 \
		linux-source-6.12/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.12/tools/testing/selftests/kselftest.h

# A fresh machine has no musl-gcc: say what to do before the first compile fails with a bare
# "musl-gcc: No such file or directory" (issue 20.5). Every static build goes through
# $(UAPI)/.stamp, whose order-only prerequisite this is; make deps needs none of it.
.PHONY: toolchain
toolchain:
	@for t in $(CC) $(HOSTCC); do command -v $$t >/dev/null 2>&1 || \
		{ echo "make: $$t not found: run make deps (it installs what is missing with apt-get)" >&2; \
		  exit 1; }; done
	@[ -e /usr/include/linux/types.h ] || \
		{ echo "make: kernel headers (/usr/include/linux) not found: run make deps" >&2; exit 1; }

# musl-gcc's -nostdinc hides the kernel UAPI headers: show them through three links.
$(UAPI)/.stamp: | toolchain
	@mkdir -p $(UAPI)
	ln -sfn /usr/include/linux $(UAPI)/linux
	ln -sfn /usr/include/asm-generic $(UAPI)/asm-generic
	ln -sfn /usr/include/$$(gcc -print-multiarch)/asm $(UAPI)/asm
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
$(BUILD)/nestbox: $(RUNTIME_SRC) $(INIT_SRC) $(wildcard include/*.h) $(UAPI)/.stamp Makefile
	$(CC) $(CFLAGS) $(OWN_PRINTF) -DNESTBOX_VERSION='"$(VERSION)"' -o $@ $(RUNTIME_SRC) $(INIT_SRC) $(LDFLAGS) \
		-Wl,-z,noseparate-code -Wl,-z,norelro -Wl,-z,common-page-size=16 -Wl,--wrap=pthread_create

# The linker's separate-code layout pads a 9 KB program to 17 KB (an empty main is 13 KB):
# nestbox-init shares one page between code and read-only data to stay within 16 KiB.
$(BUILD)/nestbox-init: init/main.c $(INIT_SRC) include/init.h include/version.h $(UAPI)/.stamp Makefile
	$(CC) $(CFLAGS) -DNESTBOX_VERSION='"$(VERSION)"' -o $@ init/main.c $(INIT_SRC) $(LDFLAGS) -Wl,-z,noseparate-code

size: $(BUILD)/nestbox $(BUILD)/nestbox-init
	@for b in nestbox-init:$(INIT_BUDGET) nestbox:$(NESTBOX_BUDGET); do \
		f=$(BUILD)/$${b%%:*}; max=$${b##*:}; strip -o $(BUILD)/.size.tmp $$f; \
		n=$$(stat -c %s $(BUILD)/.size.tmp); rm -f $(BUILD)/.size.tmp; \
		printf '%-14s %7d bytes stripped (budget %d)%s\n' $${b%%:*} $$n $$max \
			"$$( [ $$n -le $$max ] || echo '  OVER BUDGET')"; \
		[ $$n -le $$max ] || exit 1; \
	done
	@$(MAKE) --no-print-directory image-size

# --- rootfs --------------------------------------------------------------------------------------
rootfs: $(BUILD)/.rootfs-stamp
$(BUILD)/.rootfs-stamp: rootfs/mkrootfs.sh
	sh rootfs/mkrootfs.sh $(ROOTFS)
	@touch $@

# --- tests ---------------------------------------------------------------------------------------
.PHONY: tests
tests: $(TEST_BIN) $(HELPER_BIN)

$(BUILD)/tests/%: tests/%.c $(TEST_LIB) $(wildcard tests/*.h) $(KSFT)/kselftest_harness.h $(UAPI)/.stamp
	@mkdir -p $(@D)
	$(CC) $(TCFLAGS) -o $@ $< $(TEST_LIB) $(LDFLAGS)

$(BUILD)/helpers/%: tests/helpers/%.c $(UAPI)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

# Unit tests of pure runtime code: a host (glibc) build with the sanitizers.
# The harness comes through -isystem; unused sections are dropped so that a unit test links
# without the musl-only init/ code that container.c calls.
UNIT_CFLAGS := -std=gnu11 -g -O1 $(WARN) -D_GNU_SOURCE -Iinclude -fsanitize=address,undefined \
               -fno-sanitize-recover=all -isystem $(KSFT) -ffunction-sections -fdata-sections \
               -Wl,--gc-sections
$(BUILD)/unit/%: tests/%.c $(RUNTIME_SRC) $(wildcard include/*.h) $(KSFT)/kselftest_harness.h
	@mkdir -p $(@D)
	$(HOSTCC) $(UNIT_CFLAGS) -DNB_UNIT_TEST -o $@ $< $(filter-out runtime/main.c,$(RUNTIME_SRC))

unit: $(UNIT_BIN)
	@sh tests/run.sh $(UNIT_BIN)

test: all rootfs
	@sh tests/run.sh $(UNIT_BIN:%=) $(TEST_BIN)

# The native suites, the images, then the same binaries inside QEMU VMs over the kernel matrix;
# tests/check.sh ends with one line totalling them all.
check: deps all rootfs size $(UNIT_BIN)
	@sh tests/check.sh "$(UNIT_BIN) $(TEST_BIN)"

demo: deps all rootfs
	@sh rootfs/demo.sh $(BUILD)/nestbox $(ROOTFS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)/nestbox $(BUILD)/nestbox-init $(BUILD)/tests $(BUILD)/helpers $(BUILD)/unit \
		$(ROOTFS) $(UAPI)

# Per-area make fragments (qemu/qemu.mk: make qemu-test; tests/bench/bench.mk: make bench ...).
include $(wildcard qemu/*.mk tests/*/*.mk)
