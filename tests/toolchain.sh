#!/bin/sh
# `make` on a machine without the toolchain says "run make deps" before any compile fails
# (issue 20.5). Runs make with PATH lacking musl-gcc, and with CC/HOSTCC naming nothing; a
# check that fails stops make before a single compile, so this is fast and builds nothing.
# Ends with "N passed, N failed, N skipped"; exits non-zero when anything failed.
set -u
make=$(command -v make)
pass=0 fail=0
out=${TMPDIR:-/tmp}/nestbox-toolchain.$$

ok() { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() {
	echo "not ok - $1"
	sed 's/^/#   /' "$out"
	fail=$((fail + 1))
}

# expect NAME WANT-TEXT MAKE-ARGS...: make fails, says WANT-TEXT, and runs no compiler.
expect_refusal() {
	name=$1 want=$2
	shift 2
	"$@" >"$out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		not_ok "$name: make exited 0"
	elif ! grep -qF "$want" "$out"; then
		not_ok "$name: no \"$want\""
	elif grep -q 'No such file or directory\|-static' "$out"; then
		not_ok "$name: a compile ran or failed bare"
	else
		ok "$name"
	fi
}

expect_refusal "no musl-gcc on PATH" "musl-gcc not found: run make deps" \
	env PATH=/nonexistent "$make" --no-print-directory build/nestbox
expect_refusal "CC names nothing" "nb-no-such-cc not found: run make deps" \
	"$make" --no-print-directory CC=nb-no-such-cc all
expect_refusal "HOSTCC names nothing" "nb-no-such-hostcc not found: run make deps" \
	"$make" --no-print-directory HOSTCC=nb-no-such-hostcc build/nestbox-init
# Issue 24: an unknown ARCH, and a cross build without its gcc or its musl, name the make deps line.
expect_refusal "unknown ARCH" "ARCH=sparc: unknown architecture: one of x86_64 aarch64" \
	"$make" --no-print-directory ARCH=sparc all
expect_refusal "no cross gcc on PATH" \
	"aarch64-linux-gnu-gcc not found: run make deps ARCH=aarch64" \
	env PATH=/nonexistent "$make" --no-print-directory ARCH=aarch64 build/aarch64/nestbox
expect_refusal "no musl for the cross gcc" \
	"/nonexistent/musl-gcc.specs not found: run make deps ARCH=aarch64" \
	"$make" --no-print-directory ARCH=aarch64 \
	CC="aarch64-linux-gnu-gcc -specs /nonexistent/musl-gcc.specs" build/aarch64/nestbox-init
expect_refusal "no kernel headers for the target" \
	"/usr/include/nb-none-linux-gnu/asm/unistd.h not found: run make deps ARCH=aarch64" \
	"$make" --no-print-directory ARCH=aarch64 TRIPLE=nb-none-linux-gnu \
	CC="aarch64-linux-gnu-gcc -specs /usr/lib/aarch64-linux-musl/musl-gcc.specs" build/aarch64/nestbox-init
# make check and make deps take ARCHS: a name there that is no architecture stops them too.
expect_refusal "unknown architecture in ARCHS" "ARCHS: sparc: unknown architecture: one of x86_64" \
	"$make" --no-print-directory ARCHS="x86_64 sparc" deps

# make deps installs what make check needs: the cross toolchain of every architecture of ARCHS,
# the default one (x86_64 aarch64) included, so that a fresh clone's make deps / make check
# (.ci/run) gets it; ARCHS=x86_64 asks for none. make -n: nothing is installed.
deps_plan() { "$make" --no-print-directory -n "$@" deps 2>&1; }
if deps_plan | grep -q 'gcc-aarch64-linux-gnu musl-dev:arm64' &&
	! deps_plan ARCHS=x86_64 | grep -q 'gcc-aarch64-linux-gnu' &&
	deps_plan ARCHS=x86_64 ARCH=armv7 | grep -q 'gcc-arm-linux-gnueabihf musl-dev:armhf'; then
	ok "make deps takes the cross toolchains of the default ARCHS (and of ARCH)"
else
	deps_plan >"$out"
	not_ok "make deps takes the cross toolchains of the default ARCHS (and of ARCH)"
fi

if "$make" --no-print-directory -s toolchain >"$out" 2>&1 && [ ! -s "$out" ]; then
	ok "the installed toolchain passes, silently"
else
	not_ok "the installed toolchain passes, silently"
fi
rm -f "$out"
echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
