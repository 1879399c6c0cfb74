#!/bin/sh
# make bench-profile: where the time of `nestbox run -- /bin/true` goes, against the floor
# (tests/bench/floor.c) and unshare. Writes $BENCH_DIR/profile.txt and prints it. Root.
# Environment as for bench.sh, plus
# NESTBOX_SYM: an unstripped build of the same nestbox, for callgrind's function names.
#   0. ablation: nestbox with one part of its setup turned off at a time, in interleaved rounds
#   1. perf stat: CPU time, context switches, page faults of nestbox and of the floor
#   2. perf record -g over many runs: inclusive share of each syscall and of the cgroup code
#   3. the cgroup's own cost (tests/bench/cgroup.sh: cgroup fs read-only versus default)
#   4. strace -c -f: the syscalls made (counts; strace's own overhead distorts their times)
#   5. callgrind of the host process: user-space instructions by function (the rest is kernel)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
D=$(realpath -m "${BENCH_DIR:-build/bench}")
NB=$(realpath "${NESTBOX:-build/nestbox}")
SYM=$(realpath -m "${NESTBOX_SYM:-$D/nestbox-sym}")
R=$D/rootfs
runs=${BENCH_RUNS:-100}
out=$D/profile.txt

[ "$(id -u)" = 0 ] || { echo "profile: run as root" >&2; exit 1; }
[ -x "$R/bin/true" ] || cp -a "$(realpath "${NESTBOX_ROOTFS:-build/rootfs}")" "$R"
nb="$NB run --rootfs $R -q -- /bin/true"
floor="unshare -mpui -f --mount-proc /bin/true"
section() { printf '\n== %s\n' "$*"; }
{
	echo "nestbox profile, $(date -u '+%Y-%m-%d %H:%M UTC'), kernel $(uname -r), $(nproc) CPUs"
	section "ablation: $runs rounds, each variant once per round (interleave); median ms," \
		"and what turning that part off saves"
	nbr="$NB run --rootfs $R -q"
	tab=$(printf '\t')
	# the variants this nestbox has (an option it lacks fails its probe run and is left out)
	: >"$D/ablation.names"
	set --
	while IFS="$tab" read -r name cmd; do
		if $cmd >/dev/null 2>&1 </dev/null; then
			[ $# = 0 ] || set -- "$@" ";"
			set -- "$@" $cmd
			echo "$name" >>"$D/ablation.names"
		else
			echo "  $name: does not run here, left out"
		fi
	done <<EOF
default${tab}$nb
with a group (--cgroup default)${tab}$nbr --cgroup default -- /bin/true
no network namespace (--net host)${tab}$nbr --net host -- /bin/true
no seccomp (--seccomp off)${tab}$nbr --seccomp off -- /bin/true
no seccomp, caps, masks (--privileged)${tab}$nbr --privileged -- /bin/true
no reaper (--no-init)${tab}$nbr --no-init -- /bin/true
no tmpfs upper (--read-only)${tab}$nbr --read-only -- /bin/true
no cgroup namespace (--ns mnt,pid,uts,ipc)${tab}$nbr --ns mnt,pid,uts,ipc -- /bin/true
/bin/true${tab}/bin/true
floor (tests/bench/floor.c)${tab}$D/bin/floor $R /bin/true
unshare -mpui -f --mount-proc${tab}$floor
EOF
	if "$D/bin/interleave" "$runs" "$@" >"$D/ablation.out" 2>"$D/ablation.err"; then
		paste "$D/ablation.names" "$D/ablation.out" | awk -F'\t' '
			{ n[NR] = $1; split($2, v, " "); m[$1] = v[1] }
			END {
				for (i = 1; i <= NR; i++)
					printf "  %-44s %6.2f ms  %+6.2f\n", n[i], m[n[i]], m["default"] - m[n[i]]
			}'
		echo "  (the last column: what the variant saves; negative: what it adds)"
	else
		echo "  interleave failed: $(cat "$D/ablation.err")"
	fi
	section "perf stat, $runs runs each"
	for c in "$nb" "$D/bin/floor $R /bin/true" "$floor"; do
		perf stat -e task-clock,context-switches,cpu-migrations,page-faults -r "$runs" \
			$c 2>&1 >/dev/null | grep -E 'Performance|task-clock|context|migrations|faults|elapsed'
	done
	section "perf record -g of $runs nestbox runs: share of CPU samples, inclusive"
	perf record -q -e cpu-clock -F 20000 -g -o "$D/perf.data" -- \
		sh "$here/bench.sh" --loop "$runs" $nb >/dev/null 2>&1
	perf report -i "$D/perf.data" --comm nestbox --children --sort symbol --stdio -g none \
		2>/dev/null | awk '$3 == "[k]" && $4 ~ /^(__x64_sys_|__do_sys_|cgroup_(mkdir|rmdir|attach_task)$|ovl_fill_super|do_exit$|copy_process$|exit_mmap$)/ \
		{ printf "  %7s  %s\n", $1, $4 }' | head -n 30
	section "the cgroup's cost (tests/bench/cgroup.sh $runs)"
	NESTBOX=$NB NESTBOX_ROOTFS=$R sh "$here/cgroup.sh" "$runs"
	section "strace -c -f of one run (counts; times are strace's)"
	strace -f -c -o "$D/strace.txt" $nb
	awk 'NR > 2 && $NF != "total" && $0 !~ /^---/ { c = ($5 ~ /^[0-9]+$/) ? $4 : $4; printf "%s:%s ", $NF, $4 }
		END { print "" }' "$D/strace.txt" | fold -s -w 100
	section "callgrind of the host process (user space only), top functions"
	if [ -x "$SYM" ]; then
		# valgrind follows the clone into the container, where it lacks seccomp(2) (so the
		# filter is off here) and cannot write its file after pivot_root: only the host
		# process's file is read
		rm -f "$D"/callgrind.out.*
		valgrind --tool=callgrind --callgrind-out-file="$D/callgrind.out.%p" \
			$SYM run --rootfs "$R" -q --seccomp off -- /bin/true >/dev/null 2>&1 || true
		f=$(grep -l '^summary' "$D"/callgrind.out.* | while read -r f; do
			echo "$(awk '/^summary/ { print $2 }' "$f") $f"; done | sort -n | tail -n 1 | cut -d' ' -f2)
		callgrind_annotate "$f" 2>/dev/null |
			awk '/^ *[0-9,]+ \(/ && ++n <= 13 { print "  " $0 }' | sed 's/ \[[^]]*\]$//'
	else
		echo "  $SYM missing (make bench-profile builds it)"
	fi
} >"$out"
cat "$out"
