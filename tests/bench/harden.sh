#!/bin/sh
# make bench-harden (issue 19): what the hardening costs a default `nestbox run -- /bin/true`,
# measured alone: the bench's two rows "nestbox" and "nestbox hardening off" (`--net host
# --privileged`), with the parts that have an option of their own turned off one at a time,
# in interleaved rounds (tests/bench/cpurounds.c: each command once per round, the order
# rotated). CPU first (user + system of the whole tree, what other work on the machine
# disturbs least), then wall; "over off" is the median of the per-round differences to the
# hardening-off row. The load is printed before and after: on a busy machine read the CPU.
#   sh tests/bench/harden.sh [ROUNDS]      (default 400; root; NESTBOX, NESTBOX_ROOTFS, BENCH_DIR)
# One step at a time (what no option turns off alone): tests/bench/harden-ablation.patch.
set -eu
rounds=${1:-400}
D=$(realpath -m "${BENCH_DIR:-build/bench}")
NB=$(realpath "${NESTBOX:-build/nestbox}")
R=$(realpath "${NESTBOX_ROOTFS:-build/rootfs}")
FLOOR=$D/bin/floor # the last two rows: what the kernel alone spends on the namespaces
[ -x "$D/bin/cpurounds" ] || { echo "harden: $D/bin/cpurounds missing: make bench-bin" >&2; exit 1; }
run="$NB run --rootfs $R -q"
tab=$(printf '\t')
cat >"$D/harden.cmds" <<EOF2
hardening off (--net host --privileged)${tab}$run --net host --privileged -- /bin/true
default${tab}$run -- /bin/true
no network namespace (--net host)${tab}$run --net host -- /bin/true
no filter (--seccomp off)${tab}$run --seccomp off -- /bin/true
no masks, caps, filter, nodev (--privileged)${tab}$run --privileged -- /bin/true
floor (tests/bench/floor.c)${tab}$FLOOR $R /bin/true
floor in net,uts,ipc,cgroup namespaces (-n)${tab}$FLOOR -n $R /bin/true
EOF2
set --
while IFS="$tab" read -r _ cmd; do
	[ $# = 0 ] || set -- "$@" ";"
	# shellcheck disable=SC2086 # the command's words
	set -- "$@" $cmd
done <"$D/harden.cmds"
echo "harden: $rounds rounds, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$D/bin/cpurounds" "$rounds" "$@" >"$D/harden.out"
echo "harden: load after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-46s %8s %8s %9s %9s\n' "" "CPU ms" "wall ms" "CPU over" "wall over"
printf '%-46s %8s %8s %9s %9s\n' "(medians; over: the hardening-off row)" "" "" "off" "off"
cut -f1 "$D/harden.cmds" | paste -d"$tab" - "$D/harden.out" | awk -F"$tab" '{
	split($2, v, " ")
	printf "%-46s %8.3f %8.3f %+9.3f %+9.3f\n", $1, v[1], v[3], v[4], v[5] }'
# The kernel's own cost of the namespaces, nothing set up in them: a bound under the
# network namespace's share of the hardening (issue 19's goal is 0.2 ms for all of it).
awk '{ c[NR] = $1; w[NR] = $3 } END {
	printf "the kernel alone, floor -n over floor: %+.3f ms CPU, %+.3f ms wall\n",
	c[NR] - c[NR - 1], w[NR] - w[NR - 1] }' "$D/harden.out"
