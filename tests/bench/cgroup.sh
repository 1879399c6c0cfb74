#!/bin/sh
# What the container's cgroup costs a run: create + configure + join + remove.
# Usage: tests/bench/cgroup.sh [RUNS]   (root; from the repo's top directory)
# Times `nestbox run -- true` RUNS times in three modes and prints the median wall time of each:
#   none     no option: no group (issue 21)
#   default  --cgroup default: a group with no limits (every v1 hierarchy on v1/hybrid, one on v2)
#   limits   --memory 64m --pids 100 --cpus 1
# The cgroup's cost is default - none (and limits - none with the limit files written). End to
# end timings are noisy on a shared machine: tests/bench/cgroup_cost.c times the cgroup code
# itself (setup, clone+join, finish) around the functions container_run calls
# (make bench-bin, then build/bench/bin/cgroup_cost [RUNS]).
set -eu
runs=${1:-200}
nestbox=${NESTBOX:-$(pwd)/build/nestbox}
rootfs=${NESTBOX_ROOTFS:-$(pwd)/build/rootfs}

# median_us ARGS...: median wall time of `nestbox run ARGS -- true`, in microseconds
median_us() {
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(date +%s%N)
		"$nestbox" run --rootfs "$rootfs" "$@" -- true
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000))
		i=$((i + 1))
	done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

none=$(median_us)
default=$(median_us --cgroup default)
limits=$(median_us --memory 64m --pids 100 --cpus 1)
echo "nestbox run -- true, median of $runs runs (us): none $none, default $default, limits $limits"
echo "cgroup cost (us): default $((default - none)), with limits $((limits - none))"
