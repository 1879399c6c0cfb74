#!/bin/sh
# Bench VM "arch" (issue 24, make bench ARCH=...): nestbox's own start latency and reaping in
# this VM, each next to this VM's floor, so that the host reports ratios (TCG makes absolute
# times meaningless). Same programs and method as make bench (tests/bench/):
#   start: interleave ROUNDS rounds of `floor R /bin/true`, `nestbox run --rootfs R -q -- /bin/true`
#          and `nestbox run ... --ns mnt,pid --privileged --no-init -- /bin/true` (median, p90 ms)
#   reap:  REPS times `initbench orphans N -` (the workload, PID 1, reaps its N orphans itself: the
#          floor) and `initbench orphans N nestbox-init --` (us until the last orphan is reaped)
# Everything runs in a mount namespace whose root is a bind of the initramfs, not the initramfs
# itself: pivot_root(2) fails with EINVAL on the rootfs (FACTS), which floor.c does not work
# around (nestbox does: mounts.c), and both must start from the same root.
# Results on the results port, one line each:
#   arch-start: NAME median MS p90 MS        arch-reap: NAME median US
# Usage: bench-arch.sh ROUNDS ORPHANS REPS   (vm-bench.sh arch writes the boot.conf that runs it)
. /nestbox/qemu/lib.sh
port=$(results_port) || { echo "bench-arch: no results port" >/dev/console; exit 1; }
rounds=${1:-50} orphans=${2:-1000} reps=${3:-5}
bin=/nestbox/bench
R=/nestbox/rootfs
cd /tmp || exit 1

if [ "${BENCH_ARCH_INNER:-}" != 1 ]; then
	echo "# === bench-arch on $(uname -m) $(uname -r): $rounds rounds, $orphans orphans x $reps" >"$port"
	mkdir -p /mnt/bench-root
	# shellcheck disable=SC2016 # the inner sh expands $0 and $@
	BENCH_ARCH_INNER=1 unshare -m sh -c '
		mount --make-rprivate / && mount --rbind / /mnt/bench-root && cd /mnt/bench-root &&
		mount --move . / && exec chroot . /bin/sh "$0" "$@"' "$0" "$@" >/tmp/bench-arch.out 2>&1
	rc=$?
	grep '^arch-' /tmp/bench-arch.out >"$port"
	n=$(grep -c '^arch-' /tmp/bench-arch.out)
	if [ $rc -ne 0 ] || [ "$n" -eq 0 ]; then
		sed 's/^/# /' /tmp/bench-arch.out >"$port"
		status_line 0 1 0 >"$port"
	else
		status_line "$n" 0 0 >"$port"
	fi
	sync
	/nestbox/qemu/guest-exit 0
	exit 0
fi

# --- inside: the bind of the initramfs is /, a real mount --------------------------------------
set -e
nb="nestbox run --rootfs $R -q"
$bin/floor $R /bin/true
$nb -- /bin/true
# shellcheck disable=SC2086 # nb: a command and its options
$bin/interleave "$rounds" $bin/floor $R /bin/true ";" $nb -- /bin/true ";" \
	$nb --ns mnt,pid --privileged --no-init -- /bin/true >/tmp/start.out
i=0
for name in floor nestbox "nestbox minimal"; do
	i=$((i + 1))
	# shellcheck disable=SC2046 # the line's two numbers
	set -- $(sed -n "${i}p" /tmp/start.out)
	echo "arch-start: $name median $1 p90 $2"
done
r=0
: >/tmp/reap.floor
: >/tmp/reap.init
while [ $r -lt "$reps" ]; do
	$bin/initbench orphans "$orphans" - </dev/null | cut -d' ' -f1 >>/tmp/reap.floor
	$bin/initbench orphans "$orphans" "$NESTBOX_INIT" -- </dev/null | cut -d' ' -f1 >>/tmp/reap.init
	r=$((r + 1))
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "NA" }'; }
echo "arch-reap: floor median $(median /tmp/reap.floor)"
echo "arch-reap: nestbox-init median $(median /tmp/reap.init)"
