#!/bin/sh
# make image-test (issue 9): the images `make image` wrote to DIR, checked with Debian's skopeo,
# umoci and runc, never a container daemon.
#   - skopeo reads both OCI layouts and both docker-archives; architecture, OS, labels, no
#     build-machine environment or path; a docker-archive copied to OCI has the same config
#   - every tar entry is owned 0:0 with no user names and the fixed mtime
#   - umoci unpacks both into runtime bundles with the right files and process
#   - a second build gives byte-identical blobs and archives
#   - size goals
#   - nestbox inside runc (least privilege: see the caps below) starts a busybox container; with
#     one capability fewer it says which one is missing
#   - the multi-architecture index (MULTI_DIR, IMAGE_ARCHS): each platform listed, each config's
#     architecture, the ELF machine of each layer's binaries, skopeo's pick per platform
# TAP-like output, "N passed, N failed, N skipped" at the end; exits non-zero on any failure.
# The environment is the one mkimage.sh got (image.mk passes it), plus the two size goals.
set -u
dir=$(cd "${1:?usage: image-test.sh IMAGE_DIR}" && pwd) || exit 1
tag=${IMAGE_TAG:-latest}
export LC_ALL=C
pass=0 fail=0 skip=0 n=0
work=$(mktemp -d /tmp/nestbox-image-test.XXXXXX)
runc_root=$work/runc-state
cid=nestbox-image-test-$$

cleanup() {
	if command -v runc >/dev/null 2>&1; then
		runc --root "$runc_root" delete -f "$cid" >/dev/null 2>&1
	fi
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"; [ -z "${2:-}" ] || echo "$2" | sed 's/^/#   /'; }
skip() { n=$((n + 1)); skip=$((skip + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { # check DESCRIPTION COMMAND...: ok when the command succeeds, else its output
	d=$1; shift
	if out=$("$@" 2>&1); then ok "$d"; else not_ok "$d" "$out"; fi
}

have() { command -v "$1" >/dev/null 2>&1; }
expected_arch=${IMAGE_ARCH:-}
if [ -z "$expected_arch" ]; then
	case $(uname -m) in x86_64) expected_arch=amd64 ;; aarch64) expected_arch=arm64 ;; *) expected_arch=$(uname -m) ;; esac
fi

# --- skopeo: the OCI layouts and docker-archives -----------------------------------------------
config_ok() { # config_ok JSON NAME: what the issue asks of the image config
	echo "$1" | jq -e --arg a "$expected_arch" --arg v "${IMAGE_VERSION:-unknown}" --arg t "$2" '
		.architecture == $a and .os == "linux" and
		.config.Labels["org.opencontainers.image.version"] == $v and
		(.config.Labels["org.opencontainers.image.source"] | length > 0) and
		.config.Labels["org.opencontainers.image.title"] == $t and
		.config.Env == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] and
		.config.Entrypoint == ["/nestbox-init", "--"]' >/dev/null || { echo "$1"; return 1; }
	# Nothing of the build machine: its directories, or its host name as a value.
	for leak in "$(pwd)" "$dir" "$HOME/" "\"$(hostname)\"" "=$(hostname)"; do
		case $1 in *"$leak"*) echo "config mentions '$leak': $1"; return 1 ;; esac
	done
}

