#!/bin/sh
# Test VM "watchdog": TAP on the results port while PID 1 is healthy, then the hang switch.
# The host judges the rest: a reset (QEMU exits without "reboot: Power down") after the hang.
. /nestbox/qemu/lib.sh
port=$(results_port) || { echo "watchdog: no results port" >/dev/console; exit 1; }
exec >"$port" 2>&1
echo "TAP version 13"
echo "# === watchdog"
n=0 pass=0 fail=0
ok() { # ok DESCRIPTION COMMAND...
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
ok "a watchdog device exists" [ -c /dev/watchdog ]
ok "PID 1 opened it (held by /init-faults)" sh -c 'ls -l /proc/1/fd | grep -q /dev/watchdog'
# Three times the 3 s timeout: a PID 1 that pets from its event loop is never reset.
sleep 9
ok "a healthy PID 1 was not reset in 9 s (timeout 3 s)" true
status_line $pass $fail 0
sync
echo "# hang switch thrown at $(cut -d' ' -f1 /proc/uptime) s"
/init-faults boot hang
sleep 60
echo "not ok - still running 60 s after the hang switch"
