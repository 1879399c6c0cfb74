#!/bin/sh
# Assemble the busybox test rootfs: /bin/busybox (Debian's busybox-static), one link per applet,
# a minimal /etc, and the empty mount points the runtime fills (/proc /sys /dev /tmp).
set -eu
dest=${1:?usage: mkrootfs.sh DEST}
# BUSYBOX: another architecture's busybox-static (make ARCH=...); its applet list comes from the
# host's, the same Debian package, when the target's binary cannot run here.
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || { echo "mkrootfs: $busybox missing: run make deps (busybox-static)" >&2; exit 1; }
case $busybox in /*) ;; *) busybox=$PWD/$busybox ;; esac
applets() { "$busybox" --list-full 2>/dev/null || /bin/busybox --list-full; }

rm -rf "$dest"
mkdir -p "$dest"
cd "$dest"
mkdir -p bin sbin usr/bin usr/sbin etc root proc sys dev tmp var/tmp mnt run
chmod 1777 tmp var/tmp
chmod 700 root
cp "$busybox" bin/busybox
for applet in $(applets); do
	[ "$applet" = bin/busybox ] && continue
	mkdir -p "$(dirname "$applet")"
	ln -sf /bin/busybox "$applet"
done
cat >etc/passwd <<'P'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
user:x:1000:1000:user:/tmp:/bin/sh
P
cat >etc/group <<'G'
root:x:0:
daemon:x:1:
tty:x:5:
nogroup:x:65534:
user:x:1000:
G
echo "nestbox busybox rootfs" >etc/motd