for name in nestbox-init nestbox; do
	if ! have skopeo || ! have jq; then
		skip "$name: skopeo inspect" "skopeo or jq is not installed (make image-deps)"
		continue
	fi
	if cfg=$(skopeo inspect --config "oci:$dir/$name:$tag" 2>&1) && out=$(config_ok "$cfg" "$name"); then
		ok "$name: skopeo inspect oci: $expected_arch/linux, labels, PATH only, ENTRYPOINT nestbox-init"
	else
		not_ok "$name: skopeo inspect oci:" "${out:-$cfg}"
	fi
	if acfg=$(skopeo inspect --config "docker-archive:$dir/$name.docker.tar" 2>&1) &&
		[ "$(echo "$acfg" | jq -S .)" = "$(echo "$cfg" | jq -S .)" ]; then
		ok "$name: skopeo inspect docker-archive: the same config"
	else
		not_ok "$name: skopeo inspect docker-archive:" "$acfg"
	fi
	# What docker load / podman load do with it: read manifest.json, take the layers.
	rm -rf "$work/copy"
	if out=$(skopeo copy -q "docker-archive:$dir/$name.docker.tar" "oci:$work/copy:$tag" 2>&1) &&
		[ "$(skopeo inspect --config "oci:$work/copy:$tag" | jq -c .rootfs)" = "$(echo "$cfg" | jq -c .rootfs)" ]; then
		ok "$name: skopeo copy docker-archive -> oci keeps the layer (same diff_id)"
	else
		not_ok "$name: skopeo copy docker-archive -> oci" "$out"
	fi
	tags=$(tar -xOf "$dir/$name.docker.tar" manifest.json | jq -r '.[0].RepoTags[0]')
	check "$name: docker-archive tagged $name:$tag" [ "$tags" = "$name:$tag" ]
done

# --- tar hygiene: 0:0, no names, one mtime ---------------------------------------------------
layer_of() { # the layer blob of an OCI layout
	m=$(jq -r '.manifests[0].digest' "$dir/$1/index.json" | cut -d: -f2)
	l=$(jq -r '.layers[0].digest' "$dir/$1/blobs/sha256/$m" | cut -d: -f2)
	echo "$dir/$1/blobs/sha256/$l"
}
for name in nestbox-init nestbox; do
	have jq || { skip "$name: layer tar entries" "jq is not installed"; continue; }
	layer=$(layer_of "$name")
	bad=$(gzip -dc "$layer" | tar -tv --numeric-owner --full-time |
		awk -v t="$(date -u -d "@${SOURCE_DATE_EPOCH:-0}" '+%Y-%m-%d %H:%M:%S')" \
			'$2 != "0/0" || ($4 " " $5) != t')
	names=$(gzip -dc "$layer" | tar -tv | awk '$2 != "0/0"')
	pax=$(gzip -dc "$layer" | strings | grep -E '[0-9]+ (atime|ctime)=' | head -n 3)
	if [ -z "$bad$names$pax" ]; then
		ok "$name: layer entries 0:0, no user names, one mtime, no atime/ctime"
	else
		not_ok "$name: layer tar entries" "$bad$names$pax"
	fi
done

# --- umoci: unpack into bundles --------------------------------------------------------------
if have umoci && have jq; then
	if out=$(umoci unpack --image "$dir/nestbox-init:$tag" "$work/init-bundle" 2>&1) &&
		[ "$(cd "$work/init-bundle/rootfs" && find . -type f)" = "./nestbox-init" ] &&
		[ "$(jq -c .process.args "$work/init-bundle/config.json")" = '["/nestbox-init","--"]' ]; then
		ok "nestbox-init: umoci unpack: /nestbox-init alone, args [/nestbox-init, --]"
	else
		not_ok "nestbox-init: umoci unpack" "$out"
	fi
	if out=$(umoci unpack --image "$dir/nestbox:$tag" "$work/bundle" 2>&1) &&
		[ -x "$work/bundle/rootfs/usr/bin/nestbox" ] && [ -x "$work/bundle/rootfs/nestbox-init" ] &&
		[ -x "$work/bundle/rootfs/rootfs/bin/busybox" ] && [ -x "$work/bundle/rootfs/bin/sh" ]; then
		ok "nestbox: umoci unpack: nestbox, nestbox-init, busybox and /rootfs"
	else
		not_ok "nestbox: umoci unpack" "$out"
	fi
else
	skip "umoci unpack" "umoci or jq is not installed (make image-deps)"
fi

