#!/bin/sh
# Join the single-architecture OCI layouts that mkimage.sh wrote (one directory per
# architecture: build/image, build/aarch64/image, ...) into multi-architecture ones (issue 24):
#   OUT/<name>/index.json          one descriptor, the tag (org.opencontainers.image.ref.name),
#                                  of an image index blob
#   OUT/<name>/blobs/sha256/...    that image index, listing one manifest per architecture with
#                                  its platform (architecture, variant, os), and every
#                                  architecture's manifest, config and layer
# as docker buildx's and podman manifest's OCI output do: a client picks the manifest of its
# platform (skopeo --override-arch, podman pull --platform). Built from the layouts' own
# index.json (mkimage.sh's fixed format: no jq needed), in the order given, so the same layouts
# give a byte-identical index.
# usage: mkindex.sh OUT LAYOUT_DIR...   (IMAGE_TAG: the tag, default latest)
set -eu
out=${1:?usage: mkindex.sh OUT LAYOUT_DIR...}
shift
[ $# -gt 0 ] || { echo "usage: mkindex.sh OUT LAYOUT_DIR..." >&2; exit 2; }
tag=${IMAGE_TAG:-latest}
umask 022
export LC_ALL=C

sha() { sha256sum "$1" | cut -d' ' -f1; }

# descriptor INDEX_JSON: mkimage.sh's one manifest descriptor without its annotations:
# {"mediaType":...,"digest":...,"size":N,"platform":{...}}
descriptor() {
	d=$(sed -n 's/.*"manifests":\[\({"mediaType":"application\/vnd\.oci\.image\.manifest\.v1+json","digest":"sha256:[0-9a-f]*","size":[0-9]*,"platform":{[^}]*}\).*/\1}/p' "$1")
	[ -n "$d" ] || { echo "mkindex: $1: no manifest descriptor with a platform" >&2; exit 1; }
	echo "$d"
}

for name in nestbox-init nestbox; do
	dir=$out/$name
	rm -rf "$dir"
	mkdir -p "$dir/blobs/sha256"
	list='' platforms=''
	for layout in "$@"; do
		src=$layout/$name
		[ -f "$src/index.json" ] || { echo "mkindex: $src/index.json missing (make image)" >&2; exit 1; }
		d=$(descriptor "$src/index.json")
		case $list in *"$d"*) echo "mkindex: $src: the same manifest twice" >&2; exit 1 ;; esac
		list="$list${list:+,}$d"
		platforms="$platforms $(echo "$d" | sed 's/.*"architecture":"\([^"]*\)"\(,"variant":"\([^"]*\)"\)\{0,1\}.*/\1\/\3/; s/\/$//')"
		cp "$src"/blobs/sha256/* "$dir/blobs/sha256/"
	done
	tmp=$dir/index.tmp
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s]}' \
		"$list" >"$tmp"
	digest=$(sha "$tmp")
	size=$(stat -c %s "$tmp")
	mv "$tmp" "$dir/blobs/sha256/$digest"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
		"$digest" "$size" "$tag" >"$dir/index.json"
	printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
	echo "mkindex: $dir:$tag, image index of$platforms"
done
