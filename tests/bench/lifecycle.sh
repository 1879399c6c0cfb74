#!/bin/sh
# lifecycle.sh NESTBOX ROOTFS CG2WRAP CPUWALL [ROUNDS] (make bench-oci; issue 22, Speed): the OCI
# lifecycle a client drives, create + start + delete of a busybox /bin/true container, side by
# side for nestbox, runc and crun; then the same with containerd driving each (ctr run --rm
# --runc-binary, through containerd-shim-runc-v2), in a private containerd as
# tests/clients/containerd.sh starts it.
#
# Fair by construction: one bundle (tests/bench/oci.sh) for all; rounds alternate the runtimes
# (interleaved), so a busy spell of the machine falls on all alike; each lifecycle runs under
# CPUWALL, which also reaps the container a create left running, and reports its wall time and
# the CPU time of every process in it (the kernel's own work in them included, what other load
# on the machine disturbs least). Medians of the rounds, and the load average before and after.
# crun 1.8 refuses this hybrid cgroup host: it runs under CG2WRAP (a private cgroup2
# /sys/fs/cgroup, where a cgroup is cheaper to make and join than in 6 v1 hierarchies), so
# nestbox runs under CG2WRAP too for the comparison with crun ("nestbox v2"). One CG2WRAP
# around CPUWALL and the whole lifecycle, outside the timed part: the wrapper's own cost was
# no constant to subtract (its first run after a quiet spell took 5-18 ms here, a warm one 0.3).
# Each lifecycle starts after a pause (BENCH_OCI_GAP, 0.1 s), as on a node that starts a
# container now and then: without it one runtime's cgroup migrations keep the kernel's rcu_sync
# of the threadgroup lock warm for the next (a v1 cgroup.procs write then skips the RCU grace
# period, 6-15 ms here, that it waits for after a quiet spell), and the order decides.
# NESTBOX_BASE=PATH adds another nestbox build as "base" (a before/after of a change).
# The state roots (--root, containerd's --runc-root) are on a tmpfs of their own, as /run is on
# the hosts containerd runs on; BENCH_OCI_STATE=disk puts them on /tmp's filesystem instead
# (here ext4 with discard, where each state file made and removed costs the runtimes a journal
# entry and a discard: nestbox +1.6 ms a lifecycle, measured, runc about the same).
set -u
nb=$(realpath "${1:?usage: lifecycle.sh NESTBOX ROOTFS CG2WRAP CPUWALL [ROUNDS]}")
rootfs=$(realpath "${2:?}")
cg2wrap=$(realpath "${3:?}")
cpuwall=$(realpath "${4:?}")
rounds=${5:-30}
gap=${BENCH_OCI_GAP:-0.1}
base=${NESTBOX_BASE:+$(realpath "$NESTBOX_BASE")}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../clients/lib.sh"
work=$(mktemp -d /tmp/nestbox-lifecycle.XXXXXX)
cd_pid=
cleanup() {
	[ -z "$cd_pid" ] || { kill "$cd_pid"; wait "$cd_pid"; } 2>/dev/null
	grep " $work/" /proc/self/mounts | cut -d' ' -f2 | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

state=$work/state
mkdir "$state"
[ "${BENCH_OCI_STATE:-tmpfs}" = disk ] || mount -t tmpfs -o mode=0711 nbstate "$state" ||
	{ echo "lifecycle.sh: cannot mount a tmpfs for the state roots (BENCH_OCI_STATE=disk?)"; exit 1; }
cp -a "$rootfs" "$work/rootfs"
sh "$here/oci.sh" "$work/bundle" "$work/rootfs" /bin/true
printf '#!/bin/sh\nexec %s crun "$@"\n' "$cg2wrap" >"$work/crun"
chmod +x "$work/crun"

runtimes="nestbox"
[ -z "$base" ] || runtimes="$runtimes base"
have runc && runtimes="$runtimes runc"
have crun && runtimes="$runtimes nestbox_v2 crun"
bin_of() {
	case $1 in
	nestbox) echo "$nb" ;; base) echo "$base" ;; runc) command -v runc ;;
	crun) command -v crun ;; nestbox_v2) echo "$nb" ;;
	esac
}
label() { case $1 in nestbox_v2) echo "nestbox v2" ;; *) echo "$1" ;; esac; }
wrapped() { case $1 in crun | nestbox_v2) return 0 ;; esac; return 1; }