# --- reproducible: a second build is byte-identical ------------------------------------------
if out=$(sh "$(dirname "$0")/mkimage.sh" "$work/again" 2>&1); then
	diffs=
	for f in $(cd "$dir" && find nestbox-init nestbox -type f; ls ./*.docker.tar); do
		cmp -s "$dir/$f" "$work/again/$f" || diffs="$diffs $f"
	done
	extra=$(cd "$work/again" && find nestbox-init nestbox -type f | while read -r f; do
		[ -e "$dir/$f" ] || echo "$f"; done)
	if [ -z "$diffs$extra" ]; then
		ok "reproducible: a second build gives byte-identical blobs, index and archives"
	else
		not_ok "reproducible" "differ:$diffs $extra"
	fi
else
	not_ok "reproducible: second build" "$out"
fi

# --- sizes -----------------------------------------------------------------------------------
if have jq; then
	init_layer=$(stat -c %s "$(layer_of nestbox-init)")
	total=0
	for f in "$dir"/nestbox/blobs/sha256/*; do total=$((total + $(stat -c %s "$f"))); done
	check "size: nestbox-init layer $init_layer bytes compressed <= ${INIT_IMAGE_BUDGET:-16384}" \
		[ "$init_layer" -le "${INIT_IMAGE_BUDGET:-16384}" ]
	check "size: nestbox image $total bytes compressed <= ${NESTBOX_IMAGE_BUDGET:-1572864}" \
		[ "$total" -le "${NESTBOX_IMAGE_BUDGET:-1572864}" ]
fi

# --- the multi-architecture index (issue 24) ---------------------------------------------------
# MULTI_DIR/<name>: index.json tags one image index; that index lists one manifest per
# architecture of IMAGE_ARCHS (in that order) with its platform; each manifest's config says the
# same architecture, and the binaries in its layer are ELF files of that machine. Every blob is
# what its name says (sha256) and every descriptor's size is the blob's; the index is the
# per-architecture layouts' own manifests (IMAGE_LAYOUTS), rebuilt byte for byte.
platform_of() { # x86_64 -> amd64, aarch64 -> arm64, armv7 -> arm/v7 (OCI architecture/variant)
	case $1 in x86_64) echo amd64 ;; aarch64) echo arm64 ;; armv7) echo arm/v7 ;; *) echo "$1" ;; esac
}
elf_of() { # the e_machine and ELF class an OCI platform's binaries have: "62 2" (x86-64, 64 bits)
	case $1 in amd64) echo "62 2" ;; arm64) echo "183 2" ;; arm/v7) echo "40 1" ;; *) echo "? ?" ;; esac
}
blob() { echo "$1/blobs/sha256/${2#sha256:}"; }
# blobs_ok LAYOUT: every blob's sha256 is its name
blobs_ok() {
	for f in "$1"/blobs/sha256/*; do
		[ "$(sha256sum "$f" | cut -d' ' -f1)" = "${f##*/}" ] || { echo "${f##*/}: content differs"; return 1; }
	done
}
# descriptor_ok LAYOUT JSON: the blob named by the descriptor JSON is there, of its size
descriptor_ok() {
	f=$(blob "$1" "$(echo "$2" | jq -r .digest)")
	if [ ! -f "$f" ] || [ "$(stat -c %s "$f")" != "$(echo "$2" | jq -r .size)" ]; then
		echo "bad descriptor $2"
		return 1
	fi
}
# layer_elf_ok LAYOUT MANIFEST_DIGEST PLATFORM FILE...: each FILE of the layer is an ELF of PLATFORM
layer_elf_ok() {
	m=$(blob "$1" "$2") want=$(elf_of "$3")
	l=$(blob "$1" "$(jq -r '.layers[0].digest' "$m")")
	shift 3
	# unpacked whole: a hard-linked file's data is on whichever of its names sorts first
	rm -rf "$work/layer"
	mkdir "$work/layer"
	gzip -dc "$l" | tar -xf - -C "$work/layer" || { echo "layer $l does not unpack"; return 1; }
	for f in "$@"; do
		e=$work/layer/$f
		[ -f "$e" ] || { echo "$f: not in the layer"; return 1; }
		[ "$(head -c 4 "$e" | od -An -c | tr -d ' ')" = 177ELF ] || { echo "$f: not ELF"; return 1; }
		got="$(od -An -tu2 -j18 -N2 "$e" | tr -d ' ') $(od -An -tu1 -j4 -N1 "$e" | tr -d ' ')"
		[ "$got" = "$want" ] || { echo "$f: e_machine/class $got, want $want"; return 1; }
	done
}
if [ -z "${MULTI_DIR:-}" ]; then
	skip "multi-architecture index" "MULTI_DIR not set (make image-test sets it)"
