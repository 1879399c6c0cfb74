#!/bin/sh
# mkbusybox.sh ROOTFS OUT.tar [NAME:TAG]: a one-layer docker-archive (docker save's format, which
# `ctr images import` and `podman load` both read) of the busybox ROOTFS that make rootfs builds,
# so the client tests need no registry. The layer is the rootfs as it is (numeric owner 0:0).
set -eu
rootfs=${1:?usage: mkbusybox.sh ROOTFS OUT.tar [NAME:TAG]}
out=${2:?}
ref=${3:-localhost/nestbox-busybox:latest}
case $(uname -m) in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; armv7l) arch=arm ;; *) arch=$(uname -m) ;; esac
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tar -C "$rootfs" -cf "$tmp/layer.tar" --owner=0 --group=0 --numeric-owner .
diff_id=$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)
mkdir "$tmp/a" "$tmp/a/$diff_id"
mv "$tmp/layer.tar" "$tmp/a/$diff_id/layer.tar"
printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
	"$arch" "$diff_id" >"$tmp/config.json"
config=$(sha256sum "$tmp/config.json" | cut -d' ' -f1)
mv "$tmp/config.json" "$tmp/a/$config.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' \
	"$config" "$ref" "$diff_id" >"$tmp/a/manifest.json"
tar -C "$tmp/a" -cf "$out" --owner=0 --group=0 --numeric-owner .
