#!/bin/sh
# make client-test (issue 22): the real clients drive nestbox: containerd (containerd.sh) and
# podman (podman.sh), each against runc too. Ends with one line adding both up, "N passed,
# N failed, N skipped" (tests/check.sh's phase reads it); exits non-zero if anything failed,
# and a part that dies without counting a failure counts as one.
# usage: client-test.sh NESTBOX ROOTFS
set -u
dir=$(dirname "$0")
pass=0 fail=0 skip=0 status=0
for part in containerd podman; do
	echo "# === $part"
	out=$(sh "$dir/$part.sh" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' | tail -n 1)
	p=$(echo "$line" | cut -d' ' -f1) f=$(echo "$line" | cut -d' ' -f3) s=$(echo "$line" | cut -d' ' -f5)
	p=${p:-0} f=${f:-0} s=${s:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $part exited $rc with no failure counted"
		f=1
	fi
	[ "$rc" -eq 0 ] || status=1
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done
echo "$pass passed, $fail failed, $skip skipped"
exit $status