elif ! have jq; then
	skip "multi-architecture index" "jq is not installed (make image-deps)"
else
	want_platforms=
	for a in ${IMAGE_ARCHS:-x86_64}; do want_platforms="$want_platforms $(platform_of "$a")"; done
	want_platforms=${want_platforms# }
	for name in nestbox-init nestbox; do
		m=$MULTI_DIR/$name
		top=$(jq -c '[.manifests[] | {mediaType, ref: .annotations["org.opencontainers.image.ref.name"]}]' "$m/index.json" 2>&1)
		check "$name: multiarch index.json tags one image index ($tag)" \
			[ "$top" = "[{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"ref\":\"$tag\"}]" ]
		idx=$(blob "$m" "$(jq -r '.manifests[0].digest' "$m/index.json")")
		got=$(jq -r '[.manifests[].platform | .architecture + (if .variant then "/" + .variant else "" end) +
			(if .os == "linux" then "" else "@" + .os end)] | join(" ")' "$idx" 2>&1)
		check "$name: the image index lists $want_platforms (linux)" [ "$got" = "$want_platforms" ]
		if out=$(blobs_ok "$m" && descriptor_ok "$m" "$(jq -c '.manifests[0]' "$m/index.json")" &&
			jq -c '.manifests[]' "$idx" | while read -r d; do
				descriptor_ok "$m" "$d" || exit 1
				mf=$(blob "$m" "$(echo "$d" | jq -r .digest)")
				descriptor_ok "$m" "$(jq -c .config "$mf")" && descriptor_ok "$m" "$(jq -c '.layers[0]' "$mf")" || exit 1
			done); then
			ok "$name: every blob is its sha256, every descriptor its blob's size"
		else
			not_ok "$name: blobs and descriptors" "$out"
		fi
		files=nestbox-init
		[ "$name" = nestbox ] && files="nestbox-init usr/bin/nestbox bin/busybox rootfs/bin/busybox"
		i=0
		for p in $want_platforms; do
			d=$(jq -c ".manifests[$i]" "$idx")
			i=$((i + 1))
			digest=$(echo "$d" | jq -r .digest)
			cfg=$(blob "$m" "$(jq -r .config.digest "$(blob "$m" "$digest")")")
			cp=$(jq -r '.architecture + (if .variant then "/" + .variant else "" end) + " " + .os' "$cfg")
			check "$name $p: its config says $p linux" [ "$cp" = "$p linux" ]
			# shellcheck disable=SC2086 # files: a word list
			if out=$(layer_elf_ok "$m" "$digest" "$p" $files); then
				ok "$name $p: the layer's $(echo "$files" | sed 's/ /, /g') are ELF for $p (e_machine $(elf_of "$p" | cut -d' ' -f1))"
			else
				not_ok "$name $p: layer binaries" "$out"
			fi
			if have skopeo; then
				variant=
				case $p in */*) variant="--override-variant ${p#*/}" ;; esac
				# shellcheck disable=SC2086 # variant: an option and its value, or nothing
				o=$(skopeo inspect --override-arch "${p%/*}" $variant --config "oci:$m:$tag" 2>&1 |
					jq -r '.architecture + (if .variant then "/" + .variant else "" end)' 2>&1)
				check "$name $p: skopeo picks the $p manifest out of the index" [ "$o" = "$p" ]
			fi
		done
	done
	if [ -n "${IMAGE_LAYOUTS:-}" ]; then
		# shellcheck disable=SC2086 # a word list of directories
		if out=$(IMAGE_TAG=$tag sh "$(dirname "$0")/mkindex.sh" "$work/multi" $IMAGE_LAYOUTS 2>&1) &&
			diffs=$(cd "$MULTI_DIR" && find nestbox-init nestbox -type f | while read -r f; do
				cmp -s "$f" "$work/multi/$f" || echo "$f"; done) && [ -z "$diffs" ] &&
			[ "$(cd "$MULTI_DIR" && find nestbox-init nestbox -type f | wc -l)" = \
				"$(cd "$work/multi" && find nestbox-init nestbox -type f | wc -l)" ]; then
			ok "multiarch: rebuilt from the per-architecture layouts, byte for byte"
		else
			not_ok "multiarch: rebuilt from the per-architecture layouts" "$out ${diffs:-}"
		fi
	fi
