#!/bin/sh
# Test VM "boot": checks of nestbox's boot mode from inside the VM, as TAP on the results port.
# The host checks the rest on the console: bad boot.conf lines reported with their numbers,
# every container stopped at poweroff, "reboot: Power down" and no kernel panic.
. /nestbox/qemu/lib.sh
port=$(results_port) || { echo "bootmode: no results port" >/dev/console; exit 1; }
exec >"$port" 2>&1
n=0 pass=0 fail=0 skip=0
ok() { # ok DESCRIPTION COMMAND...: one TAP line
	d=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n $d"
		pass=$((pass + 1))
	else
		echo "not ok $n $d"
		fail=$((fail + 1))
	fi
}
# field NAME KEY: a value from PID 1's status file
field() { sed -n "s/^$1 .* $2=\([^ ]*\).*/\1/p" /run/nestbox/status; }
waitfor() { # waitfor SECONDS COMMAND...
	t=$(($1 * 10))
	shift
	while [ $t -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		t=$((t - 1))
	done
	"$@"
}
echo "TAP version 13"
echo "# === bootmode"
ok "PID 1 is nestbox (/init)" [ "$(readlink /proc/1/exe)" = /init ]
for m in "proc /proc" "sysfs /sys" "devtmpfs /dev" "devpts /dev/pts" "tmpfs /run" "cgroup2 /sys/fs/cgroup"; do
	ok "PID 1 mounted ${m#* } (${m% *})" grep -q "^[^ ]* ${m#* } ${m% *} " /proc/mounts
done
# PID 1 re-rooted the initramfs once (boot.c): "/" is a mount with a parent (the rootfs), so a
# container's pivot_root works at its first try.
ok "PID 1 re-rooted the initramfs: / has a parent mount" \
	awk '$5 == "/" { found = 1; exit $1 == $2 } END { if (!found) exit 1 }' /proc/self/mountinfo
ok "/dev/fd and /dev/stdin links" sh -c "[ -L /dev/fd ] && [ -e /dev/stdin ]"
for m in overlay veth bridge; do
	ok "module $m loaded from boot.conf" [ -d /sys/module/$m ]
done

# The two containers behave as configured.
ok "container 'once' exited with its status and was not restarted" \
	waitfor 10 sh -c '[ "$(sed -n "s/^once .*last=\"\(.*\)\"/\1/p" /run/nestbox/status)" = "exited with status 3" ]'
ok "container 'again' is restarted after it exits" waitfor 15 sh -c '[ "$(sed -n "s/^again .* starts=\([0-9]*\).*/\1/p" /run/nestbox/status)" -ge 3 ]'
ok "container 'once' started exactly once" [ "$(field once starts)" = 1 ]
ok "container 'service' is running" [ "$(sed -n 's/^service container \([a-z]*\) .*/\1/p' /run/nestbox/status)" = running ]
ok "nestbox boot logs once: what it printed before it exited at once" \
	sh -c 'nestbox boot logs once | grep -q "^\[ *[0-9.]*\] once: done$"'
ok "nestbox boot status lists every entry" \
	sh -c '[ "$(nestbox boot status | grep -cE "^(stubborn|once|again|service|ready|late|checks) ")" -eq 7 ]'
ok "'late' (after=ready) started only once 'ready' said so on fd 3" \
	waitfor 10 sh -c '[ -f /run/late.at ] && [ "$(cat /run/late.at)" -ge "$(cat /run/ready.at)" ]'
ok "bad lines skipped: no entry for ghost, odd" sh -c '! grep -qE "^(ghost|odd) " /run/nestbox/status'
ok "entries after the bad lines started (checks)" grep -q '^checks run running' /run/nestbox/status

# Ctrl-Alt-Del: with reboot(RB_DISABLE_CAD) the kernel sends SIGINT to PID 1 instead of
# rebooting at once, and says so in kernel.ctrl-alt-del (0); SIGINT -> reboot is test_boot's.
ok "Ctrl-Alt-Del is a signal to PID 1 (kernel.ctrl-alt-del = 0)" \
	[ "$(cat /proc/sys/kernel/ctrl-alt-del)" = 0 ]

# Orphans are reaped by PID 1: a process whose parent died gets PID 1 as parent and, once it
# exits, leaves no zombie.
sh -c 'sleep 2 & echo $! >/tmp/orphan.pid'
o=$(cat /tmp/orphan.pid)
ok "orphan $o re-parented to PID 1" [ "$(cut -d' ' -f4 /proc/$o/stat 2>/dev/null)" = 1 ]
ok "orphan $o reaped by PID 1 after it exited" waitfor 6 sh -c "[ ! -e /proc/$o ]"
zombies=$(grep -l '^[0-9]* ([^)]*) Z' /proc/[0-9]*/stat 2>/dev/null | wc -l)
ok "no zombies anywhere ($zombies)" [ "$zombies" -eq 0 ]

# A container from the initramfs root: pivot_root through the runtime's re-root step; the
# VM's root (/init, /nestbox) must not be reachable from inside.
out=$(nestbox run --rootfs /nestbox/rootfs --name probe -- /bin/sh -c \
	'test ! -e /init && test ! -e /nestbox && cat /proc/1/comm' 2>&1)
rc=$?
echo "# probe: rc=$rc $out"
ok "container from the initramfs root does not see the VM's root" [ $rc -eq 0 ]

cat /run/nestbox/status | sed 's/^/# status: /'
status_line $pass $fail $skip
sync
# The last check is the host's: every container stopped, clean power off, no panic.
kill -USR2 1
sleep 60
