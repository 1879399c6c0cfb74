#!/bin/sh
# make bench ARCH=aarch64 (issue 24): nestbox's start latency and reaping inside the
# architecture's QEMU VMs (TCG), as ratios to the same VM's floor: tests/bench/floor.c for a
# start, a workload that reaps its own orphans for reaping (guest/bench-arch.sh measures, in
# the suite VM's initramfs with the bench programs added: qemu/vm-bench.sh arch).
# Usage (repo's top directory): arch-bench.sh ROUNDS ORPHANS REPS KERNEL...
# Env: BUILD, BENCH_DIR, QEMU_ARCH (the target), VM_CPUS. Prints the table, writes
# BENCH_DIR/arch.md and puts it into BENCH_DIR/results.md. Reports, never fails on a number.
set -eu
rounds=${1:?usage: arch-bench.sh ROUNDS ORPHANS REPS KERNEL...}
orphans=${2:?} reps=${3:?}
shift 3
[ $# -gt 0 ] || { echo "usage: arch-bench.sh ROUNDS ORPHANS REPS KERNEL..." >&2; exit 2; }
build=${BUILD:-build}
bench=${BENCH_DIR:-$build/bench}
arch=${QEMU_ARCH:-x86_64}
mkdir -p "$bench"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA" || b == 0) print "-"; else printf "%.2fx", a / b }'; }
# field FILE KIND NAME WHICH: the number after WHICH on the "arch-KIND: NAME ..." line
field() {
	awk -v k="arch-$2:" -v n="$3" -v w="$4" '$1 == k {
		s = $0; sub(/^[^ ]* /, "", s); i = index(s, " median ")
		if (i == 0 || substr(s, 1, i - 1) != n) next
		m = split(substr(s, i + 1), f, " ")
		for (j = 1; j < m; j++) if (f[j] == w) { print f[j + 1]; found = 1; exit }
	} END { if (!found) print "NA" }' "$1"
}

out=$bench/arch.md
{
	echo "## nestbox on $arch in QEMU (issue 24): ratios to the VM's floor"
	echo
	echo "TCG, ${VM_CPUS:-2} vCPUs, one VM per kernel: absolute times under emulation say little, the"
	echo "ratio to the same VM's floor does. Start: \`nestbox run --rootfs R -q -- /bin/true\`"
	echo "against tests/bench/floor.c (new mount and pid namespaces, overlay, pivot_root, /proc,"
	echo "exec), $rounds interleaved rounds, medians. Reaping: $orphans orphans released at once,"
	echo "nestbox-init as PID 1 against the workload reaping them itself, median of $reps."
	echo
	echo "| kernel | start: nestbox / floor | p90 | start: nestbox minimal / floor | reaping: nestbox-init / floor |"
	echo "|---|---|---|---|---|"
} >"$out.tmp"
for k in "$@"; do
	res=$build/qemu/$k/arch.results
	BUILD=$build BENCH_DIR=$bench QEMU_ARCH=$arch sh qemu/vm-bench.sh arch "$k" "$rounds" "$orphans" "$reps" \
		>/dev/null || { echo "arch-bench: $k: the VM gave no results" >&2; exit 1; }
	grep -q 'status=pass' "$res" || { echo "arch-bench: $k: the bench failed in the VM:" >&2; cat "$res" >&2; exit 1; }
	fl=$(field "$res" start floor median) flp=$(field "$res" start floor p90)
	nb=$(field "$res" start nestbox median) nbp=$(field "$res" start nestbox p90)
	mi=$(field "$res" start 'nestbox minimal' median)
	rf=$(field "$res" reap floor median) ri=$(field "$res" reap nestbox-init median)
	echo "| $k ($(sed -n "1s/^linux-image-//p" "$build/kernels/$k/package" 2>/dev/null)) | $(ratio "$nb" "$fl") | $(ratio "$nbp" "$flp") | $(ratio "$mi" "$fl") | $(ratio "$ri" "$rf") |" >>"$out.tmp"
	echo "arch-bench: $arch $k: start floor $fl ms, nestbox $nb ms, minimal $mi ms; reap floor $rf us, nestbox-init $ri us (TCG)" >&2
done
mv "$out.tmp" "$out"
sh "$(dirname "$0")/bench-section.sh" "$bench/results.md" "$out"
cat "$out"