fi

# --- nestbox inside runc ---------------------------------------------------------------------
# umoci's config.json is runc's default: caps AUDIT_WRITE, KILL, NET_BIND_SERVICE, no seccomp
# filter, masked and read-only /proc paths, no user namespace. The least nestbox needs on top:
# SYS_ADMIN (namespaces, mounts, pivot_root, sethostname), DAC_OVERRIDE (overlayfs' workdir
# checks) and SETPCAP (cutting the bounding set of its containers). /proc can stay masked: that
# only matters once nestbox makes a user namespace of its own.
RUNC_CAPS='["CAP_SYS_ADMIN","CAP_DAC_OVERRIDE","CAP_SETPCAP"]'
runc_bundle() { # runc_bundle CAPS_JSON SCRIPT: the bundle's config.json for one run
	jq --argjson caps "$1" --arg script "$2" '
		.process.terminal = false |
		.process.args = ["/nestbox-init", "--", "/usr/bin/nestbox", "run", "--net", "host",
			"--rootfs", "/rootfs", "--hostname", "inner", "--", "/bin/sh", "-c", $script] |
		.process.capabilities |= map_values((. + $caps) | unique) |
		.hostname = "outer"' "$work/bundle/config.orig.json" >"$work/bundle/config.json"
}
runc_run() {
	runc --root "$runc_root" run "$cid" </dev/null >"$work/runc.out" 2>"$work/runc.err"
	rc=$?
	runc --root "$runc_root" delete -f "$cid" >/dev/null 2>&1
	return $rc
}
if ! have runc || ! have jq; then
	skip "runc: nestbox inside runc" "runc or jq is not installed (make image-deps)"
elif [ ! -f "$work/bundle/config.json" ]; then
	skip "runc: nestbox inside runc" "no bundle (umoci unpack failed or was skipped)"
elif [ "$(id -u)" != 0 ]; then
	skip "runc: nestbox inside runc" "runc needs root here"
else
	cp "$work/bundle/config.json" "$work/bundle/config.orig.json"
	script='echo "hostname=$(hostname) pid=$$ root=$(grep " / / " /proc/self/mountinfo | tail -n 1 | sed "s/.* - \([^ ]*\) .*/\1/")"; exit 7'
	runc_bundle "$RUNC_CAPS" "$script"
	(cd "$work/bundle" && runc_run)
	rc=$?
	if [ $rc = 7 ] && grep -q '^hostname=inner pid=2 root=overlay$' "$work/runc.out"; then
		ok "runc: nestbox starts a busybox container (own hostname, PID 2 under its reaper, overlay root), exit 7 comes back"
	else
		not_ok "runc: nestbox inside runc (rc $rc)" "$(cat "$work/runc.out" "$work/runc.err")"
	fi
	for cap in CAP_SYS_ADMIN CAP_DAC_OVERRIDE CAP_SETPCAP; do
		fewer=$(echo "$RUNC_CAPS" | jq -c --arg c "$cap" 'map(select(. != $c))')
		runc_bundle "$fewer" "$script"
		(cd "$work/bundle" && runc_run)
		rc=$?
		if [ $rc = 125 ] && [ "$(wc -l <"$work/runc.err")" = 1 ] &&
			grep -q "needs $cap, which the runtime that started nestbox did not grant" "$work/runc.err"; then
			ok "runc: without $cap, one line naming it, exit 125"
		else
			not_ok "runc: without $cap (rc $rc)" "$(cat "$work/runc.err")"
		fi
	done
