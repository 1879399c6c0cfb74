#!/bin/sh
# Boot one test VM and judge it. Usage (from the repo's top directory):
#   run-vm.sh MODE KERNEL_DIR INITRAMFS OUT_PREFIX      MODE: suite | boot | watchdog | probe-kvm
# suite: nestbox boots with /etc/nestbox/boot.conf and runs the native suite; passes only when
#        the results port's status line and the isa-debug-exit code agree.
# boot:  nestbox boots with boot-mode.conf (kernel command line nestbox.conf=); passes when the
#        in-VM checks pass and the console shows the bad lines reported, every container stopped
#        and a clean power off (QEMU exit 0, "reboot: Power down", no panic), within the shutdown
#        deadline + 1 s although one program ignores SIGTERM.
# watchdog: the test build as PID 1 (rdinit=/init-faults) with watchdog.conf and -device i6300esb;
#        passes when the in-VM checks pass (no reset while healthy) and, after the hang switch,
#        the watchdog resets the VM (QEMU exits before the timeout, no power off, no panic).
# Writes OUT_PREFIX.console, .results (TAP from the VM), .host (host-side TAP) and .summary
# ("passed failed skipped boot_s wall_s verdict reason"). Env: LABEL, VM_TIMEOUT (s, 180),
# VM_CPUS (1), VM_MEM (MiB, 1024), ACCEL (kvm|tcg, else probed once and cached), QEMU_ARCH
# (x86_64: qemu-system-x86_64 -M pc; aarch64: qemu-system-aarch64 -M virt -cpu max (PAC with
# QEMU's cheap hash, below), TCG only,
# guest-exit through semihosting, the softdog for the watchdog VM).
set -u
mode=${1:?usage: run-vm.sh suite|boot|probe-kvm KERNEL_DIR INITRAMFS OUT_PREFIX}
kdir=${2:?} initrd=${3:?} out=${4:?}
label=${LABEL:-$mode}
build=${BUILD:-build}
timeout_s=${VM_TIMEOUT:-180}

case $mode in
suite) conf=/etc/nestbox/boot.conf ;;
boot) conf=/etc/nestbox/boot-mode.conf ;;
watchdog) conf="/etc/nestbox/watchdog.conf rdinit=/init-faults" ;;
probe-kvm) conf=/etc/nestbox/probe.conf ;;
*) echo "run-vm: unknown mode '$mode'" >&2; exit 2 ;;
esac

arch=${QEMU_ARCH:-x86_64}
case $arch in
x86_64)
	machine="qemu-system-x86_64 -M pc" console=ttyS0
	vm_exit="-device isa-debug-exit,iobase=0xf4,iosize=0x04"
	wdog=
	[ "$mode" = watchdog ] && wdog="-device i6300esb -watchdog-action reset"
	;;
aarch64)
	# virt has no watchdog QEMU emulates for Linux here: the watchdog VM uses the softdog,
	# whose reset ends QEMU through -no-reboot.
	machine="qemu-system-aarch64 -M virt" console=ttyAMA0
	vm_exit="-semihosting-config enable=on,target=native,userspace=on"
	wdog=
	# -cpu max has pointer authentication (ARMv8.3 PAC), which Debian's arm64 kernels sign
	# every kernel return address with; TCG computes the architected QARMA5 cipher in
	# software for each one. pauth-impdef=on keeps PAC (the same instructions and checks)
	# with QEMU's own cheap "implementation defined" hash instead: on the 6.1 VM a
	# nestbox run went 0.57 -> 0.15 s, an init 0.15 -> 0.025 s, boot 21 -> 5 s.
	cpu_opts=,pauth-impdef=on
	;;
armv7)
	machine="qemu-system-arm -M virt" console=ttyAMA0
	vm_exit="-semihosting-config enable=on,target=native,userspace=on"
	wdog=
	;;
*) echo "run-vm: unknown QEMU_ARCH '$arch'" >&2; exit 2 ;;
esac

qemu() { # qemu ACCEL TIMEOUT: boot the VM, no network device, console and results to files
	rm -f "$out.console" "$out.results" "$out.starts" "$out.times"
	: >"$out.results"
	cpu=max${cpu_opts:-}
	[ "$1" = kvm ] && cpu=host
	timeout -k 5 "$2" $machine -nodefaults -accel "$1" -cpu $cpu \
		-m "${VM_MEM:-1024}" -smp "${VM_CPUS:-1}" -nic none -no-reboot \
		-display none -monitor none -serial "file:$out.console" \
		-kernel "$kdir/vmlinuz" -initrd "$initrd" \
		-append "console=$console panic=-1 loglevel=4 nestbox.conf=$conf" \
		$vm_exit $wdog \
		-device virtio-serial-pci \
		-chardev "file,id=results,path=$out.results" \
		-device virtserialport,chardev=results,name=results </dev/null
}

if [ "$mode" = probe-kvm ]; then
	# FACTS: KVM boots here fail with "KVM internal error" and QEMU then hangs: a short boot
	# under timeout decides, and the answer is cached by the caller.
	qemu kvm 30 >"$out.qemu" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q 'reboot: Power down' "$out.console" 2>/dev/null; then
		echo kvm
	else
		echo tcg
	fi
	exit 0
fi

