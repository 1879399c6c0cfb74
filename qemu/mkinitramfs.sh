#!/bin/sh
# Build a test VM's initramfs (cpio newc, gzip):
#   /init                   nestbox (boot mode as PID 1); /bin/nestbox links to it
#   /bin/busybox + links    the VM's userland
#   /nestbox/rootfs         the busybox test rootfs (make rootfs)
#   /nestbox/tests, helpers, nestbox-init, run.sh   the native suite (QEMU_TESTS: a subset)
#   /nestbox/qemu           the guest scripts and guest-exit
#   /lib/modules/*.ko       the kernel's modules (fetch-kernel.sh)
#   /etc/nestbox/boot.conf  loads the modules, runs the suite; boot-mode.conf: the boot-mode VM;
#                           watchdog.conf: the watchdog VM; probe.conf: powers off at once (KVM probe)
#   /init-faults            the test build (build/nestbox-faults, with the watchdog's hang switch),
#                           PID 1 of the watchdog VM (rdinit=/init-faults)
# Usage: mkinitramfs.sh KERNEL_DIR OUT.cpio.gz [NESTBOX_BINARY]   (from the repo's top directory)
set -eu
kdir=${1:?usage: mkinitramfs.sh KERNEL_DIR OUT.cpio.gz [NESTBOX]}
out=${2:?usage: mkinitramfs.sh KERNEL_DIR OUT.cpio.gz [NESTBOX]}
nestbox=${3:-build/nestbox}
build=${BUILD:-build}
# BUSYBOX: the VM's userland, the target architecture's busybox-static (make ARCH=...); its
# applet list from the host's (the same Debian package) when it cannot run here.
busybox=${BUSYBOX:-/bin/busybox}
case $busybox in /*) ;; *) busybox=$PWD/$busybox ;; esac

for f in "$nestbox" "$build/nestbox-init" "$build/rootfs/bin/busybox" "$build/qemu/guest-exit" \
	"$kdir/modules.load" "$busybox"; do
	[ -e "$f" ] || { echo "mkinitramfs: $f missing" >&2; exit 1; }
done
root=$out.d
rm -rf "$root"
mkdir -p "$root"
trap 'rm -rf "$root"' EXIT
(
	cd "$root"
	mkdir -p bin sbin usr/bin usr/sbin etc/nestbox lib/modules proc sys dev run root \
		nestbox/tests nestbox/helpers nestbox/qemu tmp
	chmod 1777 tmp
	# The kernel opens /dev/console for init only when the initramfs has the node.
	mknod -m 600 dev/console c 5 1
	cp "$busybox" bin/busybox
	for applet in $(bin/busybox --list-full 2>/dev/null || /bin/busybox --list-full); do
		[ "$applet" = bin/busybox ] || ln -sf /bin/busybox "$applet"
	done
)
cp "$nestbox" "$root/init"
ln -sf /init "$root/bin/nestbox"
[ -x "$build/nestbox-faults" ] && cp "$build/nestbox-faults" "$root/init-faults"
cp -a "$build/rootfs" "$root/nestbox/rootfs"
rm -f "$root/nestbox/rootfs/.stamp"
cp "$build/rootfs/etc/passwd" "$build/rootfs/etc/group" "$root/etc/"
cp "$build/nestbox-init" "$root/nestbox/"
cp tests/run.sh "$root/nestbox/run.sh"
# QEMU_TESTS: the test binaries to take (names, e.g. "test_run test_arch"); empty: all of them.
# QEMU_EXCLUDE: test names the suite VM leaves out (suite.sh passes them to run.sh).
echo "${QEMU_EXCLUDE:-}" >"$root/nestbox/exclude"
for t in "$build"/tests/test_*; do
	case " ${QEMU_TESTS:-${t##*/}} " in *" ${t##*/} "*) ;; *) continue ;; esac
	[ -x "$t" ] && cp "$t" "$root/nestbox/tests/"
done
for h in "$build"/helpers/*; do
	[ -f "$h" ] && cp "$h" "$root/nestbox/helpers/"
done
cp qemu/guest/*.sh "$build/qemu/guest-exit" "$root/nestbox/qemu/"

mods=$root/nestbox/modules.conf
: >"$mods"
while read -r m; do
	cp "$kdir/modules/$m.ko" "$root/lib/modules/"
	echo "module /lib/modules/$m.ko" >>"$mods"
done <"$kdir/modules.load"
# The watchdog VM: i6300esb where the kernel has it (QEMU's -device i6300esb), else softdog.
wd=$root/nestbox/watchdog.conf
: >"$wd"
for m in i6300esb softdog; do
	grep -qx "$m" "$kdir/modules.extra" 2>/dev/null || continue
	# its dependencies (the watchdog core) come first in modules.extra; the other driver not
	for d in $(grep -vxE 'i6300esb|softdog' "$kdir/modules.extra") $m; do
		cp "$kdir/modules/$d.ko" "$root/lib/modules/"
		echo "module /lib/modules/$d.ko" >>"$wd"
	done
	break
done
for c in suite boot-mode watchdog; do
	conf=boot.conf
	[ $c = suite ] || conf=$c.conf
	sed -e "/^@MODULES@\$/{r $mods" -e 'd;}' -e "/^@WATCHDOG_MODULE@\$/{r $wd" -e 'd;}' \
		"qemu/guest/$c.conf" >"$root/etc/nestbox/$conf"
	cp "$root/etc/nestbox/$conf" "$(dirname "$out")/" # the host checks line numbers in it
done
echo "run probe on-exit=poweroff -- /bin/true" >"$root/etc/nestbox/probe.conf"
rm -f "$mods" "$wd"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -6 >"$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitramfs: $out ($(($(stat -c %s "$out") / 1024)) KiB, $(ls "$root/nestbox/tests" | wc -l) test binaries)"
