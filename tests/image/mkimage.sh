#!/bin/sh
# Build the two OCI images from scratch, without a daemon (issue 9):
#   OUT/nestbox-init/           OCI image layout: only /nestbox-init, ENTRYPOINT ["/nestbox-init","--"]
#   OUT/nestbox/                OCI image layout: busybox, nestbox, nestbox-init, /rootfs to run
#   OUT/<name>.docker.tar       the same image as a docker-archive (docker load / podman load)
#
# Reproducible: every tar is written from a sorted file list with a fixed mtime, uid/gid 0 and no
# user names, no atime/ctime pax records; gzip -n stores no name or time; the config's dates are
# SOURCE_DATE_EPOCH (default 0). The same inputs give byte-identical blobs.
#
# Environment: NESTBOX, NESTBOX_INIT (binaries), MKROOTFS (rootfs/mkrootfs.sh), BUSYBOX (the
# rootfs's busybox, the target architecture's: mkrootfs.sh), IMAGE_VERSION, IMAGE_SOURCE,
# IMAGE_TAG (default latest), IMAGE_ARCH (default: from nestbox's ELF header), IMAGE_VARIANT
# (default v7 for arm: what make ARCH=armv7 builds), SOURCE_DATE_EPOCH.
# tests/image/mkindex.sh joins the layouts of several architectures under one image index.
set -eu
out=${1:?usage: mkimage.sh OUTDIR}
: "${NESTBOX:?}" "${NESTBOX_INIT:?}" "${MKROOTFS:?}"
version=${IMAGE_VERSION:-unknown}
source=${IMAGE_SOURCE:-nestbox}
tag=${IMAGE_TAG:-latest}
epoch=${SOURCE_DATE_EPOCH:-0}
umask 022
export LC_ALL=C

# The OCI architecture of the binary actually built (ELF e_machine), so a cross build is labelled
# right without being told.
elf_arch() {
	m=$(od -An -tu2 -j18 -N2 "$1" | tr -d ' ')
	case $m in
	62) echo amd64 ;; 183) echo arm64 ;; 40) echo arm ;; 3) echo 386 ;;
	243) echo riscv64 ;; 21) echo ppc64le ;; 22) echo s390x ;;
	*) echo "mkimage: $1: unknown ELF machine $m" >&2; exit 1 ;;
	esac
}
arch=${IMAGE_ARCH:-$(elf_arch "$NESTBOX")}
# The image spec's platform variant: arm needs one (v6, v7, v8 are all e_machine 40).
variant=${IMAGE_VARIANT:-}
[ -n "$variant" ] || [ "$arch" != arm ] || variant=v7
platform="\"architecture\":\"$arch\"${variant:+,\"variant\":\"$variant\"},\"os\":\"linux\""
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

# tar DIR to FILE: names without "./", sorted, owner 0:0 numeric, one fixed mtime.
reproducible_tar() {
	(cd "$1" && find . -mindepth 1 | sed 's,^\./,,' | sort) >"$1.list"
	tar -C "$1" --no-recursion -T "$1.list" -cf "$2" --format=posix \
		--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
		--mtime="@$epoch" --owner=0 --group=0 --numeric-owner
	rm -f "$1.list"
}

# json_array a b c -> ["a","b","c"] (the arguments contain no quote or backslash)
json_array() {
	s=
	for a in "$@"; do s="$s${s:+,}\"$a\""; done
	printf '[%s]' "$s"
}

