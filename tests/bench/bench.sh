#!/bin/sh
# make bench (issue 8): nestbox side by side with runc, crun, bubblewrap, unshare, tini,
# dumb-init and catatonit, all measured in one run on this machine so that the ratios hold.
# Writes $BENCH_DIR/results.md and $BENCH_DIR/start.png and prints the table, with what net.sh and
# profile.sh say about where nestbox's time goes. Root. The goals of
# the issue are reported, never asserted: the exit status says only whether the bench ran.
#
# Environment (bench.mk sets it): NESTBOX NESTBOX_INIT NESTBOX_ROOTFS BENCH_DIR (build/bench, with
# the programs of tests/bench/*.c in bin/), BENCH_RUNS hyperfine runs per command (100),
# BENCH_SEQ containers in sequence (100), BENCH_ORPHANS (10000), BENCH_SIGNALS (1000),
# BENCH_IDLE seconds (10), BENCH_RSS_RUNS (20), BENCH_ORPHAN_REPS (5).
#
#   sh tests/bench/bench.sh --loop N CMD [ARG...]   (internal) CMD N times, prints total us
set -eu

if [ "${1:-}" = --loop ]; then # one process for the whole sequence, so crun's wrapper is paid once
	n=$2
	shift 2
	t0=$(date +%s%N)
	i=0
	while [ $i -lt "$n" ]; do
		"$@" </dev/null >/dev/null 2>&1 || { echo "bench: $* failed in run $i" >&2; exit 1; }
		i=$((i + 1))
	done
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000))
	exit 0
fi

if [ "${1:-}" = --par ]; then # N copies of CMD at once ("@" in CMD: the copy's number), total us
	n=$2
	shift 2
	cmd=$*
	t0=$(date +%s%N)
	i=0 pids=
	while [ $i -lt "$n" ]; do
		# shellcheck disable=SC2046
		$(echo "$cmd" | sed "s/@/$i/g") </dev/null >/dev/null 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	failed=0
	for p in $pids; do wait "$p" || failed=$((failed + 1)); done
	t1=$(date +%s%N)
	[ $failed = 0 ] || { echo "bench: $failed of $n failed: $cmd" >&2; exit 1; }
	echo $(((t1 - t0) / 1000))
	exit 0
fi

here=$(cd "$(dirname "$0")" && pwd)
D=$(realpath -m "${BENCH_DIR:-build/bench}")
NB=$(realpath "${NESTBOX:-build/nestbox}")
NBI=$(realpath "${NESTBOX_INIT:-build/nestbox-init}")
SRC_ROOTFS=$(realpath "${NESTBOX_ROOTFS:-build/rootfs}")
BIN=$D/bin
R=$D/rootfs
runs=${BENCH_RUNS:-100}
seq_n=${BENCH_SEQ:-100}
par_n=${BENCH_PAR:-20}
par_rounds=5
orphans=${BENCH_ORPHANS:-10000}
signals=${BENCH_SIGNALS:-1000}
idle=${BENCH_IDLE:-10}
rss_runs=${BENCH_RSS_RUNS:-20}
orphan_reps=${BENCH_ORPHAN_REPS:-5}
warmup=5

say() { printf 'bench: %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
# Numbers that could not be measured are NA in the data and "-" in the tables.
calc() { case "$1" in *NA*) echo NA ;; *) awk "BEGIN { print $1 }" ;; esac; } # calc 'EXPR'
ratio() { # ratio A B: A/B as "0.42×"
	case "$1$2" in *NA* | '') echo - ;; *) awk -v a="$1" -v b="$2" \
		'BEGIN { if (b == 0) print "-"; else printf "%.2f×\n", a / b }' ;; esac
}
fmt() { # fmt N DECIMALS: N rounded
	case "$1" in
	NA | '') echo - ;;
	*) awk -v v="$1" -v d="$2" 'BEGIN { printf "%.*f\n", d, v }' ;;
	esac
}
le() { # le A B: 1 if A <= B
	case "$1$2" in *NA*) echo NA ;; *) awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? 1 : 0 }' ;; esac
}
goal() { # goal VALUE LIMIT: met when VALUE <= LIMIT
	case "$(le "$1" "$2")" in NA) echo "not measured" ;; 1) echo met ;; *) echo "**missed**" ;; esac
}
# lookup FILE NAME COLUMN: the COLUMN of the tab-separated row named NAME
lookup() {
	awk -F'\t' -v n="$2" -v c="$3" '$1 == n { print $c; f = 1 } END { if (!f) print "NA" }' "$1"
}

[ "$(id -u)" = 0 ] || { say "run as root"; exit 1; }
for t in "$NB" "$NBI" "$BIN/initbench" "$BIN/peakrss" "$BIN/cg2wrap" "$BIN/nbtrue" "$BIN/floor"; do
	[ -x "$t" ] || { say "$t missing: run make bench"; exit 1; }
