#!/bin/sh
# Fetch Debian's newest cloud kernel of one series (6.1 or 6.12) for one architecture (DEB_ARCH:
# amd64, the default, or arm64; armhf: the armmp kernel) with apt-get download, and cache under BUILD_DIR/kernels/VERSION/:
#   vmlinuz           the kernel
#   modules/NAME.ko   overlay, veth, bridge, virtio_pci, virtio_console (results port) and their dependencies (.modinfo),
#                     decompressed: busybox insmod and finit_module without MODULE_INIT_COMPRESSED_FILE
#                     cannot load .ko.xz
#   modules.load      their names in load order (dependencies first), one per line
#   modules.extra     the watchdog drivers there are (i6300esb, softdog): taken, loaded by no VM but
#                     the watchdog VM
#   package           the Debian package and version it came from
# Usage: fetch-kernel.sh VERSION [BUILD_DIR]
set -eu
ver=${1:?usage: fetch-kernel.sh VERSION [BUILD_DIR]}
build=${2:-build}
arch=${DEB_ARCH:-amd64}
# The flavour: Debian's cloud kernels for amd64 and arm64; armhf has none, its armmp kernel
# boots QEMU's -M virt.
case $arch in
amd64 | arm64) flavour=cloud-$arch ;;
armhf) flavour=armmp ;;
*) echo "fetch-kernel: no kernel for DEB_ARCH '$arch' (amd64, arm64, armhf)" >&2; exit 2 ;;
esac
want_mods="overlay veth bridge virtio_pci virtio_console"
# Taken but not loaded by every VM (modules.extra): the watchdog VM loads the one there is.
extra_mods="i6300esb softdog"

available() {
	apt-cache pkgnames linux-image- 2>/dev/null |
		sed -n 's/^linux-image-\([0-9]*\.[0-9]*\)[.-].*-'"$flavour"'\(-unsigned\)\{0,1\}$/\1/p' |
		sort -uV | tr '\n' ' '
}

case $ver in
*[!0-9.]* | '') echo "fetch-kernel: bad version '$ver'" >&2; exit 2 ;;
esac
re=$(echo "$ver" | sed 's/\./\\./g')
pkg=$(apt-cache pkgnames linux-image- 2>/dev/null |
	grep -E "^linux-image-$re[.-][0-9][^ ]*-$flavour(-unsigned)?\$" | grep -v -- -rt- |
	sed 's/-unsigned$//' | sort -uV | tail -n 1)
if [ -z "$pkg" ]; then
	echo "fetch-kernel: no Debian cloud kernel for '$ver'; versions that can be had: $(available)" >&2
	exit 2
fi
# Prefer the -unsigned package when there is one: same kernel, no signature wrapper.
if apt-cache show "$pkg-unsigned" >/dev/null 2>&1; then
	pkg=$pkg-unsigned
fi

dir=$build/kernels/$ver
if [ -f "$dir/package" ] && [ "$(sed -n 1p "$dir/package")" = "$pkg" ] && [ -f "$dir/vmlinuz" ] &&
	[ -f "$dir/modules.extra" ]; then
	exit 0 # cached
fi
echo "fetch-kernel: $ver -> $pkg"
mkdir -p "$build/deb"
deb=$(ls "$build"/deb/"${pkg}"_*.deb 2>/dev/null | tail -n 1 || true)
if [ -z "$deb" ]; then
	(cd "$build/deb" && apt-get download "$pkg" >/dev/null) ||
		(apt-get update -qq && cd "$build/deb" && apt-get download "$pkg" >/dev/null)
	deb=$(ls "$build"/deb/"${pkg}"_*.deb | tail -n 1)
fi

tmp=$build/kernels/.tmp.$$
trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp" "$dir"
mkdir -p "$tmp" "$dir/modules"
dpkg-deb -x "$deb" "$tmp"
cp "$(ls "$tmp"/boot/vmlinuz-* | head -n 1)" "$dir/vmlinuz"
# arm64's vmlinuz is a gzip'd Image: QEMU 7.2's -kernel does not unpack it for -M virt.
if [ "$(head -c 2 "$dir/vmlinuz" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then
	gzip -dc "$dir/vmlinuz" >"$dir/Image" && mv "$dir/Image" "$dir/vmlinuz"
fi
moddir=$(ls -d "$tmp"/lib/modules/* | head -n 1)

# The .deb has no modules.dep (depmod makes it at install time, and kmod may not be here): take
# each module's "depends=" from its .modinfo section instead. Dependencies go before dependents.
find "$moddir/kernel" -name '*.ko*' >"$tmp/all"
order=$dir/modules.load
: >"$order"
modpath() { # modpath NAME: the file of module NAME (names use _ where files may use -)
	grep -E "/$(echo "$1" | sed 's/[-_]/[-_]/g')\.ko(\.xz|\.zst|\.gz)?\$" "$tmp/all" | head -n 1
}
modinfo_depends() { # modinfo_depends FILE
	case $1 in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -qdc "$1" ;;
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac | tr '\0' '\n' | sed -n 's/^depends=//p' | head -n 1 | tr ',' ' '
}
add() { # add NAME
	grep -qx "$1" "$order" && return 0
	p=$(modpath "$1")
	if [ -z "$p" ]; then
		# Built in (=y): nothing to load.
		grep -qE "/$1\.ko" "$moddir/modules.builtin" 2>/dev/null ||
			echo "fetch-kernel: $ver: module $1 neither a module nor built in" >&2
		return 0
	fi
	for d in $(modinfo_depends "$p"); do
		add "$d"
	done
	p=$(modpath "$1") # sh has no locals: the recursion reused $p
	name=$(basename "$p")
	case $name in
	*.ko.xz) xz -dc "$p" >"$dir/modules/$1.ko" ;;
	*.ko.zst) zstd -qdc "$p" >"$dir/modules/$1.ko" ;;
	*.ko.gz) gzip -dc "$p" >"$dir/modules/$1.ko" ;;
	*) cp "$p" "$dir/modules/$1.ko" ;;
	esac
	echo "$1" >>"$order"
}
for m in $want_mods; do
	add "$m"
done
final=$order
order=$dir/modules.extra
: >"$order"
for m in $extra_mods; do
	add "$m" 2>/dev/null
done
order=$final
printf '%s\n%s\n' "$pkg" "$(basename "$deb")" >"$dir/package"
echo "fetch-kernel: $ver: $(basename "$deb"): modules $(tr '\n' ' ' <"$order")"