# one RUNTIME ID: "WALL_US CPU_US STATUS" of create, start, delete --force (of a /bin/true that
# has exited, or is exiting)
one() {
	b=$(bin_of "$1") w=
	! wrapped "$1" || w=$cg2wrap
	# shellcheck disable=SC2086
	$w "$cpuwall" $b --root "$state/$1" create --bundle "$work/bundle" "$2" ";" \
		$b --root "$state/$1" start "$2" ";" $b --root "$state/$1" delete --force "$2"
}
# median FILE COLUMN
median() { cut -d' ' -f"$2" "$1" | sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'; }
ms() { awk -v t="$1" 'BEGIN { printf "%.2f", t / 1000 }'; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
for rt in $runtimes; do
	one "$rt" "warm-$rt" >/dev/null
	: >"$work/t-$rt"
	eval "bad_$rt=0"
done
i=0
while [ $i -lt "$rounds" ]; do
	for rt in $runtimes; do
		sleep "$gap"
		one "$rt" "lc-$rt-$i" >>"$work/t-$rt" || eval "bad_$rt=\$((bad_$rt + 1))"
	done
	i=$((i + 1))
done
echo "create+start+delete of /bin/true, $rounds rounds interleaved, $gap s apart, medians in ms per container"
echo "(state roots on $(stat -f -c %T "$state"))"
echo "(load average $load0 before, $(cut -d' ' -f1-3 /proc/loadavg) after):"
printf '  %-11s %8s %8s  %s\n' runtime wall cpu failures
for rt in $runtimes; do
	w=$(median "$work/t-$rt" 1) c=$(median "$work/t-$rt" 2)
	eval "w_$rt=$w c_$rt=$c bad=\$bad_$rt"
	printf '  %-11s %8s %8s  %s\n' "$(label "$rt")" "$(ms "$w")" "$(ms "$c")" "$bad"
done
have crun && echo "  (nestbox v2 and crun: in a private cgroup2 mount, cg2wrap around the timed lifecycle)"
in_list() { case " $2 " in *" $1 "*) return 0 ;; esac; return 1; } # in_list WORD LIST
ratio() { eval "awk -v a=\$$1_$2 -v b=\$$1_$3 'BEGIN { printf \"%.3f\", b ? a / b : 0 }'"; }
for pair in "nestbox runc" "base runc" "nestbox_v2 crun"; do
	set -- $pair
	in_list "$1" "$runtimes" && in_list "$2" "$runtimes" || continue
	echo "  $(label "$1") / $2: wall $(ratio w "$1" "$2"), cpu $(ratio c "$1" "$2")"
done
[ -z "$base" ] || echo "  nestbox / base: wall $(ratio w nestbox base), cpu $(ratio c nestbox base)"

# --- containerd driving each -------------------------------------------------------------------
if ! have containerd || ! have ctr; then
	echo "containerd: not installed, left out"
	exit 0
fi
sock=$work/containerd.sock
containerd_start "$work" "$sock"
ctr_() { ctr -a "$sock" -n nbbench "$@"; }
wait_for 20 ctr_ version >/dev/null 2>&1 || { echo "containerd did not start"; exit 1; }
img=localhost/nestbox-busybox:latest
sh "$here/../clients/mkbusybox.sh" "$rootfs" "$work/busybox.tar" "$img"
ctr_ images import "$work/busybox.tar" >/dev/null
# containerd's CPU time so far in clock ticks, its reaped children's (the shims) included
cd_ticks() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$cd_pid/stat"; }
tick_us=$((1000000 / $(getconf CLK_TCK)))
# cd_one RUNTIME ID: "WALL_US CPU_US" of ctr run --rm, CPU of ctr and containerd's side both
cd_one() {
	t0=$(cd_ticks)
	r=$("$cpuwall" ctr -a "$sock" -n nbbench run --rm --runc-binary "$(cd_bin "$1")" \
		--runc-root "$state/cd-$1" --fifo-dir "$work/fifo" "$img" "$2" /bin/true) || {
		ctr_ run --rm --runc-binary "$(cd_bin "$1")" --runc-root "$state/cd-$1" \
			--fifo-dir "$work/fifo" "$img" "$2-again" /bin/true 2>&1 >/dev/null |
			tail -n 1 >"$work/cd-err-$1"
		return 1
	}
	set -- $r
	echo "$1 $(($2 + ($(cd_ticks) - t0) * tick_us))"
}
# under the shim the wrapper is the runtime binary (a script exec'ing cg2wrap crun)
cd_bin() { if [ "$1" = crun ]; then echo "$work/crun"; else bin_of "$1"; fi; }
cd_runtimes=$(echo "$runtimes" | sed 's/nestbox_v2//')
for rt in $cd_runtimes; do
	cd_one "$rt" "warm-$rt" >/dev/null
	: >"$work/c-$rt"
	eval "cbad_$rt=0"
done
cr=$((rounds / 2 + 1))
load0=$(cut -d' ' -f1-3 /proc/loadavg)
i=0
while [ $i -lt $cr ]; do
	for rt in $cd_runtimes; do
		sleep "$gap"
		cd_one "$rt" "cd-$rt-$i" >>"$work/c-$rt" || eval "cbad_$rt=\$((cbad_$rt + 1))"
	done
	i=$((i + 1))
done
echo "ctr run --rm (containerd 1.6 + runc shim) of /bin/true, $cr rounds, medians in ms"
echo "(cpu: ctr's and containerd's with its shims, in clock ticks; load $load0 before, $(cut -d' ' -f1-3 /proc/loadavg) after):"
printf '  %-11s %8s %8s  %s\n' runtime wall cpu failures
for rt in $cd_runtimes; do
	eval "bad=\$cbad_$rt"
	if [ -s "$work/c-$rt" ]; then
		w=$(median "$work/c-$rt" 1) c=$(median "$work/c-$rt" 2)
		eval "w_$rt=$w c_$rt=$c"
		printf '  %-11s %8s %8s  %s%s\n' "$rt" "$(ms "$w")" "$(ms "$c")" "$bad" \
			"$([ "$rt" != crun ] || echo ", through cg2wrap")"
	else
		eval "w_$rt=0 c_$rt=0"
		printf '  %-11s %8s %8s  %s\n' "$rt" - - "$bad"
	fi
	[ ! -s "$work/cd-err-$rt" ] || echo "    $rt's last error: $(cat "$work/cd-err-$rt")"
done
for pair in "nestbox runc" "base runc" "nestbox crun"; do
	set -- $pair
	in_list "$1" "$cd_runtimes" && in_list "$2" "$cd_runtimes" || continue
	eval "[ \$w_$2 != 0 ]" || continue
	echo "  $1 / $2: wall $(ratio w "$1" "$2"), cpu $(ratio c "$1" "$2")"
done
ctr_ images rm "$img" >/dev/null 2>&1