accel=${ACCEL:-tcg}
start=$(date +%s.%N)
qemu "$accel" "$timeout_s" >"$out.qemu" 2>&1 &
qpid=$!
seen=0 booted=
while kill -0 $qpid 2>/dev/null; do
	sleep 1
	if [ -z "$booted" ] && grep -q 'nestbox: boot: PID 1 up at' "$out.console" 2>/dev/null; then
		booted=$(sed -n 's/.*nestbox: boot: PID 1 up at \([0-9.]*\) s.*/\1/p' "$out.console" |
			head -n 1)
		echo "[$label] PID 1 up at ${booted} s (guest clock)"
	fi
	n=$(grep -c '^# === ' "$out.results" 2>/dev/null)
	if [ "${n:-0}" -gt $seen ]; then
		t=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.0f", $2 - $1 }')
		grep '^# === ' "$out.results" | sed -n "$((seen + 1)),${n}p" |
			sed "s|^# === \\(.*/\\)\\{0,1\\}||" | while read -r b; do
			echo "[$label] running $b"
			echo "$t $b" >>"$out.starts"
		done
		seen=$n
	fi
done
wait $qpid
rc=$?
wall=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
# Each test binary's wall time (host clock, to the 1 s poll) in $out.times, slowest first: what
# qemu.mk's timeouts and the suite's split are set from.
[ -s "$out.starts" ] && awk -v end="$wall" '{ t[NR] = $1; b[NR] = $2 }
	END { for (i = 1; i <= NR; i++) printf "%5d s %s\n", (i < NR ? t[i + 1] : end) - t[i], b[i] }' \
	"$out.starts" | sort -rn >"$out.times"
[ -n "$booted" ] || booted=$(sed -n 's/.*nestbox: boot: PID 1 up at \([0-9.]*\) s.*/\1/p' \
	"$out.console" 2>/dev/null | head -n 1)

status=$(grep '^# nestbox-qemu: status=' "$out.results" | tail -n 1)
val() { echo "$status" | sed -n "s/.* $1=\([0-9a-z]*\).*/\1/p"; }
passed=$(val passed) failed=$(val failed) skipped=$(val skipped) st=$(echo "$status" |
	sed -n 's/.*status=\([a-z]*\).*/\1/p')
: "${passed:=0}" "${failed:=0}" "${skipped:=0}"
verdict=PASS reason=

# Host-side checks, as TAP in $out.host, counted with the VM's.
: >"$out.host"
hn=0
check() { # check DESCRIPTION COMMAND...
	d=$1
	shift
	hn=$((hn + 1))
	if "$@"; then
		echo "ok $hn $d" >>"$out.host"
		passed=$((passed + 1))
	else
		echo "not ok $hn $d" >>"$out.host"
		failed=$((failed + 1))
	fi
}
console_has() { grep -q "$1" "$out.console"; }
no_panic() { ! grep -q 'Kernel panic' "$out.console"; }
bad_line_reported() { # bad_line_reported PATTERN: reported with the line number it has
	ln=$(grep -n "$1" "$(dirname "$initrd")/boot-mode.conf" | head -n 1 | cut -d: -f1)
	[ -n "$ln" ] && grep -q "boot-mode.conf:$ln: .*$2" "$out.console"
}

if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	verdict=FAIL reason="timed out after ${timeout_s}s"
elif [ -z "$status" ]; then
	verdict=FAIL reason="no status line: boot or infrastructure failure"
elif [ "$mode" = suite ]; then
	want=3
	[ "$st" = pass ] && want=1
	if [ $rc -ne $want ]; then
		verdict=FAIL reason="status=$st but QEMU exited $rc (guest-exit wants $want)"
	fi
	check "no kernel panic" no_panic
elif [ "$mode" = watchdog ]; then
	check "hang switch thrown (PID 1 stops petting)" console_has 'hang switch: PID 1 stops'
	check "the watchdog reset the VM: QEMU exited, no power off" sh -c \
		"[ $rc -eq 0 ] && ! grep -q 'reboot: Power down' '$out.console'"
	check "no kernel panic" no_panic
else
	check "bad line reported: unknown directive" bad_line_reported '^frobnicate' \
		"unknown directive 'frobnicate'"
	check "bad line reported: missing rootfs" bad_line_reported '^container ghost' \
		"--rootfs: /nonexistent: No such file"
	check "bad line reported: bad option" bad_line_reported '^container odd' \
		"bad option 'on-exit=sometimes'"
	check "poweroff signal taken by PID 1" console_has 'nestbox: boot: signal 12: poweroff'
	check "container service stopped by SIGTERM" console_has 'container service: stopped'
	check "every container stopped within the grace period" sh -c \
		"grep -q 'nestbox: boot: all stopped' '$out.console' &&
		 ! grep -q 'still running after' '$out.console'"
	took=$(sed -n 's/.*nestbox: boot: power off after \([0-9]*\) ms (deadline \([0-9]*\) ms).*/\1 \2/p' \
		"$out.console" | tail -n 1)
	echo "[$label] poweroff with a TERM-ignoring program: ${took% *} ms (deadline ${took#* } ms)"
	check "poweroff within the deadline + 1 s (${took% *} ms, deadline ${took#* } ms)" \
		sh -c "[ -n '$took' ] && [ ${took% *} -le \$((${took#* } + 1000)) ]"
	check "clean power off (reboot: Power down, QEMU exit 0)" sh -c \
		"[ $rc -eq 0 ] && grep -q 'reboot: Power down' '$out.console'"
	check "no kernel panic" no_panic
fi
[ "$verdict" = PASS ] && [ "$failed" -gt 0 ] && verdict=FAIL reason="$failed failed"
if [ "$verdict" = FAIL ]; then
	echo "[$label] FAIL: $reason"
	grep '^not ok' "$out.results" "$out.host" 2>/dev/null | sed "s|^|[$label] |"
	if [ -z "$status" ] || [ "$rc" -eq 124 ]; then
		echo "[$label] last 50 console lines ($out.console):"
		tail -n 50 "$out.console" 2>/dev/null
	fi
fi
echo "$passed $failed $skipped ${booted:--} $wall $verdict $reason" >"$out.summary"
[ "$verdict" = PASS ]
