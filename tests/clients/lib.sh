# Shared by the client tests (sourced): TAP-like lines and the counts, "N passed, N failed,
# N skipped" at the end (tests/check.sh reads that line), the busybox image, waiting.
pass=0 fail=0 skip=0 n=0
export LC_ALL=C

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"
	[ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/#   /'
}
skip() { n=$((n + 1)); skip=$((skip + 1)); echo "ok $n - $1 # SKIP $2"; }
totals() { echo "$pass passed, $fail failed, $skip skipped"; [ "$fail" -eq 0 ]; }

# expect DESCRIPTION WANT GOT [DETAIL]: ok when GOT is WANT.
expect() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "want: $2
got:  $3${4:+
$4}"; fi
}

have() { command -v "$1" >/dev/null 2>&1; }

# wait_for SECONDS COMMAND...: until COMMAND succeeds (0) or the time is up (1).
wait_for() {
	t=$(($1 * 10))
	shift
	while [ "$t" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}

# containerd_start DIR SOCK: a containerd of its own, its config, root, state, debug socket and
# log under DIR, listening on SOCK, never the machine's (no CRI, no snapshotters but overlayfs
# and native, no /opt plugin); sets cd_pid. The caller waits for it (wait_for ... ctr version).
containerd_start() {
	cat >"$1/config.toml" <<EOT
version = 2
root = "$1/root"
state = "$1/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.internal.v1.opt"]
[grpc]
  address = "$2"
[ttrpc]
  address = "$2.ttrpc"
[debug]
  address = "$1/debug.sock"
[metrics]
  address = ""
EOT
	containerd --config "$1/config.toml" >"$1/containerd.log" 2>&1 &
	cd_pid=$!
}

# The OCI architecture of this machine, for the image config.
oci_arch() {
	case $(uname -m) in
	x86_64) echo amd64 ;; aarch64) echo arm64 ;; armv7l) echo arm ;; *) uname -m ;;
	esac
}

# mountinfo without the mount ids: what a test must leave as it found it.
mounts_now() { cut -d' ' -f4- /proc/self/mountinfo | sort; }
