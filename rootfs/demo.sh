#!/bin/sh
# make demo: one busybox container showing what nestbox does — its own PID 1 (the reaper), its
# own hostname, and an overlay root whose changes land in an upper layer, never in the rootfs.
set -eu
nestbox=${1:?usage: demo.sh NESTBOX ROOTFS}
rootfs=$(cd "${2:?}" && pwd)
demo=$(cd "$(dirname "$nestbox")" && pwd)/demo
rm -rf "$demo"
mkdir -p "$demo/upper" "$demo/work"

echo "== nestbox run --rootfs $rootfs --upper $demo/upper --work $demo/work --hostname demo -- sh -c ..."
"$nestbox" run --rootfs "$rootfs" --upper "$demo/upper" --work "$demo/work" --hostname demo -- sh -c '
	echo "inside:  my pid is $$, hostname $(hostname)"
	echo "inside:  processes in this pid namespace:"; ps -o pid,comm | sed "s/^/         /"
	echo "hello from the container" > /hello.txt
	rm /etc/motd
	echo "inside:  wrote /hello.txt, removed /etc/motd; / now has: $(ls / | tr "\n" " ")"
'
echo "== after exit, on the host:"
echo "host:    upper layer holds: $(cd "$demo/upper" && find . -mindepth 1 | sort | tr '\n' ' ')"
ls -l "$demo/upper/etc/motd" | sed 's/^/host:    whiteout: /'
echo "host:    the rootfs still has etc/motd: $(cat "$rootfs/etc/motd")"
echo "host:    hostname is still $(hostname)"
