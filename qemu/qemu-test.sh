#!/bin/sh
# make qemu-test: for each kernel, two VMs (run-vm.sh): "suite" (the native suite inside the VM)
# and "boot" (nestbox's boot mode checks); kernels run side by side (QEMU_JOBS, default 2), the
# two VMs of a kernel one after the other. Prints progress, then a table; exits non-zero if any
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

t0=$(date +%s)
jobs=${QEMU_JOBS:-2} running=0
for k in "$@"; do
	rm -f "$dir/$k/suite.summary" "$dir/$k/boot.summary" "$dir/$k/watchdog.summary"
	(for mode in suite boot watchdog; do
		echo "[$k $mode] booting $(sed -n 2p "$build/kernels/$k/package")"
		LABEL="$k $mode" sh qemu/run-vm.sh "$mode" "$build/kernels/$k" \
			"$dir/$k/initramfs.cpio.gz" "$dir/$k/$mode" || :
	done) &
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait
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
