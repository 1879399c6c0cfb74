#!/bin/sh
# Test VM, "suite": the whole native suite (tests/run.sh over every test binary) with the VM's
# initramfs as the containers' host root; TAP and the status line to the results port, then
# the same verdict through isa-debug-exit.
. /nestbox/qemu/lib.sh
port=$(results_port) || { echo "suite: no results port" >/dev/console; exit 1; }
cd /tmp
set -- /nestbox/tests/test_*
if [ ! -x "$1" ]; then
	{ echo "not ok - no test binaries in the initramfs"; status_line 0 1 0; } >"$port"
	/nestbox/qemu/guest-exit 1
	exit 1
fi
echo "TAP version 13" >"$port"
NBT_EXCLUDE=$(cat /nestbox/exclude 2>/dev/null)
export NBT_EXCLUDE
# tee streams each test's output as it ends, so the host can show which test runs.
sh /nestbox/run.sh "$@" 2>&1 | tee /tmp/suite.out >"$port"
totals=$(tail -n 1 /tmp/suite.out)
p=$(echo "$totals" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1/p')
f=$(echo "$totals" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\2/p')
s=$(echo "$totals" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\3/p')
[ -n "$p" ] || { p=0 f=1 s=0; echo "not ok - run.sh printed no totals"; } >"$port"
status_line "$p" "$f" "$s" >"$port"
sync
/nestbox/qemu/guest-exit $([ "$f" -eq 0 ] && echo 0 || echo 1)
