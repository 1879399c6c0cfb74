#!/bin/sh
# Boot to the first workload (issue 23, "Speed"): nestbox as PID 1 against bare busybox init
# running the same program, in the same VM, kernel and initramfs. Usage (repo's top directory):
#   boot-bench.sh RUNS KERNEL...    RUNS boots of each variant per kernel, interleaved
# One initramfs holds everything; the kernel command line picks the init (rdinit=) and
# nestbox's boot.conf (nestbox.conf=), so every variant unpacks the same archive:
#   busybox     rdinit=/sbin/init: busybox init, inittab ::sysinit:/bootclock, then /sbin/poweroff -f
#   run         nestbox boot mode, `run first log=console on-exit=poweroff -- /bootclock`
#   container   nestbox boot mode, the same as a container (--rootfs, overlay: its module first)
#   read-only   the same container with --read-only (one read-only bind, no overlay module)
#   module      (not by default) the run line after the container line's `module` line: what
#               loading overlay.ko costs, apart from nestbox's container setup
# The workload (tests/bench/bootclock.c) prints CLOCK_BOOTTIME when it runs: the time from the
# kernel's start to the workload's first output line. Prints a table per kernel (median, min,
# max, ratio of medians to busybox) and writes it to $BENCH_DIR/boot.md and results.md. TCG (FACTS: KVM fails
# here), one vCPU: noisy, hence medians over interleaved boots. Env: BUILD, BENCH_DIR;
# BOOT_VARIANTS (some of the four, busybox first), BOOT_RUN_ARGS (more `nestbox run` options
# for the container lines: --verbose says each step with its time; the consoles are kept in
# $BUILD/qemu/boot-bench/KERNEL.VARIANT.N.console), BOOT_BASELINE (another nestbox binary, e.g.
# main's: variants base-run, base-container, base-read-only boot it, interleaved with this one's),
# BOOT_QEMU_ARGS (more QEMU options: "-icount shift=1,sleep=off" makes the guest's clock count
# instructions, so two binaries compare by the work they do, whatever the host's load),
# BOOT_TB=1 (QEMU logs every block it translates, -d in_asm: each boot also counts the guest
# instructions translated from init's first one to the workload's, user and kernel. Under plain
# TCG most of a container line's time is that translation, which the instruction clock does not
# see; the count is repeatable to ~1% and shows a cut that runs less code for the first time.
# The times of these boots are not comparable with unlogged ones).
set -eu
runs=${1:?usage: boot-bench.sh RUNS KERNEL...}
shift
[ $# -gt 0 ] || { echo "usage: boot-bench.sh RUNS KERNEL..." >&2; exit 2; }
build=${BUILD:-build}
bench=${BENCH_DIR:-$build/bench}
clock=$bench/bin/bootclock
variants=${BOOT_VARIANTS:-busybox run container read-only}
for f in "$build/nestbox" "$build/rootfs/bin/busybox" "$clock" /bin/busybox; do
	[ -e "$f" ] || { echo "boot-bench: $f missing" >&2; exit 1; }
done
mkdir -p "$bench"
# as QEMU prints a block's first address: 0x and 8 hex digits below 4 GiB (user), 16 (kernel)
clock_entry=$(printf '0x%08x' "$(readelf -h "$clock" | awk '/Entry point/ { print $4 }')")
work=$build/qemu/boot-bench
mkdir -p "$work"
rm -f "$work/summary"

# initramfs KERNEL_DIR OUT: the one archive of every variant.
initramfs() {
	root=$2.d
	rm -rf "$root"
	mkdir -p "$root"
	(
		cd "$root"
		mkdir -p bin sbin usr/bin usr/sbin etc/nestbox lib/modules proc sys dev run tmp nestbox
		mknod -m 600 dev/console c 5 1
		cp /bin/busybox bin/busybox
		for applet in $(bin/busybox --list-full); do
			[ "$applet" = bin/busybox ] || ln -sf /bin/busybox "$applet"
		done
	)
	cp "$build/nestbox" "$root/bin/nestbox"
	if [ -n "${BOOT_BASELINE:-}" ]; then
		cp "$BOOT_BASELINE" "$root/bin/nestbox-base"
		cp "$clock" "$root/stamp-nestbox-base"
	fi
	ln -sf /bin/nestbox "$root/init"
	cp "$clock" "$root/bootclock"
	cp "$clock" "$root/stamp-busybox"
	cp "$clock" "$root/stamp-nestbox"
	cp -a "$build/rootfs" "$root/nestbox/rootfs"
	cp "$clock" "$root/nestbox/rootfs/bootclock"
	cp "$1/modules/overlay.ko" "$root/lib/modules/"
	printf '::sysinit:/bootclock\n::sysinit:/sbin/poweroff -f\n' >"$root/etc/inittab"
	c="container first log=console on-exit=poweroff -- ${BOOT_RUN_ARGS:+$BOOT_RUN_ARGS }--rootfs /nestbox/rootfs"
	echo "run first log=console on-exit=poweroff -- /bootclock" >"$root/etc/nestbox/run.conf"
	printf 'module /lib/modules/overlay.ko\n%s -- /bootclock\n' "$c" \
		>"$root/etc/nestbox/container.conf"
	echo "$c --read-only -- /bootclock" >"$root/etc/nestbox/read-only.conf"
	printf 'module /lib/modules/overlay.ko\n' | cat - "$root/etc/nestbox/run.conf" \
		>"$root/etc/nestbox/module.conf"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -6 >"$2"
	rm -rf "$root"
}

# boot KERNEL_DIR INITRD VARIANT OUT: one boot; prints the workload's time (s) or NA.
boot() {
	case $3 in
	busybox) init="rdinit=/stamp-busybox" ;;
	base-*) init="rdinit=/stamp-nestbox-base nestbox.conf=/etc/nestbox/${3#base-}.conf" ;;
	*) init="rdinit=/stamp-nestbox nestbox.conf=/etc/nestbox/$3.conf" ;;
	esac
	timeout -k 5 120 qemu-system-x86_64 -nodefaults -M pc -accel tcg -cpu max -m 512 -smp 1 \
		-nic none -no-reboot -display none -monitor none -serial "file:$4" ${BOOT_QEMU_ARGS:-} \
		${BOOT_TB:+-d in_asm -D "$4.tb"} -kernel "$1/vmlinuz" -initrd "$2" \
		-append "console=ttyS0 panic=-1 loglevel=4 $init" </dev/null >/dev/null 2>&1 || :
	t=$(sed -n 's/.*bootclock: \([0-9.]*\) s.*/\1/p' "$4" | head -n 1)
	i=$(sed -n 's/.*initclock: \([0-9.]*\) s.*/\1/p' "$4" | head -n 1)
	[ -z "${BOOT_TB:-}" ] || { translated "$4.tb" >"$4.count"; rm -f "$4.tb"; }
	echo "${t:-NA} ${i:-NA}"
}

