#!/bin/sh
# make qemu-test: for each kernel, three VMs (run-vm.sh): "suite" (the native suite inside the
# VM), "boot" (nestbox's boot mode checks) and "watchdog"; all of them in one longest-first
# queue, QEMU_JOBS (default 2) at a time. Prints progress, then a table; exits non-zero if any
# test or VM failed. Usage: qemu-test.sh KERNEL...   (from the repo's top directory)
set -u
build=${BUILD:-build}
dir=$build/qemu
[ $# -gt 0 ] || { echo "usage: qemu-test.sh KERNEL..." >&2; exit 2; }
first=$1

arch=${QEMU_ARCH:-x86_64}
# Another architecture's guest runs under TCG only.
[ "$arch" = x86_64 ] || ACCEL=${ACCEL:-tcg}
# KVM only when a short probe boot shows it works (FACTS: here it fails, then hangs); cached.
if [ -z "${ACCEL:-}" ]; then
	if [ ! -s "$dir/accel" ]; then
		a=tcg
		if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
			echo "qemu-test: probing KVM (short boot under timeout)"
			a=$(sh qemu/run-vm.sh probe-kvm "$build/kernels/$first" \
				"$dir/$first/initramfs.cpio.gz" "$dir/kvm-probe")
		fi
		echo "$a" >"$dir/accel"
	fi
	ACCEL=$(cat "$dir/accel")
fi
export ACCEL BUILD="$build" QEMU_ARCH="$arch"
echo "qemu-test: $arch, kernels $*; accel $ACCEL (x86_64: cached in $dir/accel; rm it to probe again)"

# One queue of every VM (kernel x mode), longest first, taken by QEMU_JOBS workers (default 2,
# the cores here: each 1-vCPU TCG VM is about one host thread). The longest is known from the
# last run's summaries when there are any, else the suites first (in KERNELS order: 6.1 before
# 6.12, the slower one on aarch64), then boot, then watchdog. Before, each kernel's three VMs ran
# one after the other beside the other kernel's: the kernel with the faster suite then idled its
# core for the difference (aarch64: 6.1's suite 667 s, 6.12's 514 s, 143 s idle).
queue=$dir/queue lock=$dir/queue.lock
rm -rf "$lock"
for k in "$@"; do
	for mode in suite boot watchdog; do
		est=$(cut -d' ' -f5 "$dir/$k/$mode.summary" 2>/dev/null)
		case $mode in suite) def=600 ;; boot) def=30 ;; *) def=20 ;; esac
		case $est in '' | *[!0-9.]*) est=$def ;; esac
		echo "$est $k $mode"
		rm -f "$dir/$k/$mode.summary"
	done
done | sort -s -k1,1 -rn >"$queue"
take() { # take: the next "est kernel mode" line of the queue into $job; false when empty
	while ! mkdir "$lock" 2>/dev/null; do sleep 0.2; done
	job=$(head -n 1 "$queue")
	tail -n +2 "$queue" >"$queue.tmp" && mv "$queue.tmp" "$queue"
	rmdir "$lock"
	[ -n "$job" ]
}
t0=$(date +%s)
w=0
while [ $w -lt "${QEMU_JOBS:-2}" ]; do
	(while take; do
		set -- $job
		echo "[$2 $3] booting $(sed -n 2p "$build/kernels/$2/package") (queue: est. ${1%.*} s)"
		LABEL="$2 $3" sh qemu/run-vm.sh "$3" "$build/kernels/$2" \
			"$dir/$2/initramfs.cpio.gz" "$dir/$2/$3" || :
	done) &
	w=$((w + 1))
done
wait
rm -f "$queue"
total=$(($(date +%s) - t0))

echo
printf '%-8s %-7s %-8s %7s %7s %8s %8s %8s  %s\n' arch kernel vm passed failed skipped boot wall result
rc=0 tp=0 tf=0 ts=0
for k in "$@"; do
	for mode in suite boot watchdog; do
		s=$dir/$k/$mode.summary
		if [ -s "$s" ]; then
			read -r p f sk boot wall verdict reason <"$s"
		else
			p=0 f=0 sk=0 boot=- wall=- verdict=FAIL reason="no summary (VM not run)"
		fi
		[ "$boot" = - ] || boot="${boot}s"
		[ "$wall" = - ] || wall="${wall}s"
		printf '%-8s %-7s %-8s %7s %7s %8s %8s %8s  %s\n' "$arch" "$k" "$mode" "$p" "$f" "$sk" "$boot" \
			"$wall" "$verdict${reason:+ ($reason)}"
		tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + sk))
		[ "$verdict" = PASS ] || rc=1
	done
done
printf '%-8s %-7s %-8s %7s %7s %8s %8s %8s  %s\n' "$arch" total "" $tp $tf $ts "" "${total}s" \
	"$([ $rc -eq 0 ] && echo PASS || echo FAIL)"
for k in "$@"; do # where a suite VM's time went: its five slowest test binaries
	[ -s "$dir/$k/suite.times" ] &&
		echo "$arch $k suite, slowest: $(head -n 5 "$dir/$k/suite.times" | awk '{ printf "%s%s %d s", (NR > 1 ? ", " : ""), $3, $1 }')"
done
echo "logs: $dir/KERNEL/{suite,boot,watchdog}.{console,results,host}; suite.times: each binary's wall time"
echo "$tp passed, $tf failed, $ts skipped"
exit $rc