# mkimage NAME STAGE_DIR ENTRYPOINT_JSON CMD_JSON TITLE
mkimage() {
	name=$1 src=$2 entrypoint=$3 cmd=$4 title=$5
	dir=$out/$name blobs=$out/$name/blobs/sha256 tmp=$out/$name.tmp
	rm -rf "$dir" "$tmp" "$out/$name.docker.tar"
	mkdir -p "$blobs" "$tmp"

	reproducible_tar "$src" "$tmp/layer.tar"
	diff_id=$(sha "$tmp/layer.tar")
	gzip -n -9 -c "$tmp/layer.tar" >"$tmp/layer.tar.gz"
	layer=$(sha "$tmp/layer.tar.gz")
	layer_size=$(size "$tmp/layer.tar.gz")
	mv "$tmp/layer.tar.gz" "$blobs/$layer"

	printf '{"created":"%s",%s,"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Entrypoint":%s,"Cmd":%s,"WorkingDir":"/","Labels":{"org.opencontainers.image.source":"%s","org.opencontainers.image.title":"%s","org.opencontainers.image.version":"%s"}},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"%s","created_by":"nestbox tests/image/mkimage.sh"}]}' \
		"$created" "$platform" "$entrypoint" "$cmd" "$source" "$title" "$version" \
		"$diff_id" "$created" >"$tmp/config.json"
	config=$(sha "$tmp/config.json")
	config_size=$(size "$tmp/config.json")
	cp "$tmp/config.json" "$blobs/$config"

	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
		"$config" "$config_size" "$layer" "$layer_size" >"$tmp/manifest.json"
	manifest=$(sha "$tmp/manifest.json")
	manifest_size=$(size "$tmp/manifest.json")
	mv "$tmp/manifest.json" "$blobs/$manifest"

	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{%s},"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
		"$manifest" "$manifest_size" "$platform" "$tag" >"$dir/index.json"
	printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"

	# docker-archive (docker save's format): manifest.json names the config and the
	# uncompressed layer; repositories is the legacy tag -> top layer id map.
	a=$tmp/archive
	mkdir -p "$a/$diff_id"
	mv "$tmp/layer.tar" "$a/$diff_id/layer.tar"
	printf '1.0' >"$a/$diff_id/VERSION"
	printf '{"id":"%s"}' "$diff_id" >"$a/$diff_id/json"
	mv "$tmp/config.json" "$a/$config.json"
	printf '[{"Config":"%s.json","RepoTags":["%s:%s"],"Layers":["%s/layer.tar"]}]' \
		"$config" "$name" "$tag" "$diff_id" >"$a/manifest.json"
	printf '{"%s":{"%s":"%s"}}' "$name" "$tag" "$diff_id" >"$a/repositories"
	reproducible_tar "$a" "$out/$name.docker.tar"
	rm -rf "$tmp"
	echo "mkimage: $dir ($arch${variant:+/$variant}, layer $layer_size bytes compressed), $out/$name.docker.tar"
}

mkdir -p "$out"
stage=$out/stage
rm -rf "$stage"

# nestbox-init: the init alone, a drop-in for tini.
mkdir -p "$stage/init"
cp "$NESTBOX_INIT" "$stage/init/nestbox-init"
chmod 0755 "$stage/init/nestbox-init"
mkimage nestbox-init "$stage/init" '["/nestbox-init","--"]' "null" nestbox-init

# nestbox: a busybox root with nestbox, and /rootfs (busybox again, hard links, so it costs only
# tar headers) for the containers it starts; nestbox is in /rootfs too, for deeper nesting.
root=$stage/nestbox
sh "$MKROOTFS" "$root" >/dev/null
sh "$MKROOTFS" "$root/rootfs" >/dev/null
ln -f "$root/bin/busybox" "$root/rootfs/bin/busybox"
cp "$NESTBOX" "$root/usr/bin/nestbox"
chmod 0755 "$root/usr/bin/nestbox"
ln -f "$root/usr/bin/nestbox" "$root/rootfs/usr/bin/nestbox"
cp "$NESTBOX_INIT" "$root/nestbox-init"
mkimage nestbox "$root" '["/nestbox-init","--"]' \
	"$(json_array /usr/bin/nestbox run --net host --rootfs /rootfs -- /bin/sh)" nestbox
rm -rf "$stage"