done
missing=
for t in runc crun bwrap unshare tini tini-static dumb-init catatonit hyperfine gnuplot; do
	have "$t" || missing="$missing $t"
done
[ -z "$missing" ] || say "not installed, left out:$missing"
have hyperfine || { say "hyperfine is needed: make bench-deps"; exit 1; }

mkdir -p "$D/state/runc" "$D/state/crun"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
rm -rf "$R" "$D/oci"
cp -a "$SRC_ROOTFS" "$R"
cp "$BIN/nbtrue" "$R/bin/nbtrue"
sh "$here/oci.sh" "$D/oci/true" "$R" /bin/true
sh "$here/oci.sh" "$D/oci/nbtrue" "$R" /bin/nbtrue

# --- the commands --------------------------------------------------------------------------------
# Each is one line "NAME<TAB>COMMAND" (no quoting: hyperfine -N splits on blanks). WORKLOAD is
# replaced by /bin/true for latency and by /bin/nbtrue (a static empty main) for peak RSS.
nbrun="$NB run --rootfs $R -q"
veth=0
if unshare -n sh -c "ip link set lo up 2>/dev/null; $nbrun --net veth -- /bin/true" 2>"$D/veth.err"
then
	veth=1
else
	say "nestbox --net veth does not run here: $(head -n 1 "$D/veth.err")"
fi
memory=0
if $nbrun --memory 64m -- /bin/true 2>"$D/memory.err"; then
	memory=1
else
	say "nestbox --memory does not run here: $(head -n 1 "$D/memory.err")"
fi
tab=$(printf '\t')
commands() { # the latency set; $1 = WORKLOAD path inside the container
	w=$1
	echo "true${tab}/bin/true"
	u=$BIN/nbtrue
	[ "$w" != /bin/true ] || u=/bin/true
	echo "floor${tab}$BIN/floor $R $w"
	# the floor in nestbox's default namespace set too (net, uts, ipc, cgroup), nothing set up
	# in them: the kernel's own share of the defaults, below which no runtime with them can go
	echo "floor + default namespaces${tab}$BIN/floor -n $R $w"
	echo "unshare -mpui${tab}unshare -mpui -f --mount-proc $u"
	echo "nestbox${tab}$nbrun -- $w"
	echo "nestbox minimal${tab}$nbrun --ns mnt,pid --privileged --no-init -- $w"
	echo "nestbox --net host${tab}$nbrun --net host -- $w"
	# issue 19's steps all off: no network namespace of its own, masks, filter, capability
	# drops, nodev (the same namespaces otherwise): what the hardening costs a start
	echo "nestbox hardening off${tab}$nbrun --net host --privileged -- $w"
	echo "nestbox --cgroup default${tab}$nbrun --cgroup default -- $w"
	[ $veth = 0 ] || echo "nestbox --net veth${tab}$nbrun --net veth -- $w"
	[ $memory = 0 ] || echo "nestbox --memory 64m${tab}$nbrun --memory 64m -- $w"
	! have bwrap || echo "bwrap${tab}bwrap --unshare-pid --unshare-uts --unshare-ipc" \
		"--unshare-cgroup --hostname nbbench --bind $R / --proc /proc --dev /dev $w"
	b=$D/oci/true
	[ "$w" = /bin/true ] || b=$D/oci/nbtrue
	! have runc || echo "runc${tab}runc --root $D/state/runc run -b $b nbbench-runc"
	if have crun; then
		echo "crun+wrapper${tab}$BIN/cg2wrap crun --root $D/state/crun run -b $b nbbench-crun"
		# around the static no-op: /bin/true's dynamic loading is no part of what the
		# wrapper adds to crun, which execs the workload itself
		echo "wrapper only${tab}$BIN/cg2wrap $BIN/nbtrue"
	fi
}

# --- start latency: one hyperfine invocation, inside a throwaway network namespace ----------------
# (so that --net veth's host ends never touch the machine's own; every command runs there alike)
say "start latency: hyperfine, $warmup warm-ups, $runs runs per command"
commands /bin/true >"$D/commands.txt"
set --
while IFS="$tab" read -r name cmd; do
	set -- "$@" -n "$name" "$cmd"
done <"$D/commands.txt"
unshare -n sh -c 'ip link set lo up 2>/dev/null; exec "$@"' sh \
	hyperfine -N --style basic --warmup $warmup --runs "$runs" \
	--export-csv "$D/start.csv" --export-json "$D/start.json" "$@" >"$D/hyperfine.log" 2>&1 ||
	{ cat "$D/hyperfine.log" >&2; exit 1; }
