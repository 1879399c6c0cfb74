#!/bin/sh
# Bench VM "concurrency" (issue 27): TOTAL `nestbox run --memory 64m -- true`, PAR at once per
# round, on the VM's pure cgroup v2; counts the runs that did not exit 0 and their messages
# (numbers folded to N, so that one cause is one line). Results on the results port:
#   conc: kernel K runs TOTAL par PAR failed F seconds S
#   conc-msg: COUNT MESSAGE
# Usage: bench-conc.sh [TOTAL [PAR]]   (the VM's boot.conf runs it; qemu/vm-bench.sh reads it)
. /nestbox/qemu/lib.sh
port=$(results_port) || { echo "bench-conc: no results port" >/dev/console; exit 1; }
total=${1:-1000} par=${2:-20}
cd /tmp || exit 1
: >/tmp/conc.msgs
echo "# === bench-conc $total runs, $par at once, cgroup $(awk '$2 == "/sys/fs/cgroup" { print $3 }' /proc/mounts)" >"$port"
failed=0 done_n=0
t0=$(date +%s)
while [ $done_n -lt "$total" ]; do
	i=0 pids=
	while [ $i -lt "$par" ] && [ $((done_n + i)) -lt "$total" ]; do
		nestbox run --rootfs /nestbox/rootfs --memory 64m -- true >/tmp/conc.$i 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	i=0
	for p in $pids; do
		wait "$p"
		st=$?
		if [ $st -ne 0 ]; then
			failed=$((failed + 1))
			grep -h '^nestbox' /tmp/conc.$i >>/tmp/conc.msgs ||
				echo "status $st, no message" >>/tmp/conc.msgs
		fi
		i=$((i + 1))
	done
	done_n=$((done_n + i))
	[ $((done_n % 200)) -eq 0 ] && echo "# $done_n runs, $failed failed" >"$port"
done
t1=$(date +%s)
left=$(ls /sys/fs/cgroup/nestbox 2>/dev/null | grep -c '^nestbox-')
{
	echo "conc: kernel $(uname -r) runs $done_n par $par failed $failed seconds $((t1 - t0)) groups-left $left"
	sed 's/[0-9][0-9]*/N/g' /tmp/conc.msgs | sort | uniq -c | sed 's/^ *\([0-9]*\) /conc-msg: \1 /'
	status_line $((done_n - failed)) "$failed" 0
} >"$port"
sync
/nestbox/qemu/guest-exit 0
