#!/bin/sh
# Run kselftest-harness binaries, show their TAP, and total them up. Judged by the TAP's
# "# Totals:" line, not by exit codes alone: a binary that dies before printing its totals
# counts as one failure. Works under busybox sh (inside the QEMU VMs) as under bash.
# Ends with the line "N passed, N failed, N skipped"; exits non-zero when anything failed.
# NBT_EXCLUDE: test names left out of every binary (the harness's -T NAME), listed first: the
# QEMU VMs of an emulated architecture leave out tests that only time out there.
pass=0 fail=0 skip=0
log=${TMPDIR:-/tmp}/nestbox-run.$$
exclude=
for n in ${NBT_EXCLUDE:-}; do
	exclude="$exclude -T $n"
done
[ -z "$exclude" ] || echo "# not run here (NBT_EXCLUDE): ${NBT_EXCLUDE}"
for t in "$@"; do
	[ -x "$t" ] || { echo "not ok - $t: not built"; fail=$((fail + 1)); continue; }
	echo "# === $t"
	# shellcheck disable=SC2086 # a word list
	"$t" $exclude >"$log" 2>&1
	rc=$?
	cat "$log"
	totals=$(grep '^# Totals:' "$log" | tail -n 1)
	if [ -z "$totals" ]; then
		echo "not ok - $t exited $rc without a Totals line"
		fail=$((fail + 1))
		continue
	fi
	p=$(echo "$totals" | sed -n 's/.* pass:\([0-9]*\).*/\1/p')
	f=$(echo "$totals" | sed -n 's/.* fail:\([0-9]*\).*/\1/p')
	s=$(echo "$totals" | sed -n 's/.* skip:\([0-9]*\).*/\1/p')
	e=$(echo "$totals" | sed -n 's/.* error:\([0-9]*\).*/\1/p')
	pass=$((pass + p)) fail=$((fail + f + ${e:-0})) skip=$((skip + s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && [ "${e:-0}" -eq 0 ]; then
		echo "not ok - $t exited $rc though its totals show no failure"
		fail=$((fail + 1))
	fi
done
rm -f "$log"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
