#!/bin/sh
# Bench VM "tests": some test binaries (arguments) with the test build as NESTBOX_FAULTS (set by
# lib.sh), TAP to the results port: the v2 race tests that a hybrid host cannot run, without the
# whole suite.
. /nestbox/qemu/lib.sh
port=$(results_port) || { echo "bench-tests: no results port" >/dev/console; exit 1; }
cd /tmp || exit 1
echo "TAP version 13" >"$port"
sh /nestbox/run.sh "$@" 2>&1 | tee /tmp/tests.out >"$port"
echo "# nestbox-qemu: totals $(tail -n 1 /tmp/tests.out)" >"$port"
sync
/nestbox/qemu/guest-exit 0