fi

# --- podman load and run (no daemon: podman forks the runtime itself) ---------------------------
# A storage of its own under the test's temp dir, no network, runc (Debian's crun 1.8 refuses
# hybrid cgroups). Root here lacks CAP_SYS_RESOURCE: podman's default rlimits are above ours.
podman_() {
	podman --root "$work/podman/root" --runroot "$work/podman/run" --storage-driver vfs \
		--runtime runc --cgroup-manager cgroupfs "$@"
}
podman_run() {
	podman_ run --rm --network none --ulimit "nofile=$(ulimit -n):$(ulimit -n)" \
		--ulimit nproc=1024:1024 "$@" </dev/null >"$work/podman.out" 2>"$work/podman.err"
}
if ! have podman; then
	skip "podman load" "podman is not installed (make image-deps)"
elif [ "$(id -u)" != 0 ]; then
	skip "podman load" "rootful podman needed here"
else
	for name in nestbox-init nestbox; do
		if out=$(podman_ load -i "$dir/$name.docker.tar" 2>&1) &&
			echo "$out" | grep -q "Loaded image.*localhost/$name:$tag"; then
			ok "$name: podman load accepts the docker-archive"
		else
			not_ok "$name: podman load" "$out"
		fi
	done
	# nestbox-init as ENTRYPOINT, as tini is used: PID 1, the command its child, exit code back.
	podman_run -v "$work/bundle/rootfs/bin/busybox:/busybox:ro" "localhost/nestbox-init:$tag" \
		/busybox sh -c 'echo "ppid=$PPID init=$(/busybox tr "\0" " " </proc/1/cmdline)"; exit 6'
	rc=$?
	if [ $rc = 6 ] && grep -q '^ppid=1 init=/nestbox-init -- /busybox sh' "$work/podman.out"; then
		ok "podman: nestbox-init as ENTRYPOINT is PID 1, the command its child, exit 6 comes back"
	else
		not_ok "podman: nestbox-init as ENTRYPOINT (rc $rc)" "$(cat "$work/podman.out" "$work/podman.err")"
	fi
	# nestbox in podman: --cap-add SYS_ADMIN is all it needs (podman's default caps have
	# DAC_OVERRIDE and SETPCAP, its seccomp profile allows namespaces with SYS_ADMIN; --net host:
	# the podman container's network is its own already, and lo in a new one needs NET_ADMIN).
	podman_run --cap-add SYS_ADMIN "localhost/nestbox:$tag" /usr/bin/nestbox run --net host \
		--rootfs /rootfs --hostname inner -- sh -c 'echo "hostname=$(hostname) pid=$$"; exit 3'
	rc=$?
	if [ $rc = 3 ] && grep -q '^hostname=inner pid=2$' "$work/podman.out"; then
		ok "podman --cap-add SYS_ADMIN: nestbox starts a busybox container, exit 3 comes back"
	else
		not_ok "podman: nestbox inside podman (rc $rc)" "$(cat "$work/podman.out" "$work/podman.err")"
	fi
	podman_run "localhost/nestbox:$tag" /usr/bin/nestbox run --rootfs /rootfs -- true
	rc=$?
	if [ $rc = 125 ] && grep -q 'needs CAP_SYS_ADMIN' "$work/podman.err"; then
		ok "podman without SYS_ADMIN: one line naming it, exit 125"
	else
		not_ok "podman without SYS_ADMIN (rc $rc)" "$(cat "$work/podman.err")"
	fi
	podman_ rmi -a -f >/dev/null 2>&1
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