# start.tsv: name median mean stddev min max cpu, in ms (cpu: mean user + system time of the
# command and all it waited for, which other work on the machine disturbs less than wall time)
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ printf "%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n", $c["command"], $c["median"] * 1000,
	  $c["mean"] * 1000, $c["stddev"] * 1000, $c["min"] * 1000, $c["max"] * 1000,
	  ($c["user"] + $c["system"]) * 1000 }' "$D/start.csv" >"$D/start.tsv"
# The same commands again in rounds, each once per round (interleave.c), so that a busy spell
# of the machine falls on all of them alike: column 8 of start.tsv, the median every ratio uses.
say "start latency, interleaved: $runs rounds, each command once per round"
set --
while IFS="$tab" read -r name cmd; do
	[ $# = 0 ] || set -- "$@" ";"
	set -- "$@" $cmd
done <"$D/commands.txt"
if unshare -n sh -c 'ip link set lo up 2>/dev/null; exec "$@"' sh "$BIN/interleave" "$runs" "$@" \
	>"$D/interleave.out" 2>"$D/interleave.err"; then
	cut -d' ' -f1 "$D/interleave.out" | paste "$D/start.tsv" - >"$D/start.tmp"
else
	say "interleave failed: $(cat "$D/interleave.err"); hyperfine's medians instead"
	awk -F'\t' -v OFS='\t' '{ print $0, $2 }' "$D/start.tsv" >"$D/start.tmp"
fi
mv "$D/start.tmp" "$D/start.tsv"
med() { lookup "$D/start.tsv" "$1" 8; }
nb_med=$(med nestbox)
fl_med=$(med floor)
crun_net=$(calc "$(med crun+wrapper) - $(med 'wrapper only')")

# --- containers in sequence -----------------------------------------------------------------------
say "$seq_n containers in sequence per tool"
: >"$D/seq.tsv"
while IFS="$tab" read -r name cmd; do
	case "$name" in
	"wrapper only" | "nestbox --"* | "nestbox minimal" | "nestbox hardening off" | \
		"floor + default namespaces") continue ;;
	crun+wrapper)
		us=$($BIN/cg2wrap sh "$0" --loop "$seq_n" ${cmd#"$BIN/cg2wrap "}) || us=NA
		name=crun
		;;
	*) us=$(sh "$0" --loop "$seq_n" $cmd) || us=NA ;;
	esac
	printf '%s\t%s\n' "$name" "$us" >>"$D/seq.tsv"
done <"$D/commands.txt"

# --- containers at once: nestbox and crun ---------------------------------------------------------
say "$par_n containers at once, $par_rounds rounds: nestbox, crun"
: >"$D/par.tsv"
par() { # par NAME CMD...: the median of $par_rounds rounds' total us, in par.tsv
	name=$1
	shift
	: >"$D/par.out"
	r=0
	while [ $r -lt $par_rounds ]; do
		"$@" >>"$D/par.out" || { echo NA >"$D/par.out"; break; }
		r=$((r + 1))
	done
	printf '%s\t%s\n' "$name" "$(sort -n "$D/par.out" |
		awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "NA" }')" >>"$D/par.tsv"
}
par nestbox sh "$0" --par "$par_n" $nbrun -- /bin/true
! have crun || par crun $BIN/cg2wrap sh "$0" --par "$par_n" crun --root "$D/state/crun" run \
	-b "$D/oci/true" nbbench-par-@

# --- peak RSS -------------------------------------------------------------------------------------
say "peak RSS: $rss_runs runs each, workload /bin/nbtrue"
: >"$D/rss.tsv"
commands /bin/nbtrue | while IFS="$tab" read -r name cmd; do
	[ "$name" != true ] || cmd=$BIN/nbtrue name="nbtrue alone"
	[ "$name" != "wrapper only" ] || continue
	[ "$name" != "nestbox --net veth" ] || cmd="unshare -n $cmd"
	r=$($BIN/peakrss "$rss_runs" $cmd) || r="NA NA NA"
	printf '%s\t%s\n' "$name" "$(echo $r | tr ' ' "$tab")" >>"$D/rss.tsv"
done

# --- smallest memory limit ------------------------------------------------------------------------
# bisect KIB_FN: smallest limit in KiB (4 KiB steps, up to 64 MiB) under which KIB_FN K exits 0
# three times out of three (near the edge a run starts or not by chance: "starts" means reliably).
bisect() {
	lo=0 hi=65536
	thrice "$1" $hi || { echo none; return; }
	while [ $((hi - lo)) -gt 4 ]; do
		mid=$(((lo + hi) / 8 * 4))
		if thrice "$1" $mid; then hi=$mid; else lo=$mid; fi
	done
	echo $hi
}
thrice() { "$1" "$2" && "$1" "$2" && "$1" "$2"; }
nb_mem() { timeout 30 $nbrun --memory "$1"k -- /bin/true >/dev/null 2>&1; }
runc_mem() {
	sh "$here/oci.sh" "$D/oci/mem" "$R" /bin/true $(($1 * 1024))
	timeout 30 runc --root "$D/state/runc" run -b "$D/oci/mem" nbbench-mem >/dev/null 2>&1 ||
		{ runc --root "$D/state/runc" delete -f nbbench-mem >/dev/null 2>&1; return 1; }
}
say "smallest memory limit (bisect)"
nb_min_mem=NA
[ $memory = 0 ] || nb_min_mem=$(bisect nb_mem)
runc_min_mem=NA
! have runc || runc_min_mem=$(bisect runc_mem)