# translated LOG: "USER KERNEL" guest instructions in the blocks QEMU translated from the first
# block at bootclock's entry (the stamp, exec'd by the kernel as init) to the next one there
# (the workload: another copy of the file, so its pages are translated again).
translated() {
	awk -v entry="$clock_entry" '
	/^IN:/ { start = 1; next }
	/^0x/ && start { start = 0; a = substr($1, 1, length($1) - 1)
		if (a == entry && ++seen == 2) exit
		user = length(a) < 18 }
	/^0x/ && seen == 1 { if (user) u++; else k++ }
	END { printf "%d %d\n", u, k }' "$1"
}

# stats COLUMN FILE...: "median min max n" of a column of "TOTAL INIT" lines (3: TOTAL - INIT,
# the time from the kernel's exec of init to the workload's output); NA lines left out.
stats() {
	c=$1
	shift
	cat "$@" | awk -v c="$c" '$1 != "NA" && $2 != "NA" { print c == 3 ? $1 - $2 : $c }' |
		sort -n | awk '{ v[NR] = $1 } END {
		if (!NR) { print "NA NA NA 0"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.3f %.3f %.3f %d\n", m, v[1], v[NR], NR }'
}
# tb_median FILE: of "USER KERNEL" lines, "U + K = SUM" of the one with the median sum
tb_median() {
	awk '{ print $1 + $2, $1, $2 }' "$1" | sort -n | awk '{ l[NR] = $0 } END {
		if (!NR) { print "-"; exit }
		split(l[int((NR + 1) / 2)], m, " "); printf "%d + %d = %d\n", m[2], m[3], m[1] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA" || b == 0) print "-"; else printf "%.3fx", a / b }'; }
plus() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA") print "NA"; else print a + b }'; }

out=$bench/boot.md
{
	echo "## Boot to the first workload (issue 23): nestbox as PID 1 vs busybox init"
	echo
	echo "QEMU TCG, 1 vCPU, one initramfs for all; time from the kernel's start to the workload's"
	echo "output (CLOCK_BOOTTIME printed by tests/bench/bootclock.c); $runs interleaved boots each."
	echo "Goal: nestbox within 1.05x of busybox init."
} >"$out.tmp"
for k in "$@"; do
	kdir=$build/kernels/$k
	[ -s "$kdir/vmlinuz" ] || { echo "boot-bench: $kdir: make qemu-kernels" >&2; exit 1; }
	initrd=$work/$k.cpio.gz
	initramfs "$kdir" "$initrd"
	for v in $variants; do : >"$work/$k.$v.times" && : >"$work/$k.$v.tb"; done
	i=0
	while [ $i -lt "$runs" ]; do
		for v in $variants; do
			t=$(boot "$kdir" "$initrd" "$v" "$work/$k.$v.$((i + 1)).console")
			echo "$t" >>"$work/$k.$v.times"
			[ -z "${BOOT_TB:-}" ] ||
				cat "$work/$k.$v.$((i + 1)).console.count" >>"$work/$k.$v.tb"
			echo "[$k $v] boot $((i + 1)): workload at ${t% *} s, init at ${t#* } s" >&2
		done
		i=$((i + 1))
	done
	read -r base _ _ _ <<EOF
$(stats 1 "$work/$k.busybox.times")
EOF
	read -r kern klo khi kn <<EOF
$(stats 2 $(for v in $variants; do echo "$work/$k.$v.times"; done))
EOF
	read -r bb_d _ _ _ <<EOF
$(stats 3 "$work/$k.busybox.times")
EOF
	{
		echo
		echo "### kernel $k ($(sed -n 2p "$kdir/package" 2>/dev/null))"
		echo
		echo "Kernel start to init (every boot): median $kern s (min $klo, max $khi; $kn boots)."
		echo "TCG makes the kernel's part vary by seconds between boots, so the ratio that"
		echo "compares the inits is the last column: that median plus each variant's median"
		echo "init-to-workload time, over busybox's."
		echo
		echo "| variant | boot to workload: median s (min-max) | ratio | init to workload: median ms (min-max) | ratio, kernel part shared |${BOOT_TB:+ translated, init to workload: user + kernel instructions (median of the sums) |}"
		echo "|---|---|---|---|---|${BOOT_TB:+---|}"
		for v in $variants; do
			read -r med lo hi n <<EOF
$(stats 1 "$work/$k.$v.times")
EOF
			read -r d dlo dhi _ <<EOF
$(stats 3 "$work/$k.$v.times")
EOF
			ms=$(awk -v d="$d" -v a="$dlo" -v b="$dhi" \
				'BEGIN { if (d == "NA") print "-"; else printf "%.1f (%.1f-%.1f)", d * 1000, a * 1000, b * 1000 }')
			shared=$(ratio "$(plus "$kern" "$d")" "$(plus "$kern" "$bb_d")")
			echo "| $v | $med ($lo-$hi), $n/$runs boots | $(ratio "$med" "$base") | $ms | $shared |${BOOT_TB:+ $(tb_median "$work/$k.$v.tb") |}"
			# The issue's figure: the container line (a container as boot.conf's first entry)
			[ "$v" != container ] || awk -v k="$k" -v kern="$kern" -v b="$bb_d" -v d="$d" \
				-v r="$shared" 'BEGIN { if (d == "NA" || b == "NA") exit
				over = (d - b) * 1000; budget = 0.05 * (kern + b) * 1000
				printf "| %s | %.0f | %.0f | %.0f of %.0f | %s | %s |\n", k, b * 1000,
					d * 1000, over, budget, r, r + 0 <= 1.05 ? "met" : "not met" }' \
				>>"$work/summary"
		done
	} >>"$out.tmp"
done
if [ -s "$work/summary" ]; then
	{
		echo
		echo "### Boot to the first container's workload, per kernel (the issue's figure)"
		echo
		echo "A container as boot.conf's first line (overlay root, its module loaded first) against"
		echo "busybox init exec'ing the same program; init-to-workload medians, the kernel's median"
		echo "part shared. Goal <= 1.05x: the container line may cost 5% of the bare boot more."
		echo
		echo "| kernel | busybox ms | container ms | ms over busybox, of the 5% | ratio | goal |"
		echo "|---|---|---|---|---|---|"
		cat "$work/summary"
	} >>"$out.tmp"
fi
rm -f "$work/summary"
mv "$out.tmp" "$out"
sh "$(dirname "$0")/bench-section.sh" "$bench/results.md" "$out"
cat "$out"
