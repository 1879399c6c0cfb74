#!/bin/sh
# lifecycle.sh NESTBOX ROOTFS CG2WRAP [ROUNDS] (make bench-oci; issue 22, Speed): the OCI
# lifecycle a client drives, create + start + delete of a busybox /bin/true container, side by
# side for nestbox, runc and crun; then the same with containerd driving each (ctr run --rm
# --runc-binary, through containerd-shim-runc-v2), in a private containerd as
# tests/clients/containerd.sh starts it. crun 1.8 refuses this hybrid cgroup host: it runs
# under CG2WRAP (a private cgroup2 /sys/fs/cgroup), whose own cost is measured and subtracted.
# Bundles from tests/bench/oci.sh (the same config for all three). Rounds alternate the
# runtimes (interleaved), so a load change hits them alike. Prints a table, ms per container.
set -u
nb=$(realpath "${1:?usage: lifecycle.sh NESTBOX ROOTFS CG2WRAP [ROUNDS]}")
rootfs=$(realpath "${2:?}")
cg2wrap=$(realpath "${3:?}")
rounds=${4:-30}
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

now_us() { echo $(($(date +%s%N) / 1000)); }
cp -a "$rootfs" "$work/rootfs"
sh "$here/oci.sh" "$work/bundle" "$work/rootfs" /bin/true
printf '#!/bin/sh\nexec %s crun "$@"\n' "$cg2wrap" >"$work/crun"
chmod +x "$work/crun"

runtimes="nestbox"
have runc && runtimes="$runtimes runc"
have crun && runtimes="$runtimes crun"
bin_of() { case $1 in nestbox) echo "$nb" ;; runc) command -v runc ;; crun) echo "$work/crun" ;; esac; }

# one RUNTIME ID: create, start, delete --force (a stopped /bin/true or one still exiting)
one() {
	b=$(bin_of "$1")
	"$b" --root "$work/state-$1" create --bundle "$work/bundle" "$2" </dev/null >/dev/null 2>&1 &&
		"$b" --root "$work/state-$1" start "$2" >/dev/null 2>&1 &&
		"$b" --root "$work/state-$1" delete --force "$2" >/dev/null 2>&1
}
for rt in $runtimes; do
	eval "t_$rt=0 bad_$rt=0"
	one "$rt" "warm-$rt" || eval "bad_$rt=1"
done
t_wrap=0
i=0
while [ $i -lt "$rounds" ]; do
	for rt in $runtimes; do
		t0=$(now_us)
		one "$rt" "lc-$rt-$i" || eval "bad_$rt=\$((bad_$rt + 1))"
		eval "t_$rt=\$((t_$rt + $(now_us) - t0))"
	done
	t0=$(now_us)
	for k in 1 2 3; do "$cg2wrap" /bin/true; done # crun's three commands each pay the wrapper
	t_wrap=$((t_wrap + $(now_us) - t0))
	i=$((i + 1))
done
ms() { awk -v t="$1" -v n="$rounds" 'BEGIN { printf "%.2f", t / n / 1000 }'; }
echo "create+start+delete of /bin/true, $rounds rounds interleaved, ms per container (failures):"
for rt in $runtimes; do
	eval "t=\$t_$rt bad=\$bad_$rt"
	[ "$rt" != crun ] || t=$((t - t_wrap))
	echo "  $rt: $(ms "$t") ($bad)$([ "$rt" != crun ] || echo ", cg2wrap's $(ms "$t_wrap") subtracted")"
done
eval "n_ms=\$(ms \$t_nestbox)"
for rt in runc crun; do
	case " $runtimes " in *" $rt "*) ;; *) continue ;; esac
	eval "t=\$t_$rt"
	[ "$rt" != crun ] || t=$((t - t_wrap))
	echo "  nestbox / $rt: $(awk -v a="$t_nestbox" -v b="$t" 'BEGIN { printf "%.3f", a / b }')"
done

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
cd_one() { ctr_ run --rm --runc-binary "$(bin_of "$1")" --runc-root "$work/cd-runc-$1" --fifo-dir "$work/fifo" "$img" "$2" /bin/true >/dev/null 2>"$work/cd.err" || { tail -n 1 "$work/cd.err" >"$work/cd-err-$1"; return 1; }; }
for rt in $runtimes; do
	eval "c_$rt=0 cbad_$rt=0"
	cd_one "$rt" "warm-$rt" || eval "cbad_$rt=1"
done
cr=$((rounds / 2 + 1))
i=0
while [ $i -lt $cr ]; do
	for rt in $runtimes; do
		t0=$(now_us)
		cd_one "$rt" "cd-$rt-$i" || eval "cbad_$rt=\$((cbad_$rt + 1))"
		eval "c_$rt=\$((c_$rt + $(now_us) - t0))"
	done
	i=$((i + 1))
done
echo "ctr run --rm (containerd 1.6 + runc shim) of /bin/true, $cr rounds, ms per container (failures):"
rounds=$cr
for rt in $runtimes; do
	eval "t=\$c_$rt bad=\$cbad_$rt"
	echo "  $rt: $(ms "$t") ($bad)$([ "$rt" != crun ] || echo ", through cg2wrap")"
	[ ! -s "$work/cd-err-$rt" ] || echo "    $rt's last error: $(cat "$work/cd-err-$rt")"
done
ctr_ images rm "$img" >/dev/null 2>&1
