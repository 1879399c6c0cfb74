#!/bin/sh
# make check's test phases: the toolchain check (tests/toolchain.sh), the native suites (unit +
# kselftest), every command of README.md (tests/readme.sh), a short fuzzing pass (10 s a
# target: a parser regression shows up), the images, the real clients (containerd and podman
# driving nestbox, tests/clients/), the QEMU kernel matrix, then for every other
# architecture of $ARCHS its sizes and its QEMU matrix. Each phase ends
# with "N passed, N failed, N skipped"; this adds them up into one
# closing line of the same form (the line CI reads) and exits non-zero if any phase failed.
# A phase that fails without a failing test counted (a VM that did not boot, a phase that
# died) counts as one failure, so it can never pass silently.
# usage: check.sh "NATIVE TEST BINARIES"
set -u
native=${1:?usage: check.sh "TEST BINARIES"}
mkdir -p build/check
pass=0 fail=0 skip=0 status=0

phase() {
	name=$1
	shift
	echo "### $name: $*"
	{ "$@"; echo $? >"build/check/$name.rc"; } 2>&1 | tee "build/check/$name.log"
	rc=$(cat "build/check/$name.rc")
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "build/check/$name.log" | tail -n 1)
	set -- $line
	p=${1:-0} f=${3:-0} s=${5:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "### $name exited $rc with no failing test counted: one failure"
		f=1
	fi
	[ "$rc" -eq 0 ] || status=1
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	echo "### $name: $p passed, $f failed, $s skipped"
}

phase toolchain sh tests/toolchain.sh
# shellcheck disable=SC2086 # the binaries are a word list
phase native sh tests/run.sh $native
phase readme sh tests/readme.sh
phase fuzz make --no-print-directory fuzz FUZZ_SECONDS=10
phase image make --no-print-directory image-test
phase clients make --no-print-directory client-test
phase qemu make --no-print-directory qemu-test
# Every other architecture of ARCHS (make check passes it; issue 24): its budgets, then its QEMU
# matrix (the cross build happens on the way).
for arch in ${ARCHS:-}; do
	[ "$arch" = x86_64 ] && continue
	phase "size-$arch" make --no-print-directory ARCH="$arch" size
	phase "qemu-$arch" make --no-print-directory ARCH="$arch" qemu-test
done
echo "$pass passed, $fail failed, $skip skipped"
exit $status