# --- sizes ----------------------------------------------------------------------------------------
stripped() { strip -o "$D/.strip" "$1" 2>/dev/null && stat -c %s "$D/.strip" && rm -f "$D/.strip"; }
libs() { # the shared libraries a binary loads: "size names" (0 for a static binary)
	ldd "$1" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
		while read -r l; do realpath "$l"; done | sort -u | {
		total=0 names=
		while read -r l; do
			total=$((total + $(stat -c %s "$l")))
			names="$names $(basename "$l")"
		done
		echo "$total$names"
	}
}
: >"$D/sizes.tsv"
for b in "$NB" "$NBI" runc crun bwrap tini-static tini catatonit dumb-init; do
	p=$b
	case "$b" in /*) ;; *) have "$b" || continue; p=$(realpath "$(command -v "$b")") ;; esac
	kind=dynamic
	file -L "$p" | grep -q 'statically linked' && kind=static
	l=$(libs "$p")
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(basename "$b")" "$(stat -c %s "$p")" "$(stripped "$p")" \
		"$kind" "${l%% *}" "$(echo "${l#* }" | sed 's/^[0-9]*$//')" >>"$D/sizes.tsv"
done

# --- inits as PID 1 of a fresh pid namespace ------------------------------------------------------
say "inits: reaping $orphans orphans ($orphan_reps times), $signals signals, ${idle} s idle"
inits() {
	echo "nestbox-init${tab}$NBI --"
	! have tini || echo "tini${tab}tini --"
	! have dumb-init || echo "dumb-init${tab}dumb-init --"
	! have catatonit || echo "catatonit${tab}catatonit --"
}
inits >"$D/inits.txt"
load_inits=$(cut -d' ' -f1-3 /proc/loadavg)
median_of() { # of the numbers on stdin ("NA" lines are not numbers)
	grep -v NA | sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "NA" }'
}
# idle wakeups first, all inits at once (a quiet window, nothing else of ours running)
while IFS="$tab" read -r name cmd; do
	{ $BIN/initbench idle "$idle" $cmd >"$D/idle.$name" || echo NA >"$D/idle.$name"; } &
done <"$D/inits.txt"
wait
: >"$D/init.tsv"
# Rounds, each init once per round, so that a busy moment of the machine does not fall on one
# init only: reaping in every round, signals split over the rounds (median of the rounds'
# medians and p90s). The floor runs the workload as PID 1 with no init.
{ echo "floor${tab}-"; cat "$D/inits.txt"; } >"$D/rounds.txt"
rm -f "$D"/reap.* "$D"/sig.*
per_round=$((signals / orphan_reps))
[ $per_round -gt 0 ] || per_round=1
round=0
while [ $round -lt "$orphan_reps" ]; do
	while IFS="$tab" read -r name cmd; do
		$BIN/initbench orphans "$orphans" $cmd >>"$D/reap.$name" </dev/null ||
			say "$name: orphans run failed"
		[ "$cmd" = - ] || $BIN/initbench signal $per_round $cmd >>"$D/sig.$name" </dev/null ||
			say "$name: signal run failed"
	done <"$D/rounds.txt"
	round=$((round + 1))
done
while IFS="$tab" read -r name cmd; do
	sig="NA${tab}NA" wake=NA rss=NA
	label=$name
	if [ "$cmd" = - ]; then
		label="workload reaps itself"
	else
		sig="$(cut -d' ' -f1 "$D/sig.$name" | median_of)$tab$(cut -d' ' -f2 "$D/sig.$name" | median_of)"
		wake=$(cat "$D/idle.$name")
		rss=$($BIN/peakrss "$rss_runs" $cmd $BIN/nbtrue </dev/null) || rss=NA
		rss=${rss%% *}
	fi
	reap="$(cut -d' ' -f1 "$D/reap.$name" | median_of)$tab$(cut -d' ' -f2 "$D/reap.$name" | median_of)"
	printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$reap" "$sig" "$wake" "$rss" >>"$D/init.tsv"
done <"$D/rounds.txt"
rm -f "$D"/idle.* "$D"/reap.* "$D"/sig.*

# --- where nestbox's time goes: what veth adds (net.sh), perf / strace / callgrind and the cgroup's
# cost (profile.sh) ----------------------------------------------------------------------------
if [ $veth = 1 ] && [ -x "${NESTBOX_HELPERS:-build/helpers}/net_bench_time" ]; then
	say "what --net veth adds (tests/bench/net.sh $runs)"
	NESTBOX=$NB NESTBOX_ROOTFS=$R sh "$here/net.sh" "$runs" >"$D/net.txt" 2>&1 ||
		say "net.sh failed: $(tail -n 1 "$D/net.txt")"
fi
say "profile (tests/bench/profile.sh)"
BENCH_DIR=$D NESTBOX=$NB sh "$here/profile.sh" >/dev/null 2>"$D/profile.err" ||
	say "profile.sh failed: $(tail -n 1 "$D/profile.err")"

# --- chart ----------------------------------------------------------------------------------------
# start.dat: label median color (crun's row without its wrapper, the wrapper's own row left out)
awk -F"$tab" -v crun="$crun_net" '
	$1 == "wrapper only" { next }
	$1 == "crun+wrapper" { if (crun != "NA") printf "\"crun (net)\" %s 0x8c8c8c\n", crun; next }
	{ printf "\"%s\" %s %s\n", $1, $8, ($1 ~ /^nestbox/ ? "0x2b7bb9" : "0x8c8c8c") }' \
	"$D/start.tsv" >"$D/start.dat"
if have gnuplot; then
	gnuplot <<EOF
set terminal pngcairo size 1000,560 font "DejaVu Sans,11"
set output "$D/start.png"
set title "Start latency of /bin/true in a container: median of $runs interleaved rounds (ms, log scale, lower is better)\n$(uname -r), $(nproc) CPUs, $(date -u +%Y-%m-%d)"
set style fill solid 0.85 noborder
set boxwidth 0.7
set ylabel "ms"
set logscale y
set yrange [0.2:200]
set grid ytics
set xtics rotate by -30 left nomirror
set border 3
set ytics nomirror
set rmargin 6
set bmargin 7
unset key
plot "$D/start.dat" using 0:2:3:xtic(1) with boxes lc rgb variable, \
     "" using 0:2:(sprintf("%.2f", \$2)) with labels offset 0,0.8 font ",10"
EOF
fi

# --- results.md -----------------------------------------------------------------------------------
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
cg=cgroup2
[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || cg="hybrid (v1 controllers, cgroup2 at /sys/fs/cgroup/unified)"
[ -d /sys/fs/cgroup/unified ] || [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || cg="v1"
ver() { have "$1" && "$@" 2>&1 | head -n 1 | sed 's/^[^0-9]*//' || echo -; }
rss_of() { lookup "$D/rss.tsv" "$1" 2; }
seq_of() { lookup "$D/seq.tsv" "$1" 2; }
init_of() { lookup "$D/init.tsv" "$1" "$2"; }
size_of() { lookup "$D/sizes.tsv" "$1" "$2"; }
nbr=$(rss_of nestbox)
nbi_size=$(size_of nestbox-init 3)
{
	echo "# nestbox benchmark"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), nestbox $(git -C "$here" describe --always --dirty 2>/dev/null || echo '?'),"
	echo "\`make bench\` (BENCH_RUNS=$runs). Machine: $cpu, $(nproc) CPUs, $mem RAM, Debian $(cat /etc/debian_version),"
	echo "kernel $(uname -r), cgroups $cg. Load average (1, 5, 15 min): $load_start at the start,"
	echo "$load_inits before the init runs (whose orphans then add $orphans tasks each)."
	[ -z "${BENCH_NICE:-}" ] || echo "Run at nice $BENCH_NICE (BENCH_NICE), every command measured at that level."
	echo "Compared: runc $(ver runc --version), crun $(ver crun --version), bubblewrap $(ver bwrap --version),"
	echo "util-linux unshare $(ver unshare --version), tini $(ver tini --version), dumb-init $(ver dumb-init --version),"
	echo "catatonit $(ver catatonit --version), hyperfine $(ver hyperfine --version)."
	echo
	echo "## Start latency of \`/bin/true\` in a container"
	echo
	echo "One hyperfine invocation, $warmup warm-ups then $runs runs of each command, all inside one"
	echo "throwaway network namespace. Ratios are to \`floor\` (tests/bench/floor.c: clone, overlay on"
	echo "tmpfs, pivot_root, /proc, exec, nothing else: what every runtime must do), on the interleaved"
	echo "medians: the same commands again in $runs rounds of each once (tests/bench/interleave.c), so that"
	echo "a busy spell of the machine falls on all of them alike."
	echo
	echo "| command | median ms | mean ± σ ms | min ms | interleaved median ms | ratio to floor | CPU ms | CPU ratio |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	nb_cpu=$(lookup "$D/start.tsv" nestbox 7)
	fl_cpu=$(lookup "$D/start.tsv" floor 7)
	while IFS="$tab" read -r name median mean sd min max cpu inter; do
		printf '| %s | %s | %s ± %s | %s | %s | %s | %s | %s |\n' "$name" "$(fmt "$median" 2)" \
			"$(fmt "$mean" 2)" "$(fmt "$sd" 2)" "$(fmt "$min" 2)" "$(fmt "$inter" 2)" \
			"$(ratio "$inter" "$fl_med")" "$(fmt "$cpu" 2)" "$(ratio "$cpu" "$fl_cpu")"
	done <"$D/start.tsv"
	crun_cpu=$(calc "$(lookup "$D/start.tsv" crun+wrapper 7) - $(lookup "$D/start.tsv" 'wrapper only' 7)")
	[ "$crun_net" = NA ] || printf '| **crun, wrapper subtracted** | | | | %s | %s | %s | %s |\n' \
		"$(fmt "$crun_net" 2)" "$(ratio "$crun_net" "$fl_med")" "$(fmt "$crun_cpu" 2)" \
		"$(ratio "$crun_cpu" "$fl_cpu")"
	veth_cost=$(calc "$(med 'nestbox --net veth') - $nb_med")
	echo
	echo "nestbox (defaults) / floor: $(ratio "$nb_med" "$fl_med"); nestbox minimal" \
		"(\`--ns mnt,pid --privileged --no-init\`) / floor: $(ratio "$(med 'nestbox minimal')" "$fl_med");"
	echo "nestbox / unshare: $(ratio "$nb_med" "$(med 'unshare -mpui')"); nestbox / crun (wrapper" \
		"subtracted): $(ratio "$nb_med" "$crun_net"); nestbox / runc: $(ratio "$nb_med" "$(med runc)")."
	echo "\`--net veth\` (with a host end and eth0) over the same run with only lo: $(fmt "$veth_cost" 2) ms;"
	echo "the network namespace itself (nestbox over \`--net host\`):" \
		"$(fmt "$(calc "$nb_med - $(med 'nestbox --net host')")" 2) ms; the default cgroup" \
		"(\`--cgroup default\` over nestbox): $(fmt "$(calc "$(med 'nestbox --cgroup default') - $nb_med")" 2) ms."
	echo "The hardening (issue 19: own network namespace, masks, filter, capability drops; nestbox over"
	echo "\`--net host --privileged\`): $(fmt "$(calc "$nb_med - $(med 'nestbox hardening off')")" 2) ms wall, " \
		"$(fmt "$(calc "$nb_cpu - $(lookup "$D/start.tsv" 'nestbox hardening off' 7)")" 2) ms CPU (goal <= 0.2 ms)."
	fn_med=$(med 'floor + default namespaces')
	fn_cpu=$(lookup "$D/start.tsv" 'floor + default namespaces' 7)
	echo "The kernel's share of the defaults' namespaces (\`floor -n\`: the floor in new net, uts, ipc and"
	echo "cgroup namespaces too, nothing set up in them): $(ratio "$fn_med" "$fl_med") the floor" \
		"(CPU $(ratio "$fn_cpu" "$fl_cpu")), $(fmt "$(calc "$fn_med - $fl_med")" 2) ms; no runtime with these"
	echo "defaults can start below that, whatever else it does."
	echo
	echo "CPU: hyperfine's mean user + system time of the command and everything it waited for; other"
	echo "work on the machine disturbs it less than the wall time, but it leaves out what the kernel"
	echo "defers to its own threads (cgroup, mount and network namespace teardown)."
	echo
	echo "![start latency](start.png)"
	echo
	echo "Commands ($R is a copy of build/rootfs):"
	echo
	echo '```'
	cut -f2 "$D/commands.txt"
	echo '```'
	echo
	echo "runc and crun get the same namespaces (mount, pid, uts, ipc, cgroup), /proc, /dev, /sys,"
	echo "Docker's default capabilities, no_new_privs and masked paths (tests/bench/oci.sh); their root is"
	echo "the rootfs bind-mounted where nestbox mounts an overlay with a tmpfs upper layer, and they load"
	echo "no seccomp filter where nestbox loads its default one. runc makes a cgroup in every v1"
	echo "hierarchy (as nestbox does with \`--cgroup default\` or a limit); crun runs in \`cg2wrap\`, a private mount namespace with"
	echo "a fresh cgroup2 mount on /sys/fs/cgroup, since crun 1.8 refuses hybrid hosts, and makes its"
	echo "cgroup there; \`wrapper only\` is cg2wrap around a static no-op, subtracted from crun's median."
	echo "bwrap has no overlay and no /sys."
	echo
	echo "## $seq_n containers in sequence"
	echo
	echo "| tool | total s | per container ms | ratio to nestbox |"
	echo "|---|---:|---:|---:|"
	nbs=$(seq_of nestbox)
	while IFS="$tab" read -r name us; do
		printf '| %s | %s | %s | %s |\n' "$name" "$(fmt "$(calc "$us / 1000000")" 2)" \
			"$(fmt "$(calc "$us / 1000 / $seq_n")" 2)" "$(ratio "$us" "$nbs")"
	done <"$D/seq.tsv"
	echo
	echo "One shell loop per tool (crun's loop runs inside one cg2wrap)."
	echo
	echo "## $par_n containers at once"
	echo
	echo "| tool | median of $par_rounds rounds, ms | containers / s | ratio to crun |"
	echo "|---|---:|---:|---:|"
	crp=$(lookup "$D/par.tsv" crun 2)
	while IFS="$tab" read -r name us; do
		printf '| %s | %s | %s | %s |\n' "$name" "$(fmt "$(calc "$us / 1000")" 1)" \
			"$(fmt "$(calc "$par_n * 1000000 / $us")" 0)" "$(ratio "$crp" "$us")"
	done <"$D/par.tsv"
	echo
	echo "$par_n \`run -- /bin/true\` started at once by one shell, waited for together (crun's inside"
	echo "one cg2wrap, with a name each). Ratio: crun's time over the tool's (above 1: faster than crun)."
	echo
	echo "## Peak RSS and the smallest memory limit"
	echo
	echo "Peak RSS (tests/bench/peakrss.c): VmHWM of each process of the run, read under ptrace as it"
	echo "exits; \"runtime\" is the command's own process, \"largest\" the largest of its tree (the container's"
	echo "processes included); median of $rss_runs runs, with a static empty \`/bin/nbtrue\` as the workload"
	echo "(busybox true alone peaks at ~1.2 MiB). ru_maxrss is what getrusage and /usr/bin/time report:"
	echo "since Linux 6.2 it reads the per-CPU RSS counters approximately and lags by up to 128 KiB per"
	echo "counter and CPU (0 KiB for nbtrue), so it is shown only for reference. Smallest limit:"
	echo "bisected in 4 KiB steps (\`--memory\` for nestbox, linux.resources.memory.limit for runc); the"
	echo "container must run /bin/true and exit 0 three times out of three."
	echo
	echo "| command | runtime KiB | ratio to nestbox | largest KiB | ru_maxrss KiB | smallest memory limit |"
	echo "|---|---:|---:|---:|---:|---:|"
	while IFS="$tab" read -r name median max rusage; do
		lim=n/a
		case "$name" in
		nestbox) lim=$nb_min_mem ;;
		runc) lim=$runc_min_mem ;;
		crun*) lim="n/a (memory is a v1 controller here)" ;;
		esac
		case "$lim" in [0-9]*) lim="$lim KiB" ;; none) lim="none up to 64 MiB" ;; NA) lim=- ;; esac
		printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$(fmt "$median" 0)" \
			"$(ratio "$median" "$nbr")" "$(fmt "$max" 0)" "$(fmt "$rusage" 0)" "$lim"
	done <"$D/rss.tsv"
	echo
	echo "## Sizes"
	echo
	echo "| binary | bytes | stripped | linking | + shared libraries |"
	echo "|---|---:|---:|---|---|"
	while IFS="$tab" read -r name size str kind lsize lnames; do
		l=
		[ "$kind" = static ] || l="$lsize ($lnames)"
		printf '| %s | %s | %s | %s | %s |\n' "$name" "$size" "${str:--}" "$kind" "$l"
	done <"$D/sizes.tsv"
	echo
	echo "## Inits as PID 1 of a fresh pid namespace"
	echo
	echo "Reaping: from releasing $orphans orphans (blocked children of an exited parent) to the last"
	echo "one reaped, median of $orphan_reps rounds (each init once per round); the first row is the floor,"
	echo "no init, the workload reaping them itself. Signal: kill(SIGUSR1) of the init to the workload's"
	echo "sigwaitinfo, $signals signals over the rounds (median of the rounds' medians and p90s);"
	echo "idle: the init's context switches over ${idle} s while its workload sleeps; peak RSS as above."
	echo
	echo "| init | reap $orphans ms | ratio to nestbox-init | init CPU ms | signal median µs |" \
		"signal p90 µs | idle wakeups / ${idle} s | peak RSS KiB |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	nbi_reap=$(init_of nestbox-init 2)
	while IFS="$tab" read -r name reap cpu s50 s90 wake rss; do
		printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" \
			"$(fmt "$(calc "$reap / 1000")" 1)" "$(ratio "$reap" "$nbi_reap")" \
			"$(fmt "$(calc "$cpu / 1000")" 1)" "$(fmt "$s50" 1)" "$(fmt "$s90" 1)" \
			"$(fmt "$wake" 0)" "$(fmt "$rss" 0)"
	done <"$D/init.tsv"
	echo
	echo "Init CPU: the init's own CPU time (/proc/PID/schedstat) from its start to the last orphan"
	echo "reaped, median of the rounds: its share of the reaping, which the wall time, mostly the"
	echo "orphans' own exits on $(nproc) CPUs, hides."
	echo
	echo "## Goals (issues 8 and 21; reported, not asserted; judged on the median wall times)"
	echo
	echo "| goal | measured | |"
	echo "|---|---|---|"
	un=$(med "unshare -mpui") rc=$(med runc) tr=$(init_of tini 2) w=$(init_of nestbox-init 6)
	cpu() { lookup "$D/start.tsv" "$1" 7; }
	printf '| nestbox ≤ 1.5× the floor | %s (CPU %s) | %s |\n' "$(ratio "$nb_med" "$fl_med")" \
		"$(ratio "$nb_cpu" "$fl_cpu")" "$(goal "$(calc "$nb_med / $fl_med")" 1.5)"
	printf '| its bound: the floor in the default namespaces (`floor -n`) ≤ 1.5× the floor | %s (CPU %s) | %s |\n' \
		"$(ratio "$fn_med" "$fl_med")" "$(ratio "$fn_cpu" "$fl_cpu")" \
		"$(goal "$(calc "$fn_med / $fl_med")" 1.5)"
	printf '| nestbox below unshare -mpui -f --mount-proc | %s (CPU %s) | %s |\n' \
		"$(ratio "$nb_med" "$un")" "$(ratio "$nb_cpu" "$(cpu "unshare -mpui")")" \
		"$(goal "$(calc "$nb_med / $un")" 1.0)"
	printf '| --net veth ≤ 5 ms over the run without it | %s ms | %s |\n' "$(fmt "$veth_cost" 2)" \
		"$(goal "$veth_cost" 5)"
	printf '| nestbox ≤ 0.4× crun (wrapper subtracted) | %s (CPU %s) | %s |\n' \
		"$(ratio "$nb_med" "$crun_net")" "$(ratio "$nb_cpu" "$crun_cpu")" \
		"$(goal "$(calc "$nb_med / $crun_net")" 0.4)"
	printf '| nestbox ≤ 0.1× runc | %s (CPU %s) | %s |\n' "$(ratio "$nb_med" "$rc")" \
		"$(ratio "$nb_cpu" "$(cpu runc)")" "$(goal "$(calc "$nb_med / $rc")" 0.1)"
	printf '| nestbox peak RSS ≤ 1 MiB | %s KiB | %s |\n' "$nbr" "$(goal "$nbr" 1024)"
	printf '| a container starts under --memory 512k or less | %s KiB | %s |\n' "$nb_min_mem" \
		"$(goal "$(echo "$nb_min_mem" | sed 's/none/NA/')" 512)"
	printf '| nestbox-init ≤ 16 KiB stripped | %s bytes | %s |\n' "$nbi_size" \
		"$(goal "$nbi_size" 16384)"
	printf '| reaping %s orphans no slower than tini | %s ms vs %s ms (init CPU %s vs %s ms) | %s |\n' \
		"$orphans" "$(fmt "$(calc "$nbi_reap / 1000")" 1)" "$(fmt "$(calc "$tr / 1000")" 1)" \
		"$(fmt "$(calc "$(init_of nestbox-init 3) / 1000")" 1)" \
		"$(fmt "$(calc "$(init_of tini 3) / 1000")" 1)" "$(goal "$nbi_reap" "$tr")"
	printf '| nestbox-init: zero idle wakeups | %s in %s s | %s |\n' "$w" "$idle" "$(goal "$w" 0)"
	echo
	echo "## Where nestbox's time goes"
	echo
	echo "\`make bench-profile\` (tests/bench/profile.sh): perf, the cgroup's cost, strace -c, callgrind."
	echo
	echo '```'
	cat "$D/profile.txt" 2>/dev/null || echo "(no profile: $(tail -n 1 "$D/profile.err"))"
	echo '```'
	if [ -s "$D/net.txt" ]; then
		echo
		echo "What \`--net veth\` adds (tests/bench/net.sh $runs):"
		echo
		echo '```'
		cat "$D/net.txt"
		echo '```'
	fi
	[ -z "$missing" ] || { echo; echo "Not installed, left out:$missing."; }
	[ $veth = 1 ] || { echo; echo "nestbox --net veth left out: $(head -n 1 "$D/veth.err")"; }
	[ $memory = 1 ] || { echo; echo "nestbox --memory left out: $(head -n 1 "$D/memory.err")"; }
} >"$D/results.md"
cat "$D/results.md"
say "wrote $D/results.md and $D/start.png"
