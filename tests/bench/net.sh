#!/bin/sh
# What --net veth adds to a run, split in two: "start" (fork of nestbox to the workload's
# first output: namespaces, root, and for veth the pair, addresses, routes) and "exit" (that
# output to nestbox's exit: for veth, deleting the host end, which the kernel makes wait for
# RCU in unregister_netdevice). Modes: --net none, --net veth (IPv4 + IPv6 on both ends,
# default routes), --net veth --bridge. Runs inside a throwaway network namespace (busybox
# unshare -n): the machine's own namespace is never touched. A report, not a timed test.
#
#   sh tests/bench/net.sh [N]    (root; NESTBOX, NESTBOX_ROOTFS, NESTBOX_HELPERS as for tests)
set -eu
n=${1:-100}
nestbox=$(realpath "${NESTBOX:-build/nestbox}")
rootfs=$(realpath "${NESTBOX_ROOTFS:-build/rootfs}")
timer=$(realpath "${NESTBOX_HELPERS:-build/helpers}")/net_bench_time
bb=$rootfs/bin/busybox

if [ "${NB_BENCH_INNER:-}" != 1 ]; then
	NB_BENCH_INNER=1 exec "$bb" unshare -n "$bb" sh "$0" "$n"
fi

"$bb" ip link set lo up
has_bridge=0
if "$bb" ip link add nbbenchbr type bridge 2>/dev/null; then
	"$bb" ip link set nbbenchbr up
	has_bridge=1
fi

# "start_median start_p90 exit_median exit_p90" in us, for n runs of `echo x`.
measure() {
	"$timer" "$n" "$nestbox" run --rootfs "$rootfs" -q "$@" -- echo x
}

"$nestbox" run --rootfs "$rootfs" -q --net none -- true # warm the page cache
none=$(measure --net none)
veth=$(measure --net veth --veth nbbench0 --ip 10.250.0.2/24 --host-ip 10.250.0.1/24 \
	--gateway 10.250.0.1 --ip fd50::2/64 --host-ip fd50::1/64 --gateway fd50::1)
bridge="- - - -"
[ "$has_bridge" = 0 ] ||
	bridge=$(measure --net veth --veth nbbench0 --bridge nbbenchbr --ip 10.250.0.2/24)

printf '%-30s %12s %12s %12s %12s\n' "$n runs, us" "start med" "start p90" "exit med" \
	"exit p90"
printf '%-30s %12s %12s %12s %12s\n' "--net none" $none
printf '%-30s %12s %12s %12s %12s\n' "--net veth (v4+v6, routes)" $veth
printf '%-30s %12s %12s %12s %12s\n' "--net veth --bridge" $bridge
set -- $none
s0=$1 e0=$3
set -- $veth
echo "veth adds: start +$(($1 - s0)) us (setup), exit +$(($3 - e0)) us (host end deletion)"
if [ "$has_bridge" = 1 ]; then
	set -- $bridge
	echo "veth on a bridge adds: start +$(($1 - s0)) us, exit +$(($3 - e0)) us"
fi
