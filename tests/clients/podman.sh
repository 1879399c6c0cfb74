#!/bin/sh
# podman.sh NESTBOX ROOTFS (make client-test, issue 22): Debian's podman runs the busybox image
# with --runtime NESTBOX (podman and conmon call it with runc's command line: create --bundle B
# --pid-file P ID, start, state, exec --process F --detach --pid-file P, kill, delete).
# podman's storage is private (--root, --runroot, --tmpdir under a temp directory, removed
# after), --cgroup-manager=cgroupfs (no systemd here), --network none (no host network
# change). The runtime keeps its default state root (/run/nestbox, /run/runc): podman's
# cleanup process (conmon's exit command) does not pass --runtime-flag on, so a --root given
# that way would see create and start but not the delete.
# Flags every case passes, and why:
#   --ulimit nofile=1024:1024 --ulimit nproc=1024:1024: podman's defaults (nofile 1048576) are
#     above this machine's hard limits, which root without CAP_SYS_RESOURCE cannot raise
#     (runc and crun fail on them as nestbox does);
#   --cgroupns private: on a cgroup v1 host podman shares the host's cgroup namespace and
#     mounts /sys/fs/cgroup, which nestbox mounts only in a cgroup namespace of its own.
# runc runs the same cases first, as a comparison printed as comments (not counted).
# TAP-like lines, "N passed, N failed, N skipped" at the end; a missing client is SKIP.
set -u
. "$(dirname "$0")/lib.sh"
nestbox=$(realpath "${1:?usage: podman.sh NESTBOX ROOTFS}")
rootfs=$(realpath "${2:?}")
img=localhost/nestbox-busybox:latest

if ! have podman; then
	skip "podman: all cases" "podman is not installed"
	totals
	exit
fi
if [ "$(id -u)" -ne 0 ]; then
	skip "podman: all cases" "needs root"
	totals
	exit
fi
work=$(mktemp -d /tmp/nestbox-podman.XXXXXX)
pm() {
	podman --root "$work/storage" --runroot "$work/run" --tmpdir "$work/tmp" \
		--cgroup-manager=cgroupfs --events-backend=none --runtime "$runtime" "$@"
}
# podman's default seccomp profile (its OCI seccomp JSON) is kept: nestbox compiles it.
flags="--network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --cgroupns private"
runtime=$nestbox rt=nestbox
cleanup() {
	pm rm -fa >/dev/null 2>&1
	pm rmi -fa >/dev/null 2>&1
	grep " $work/" /proc/self/mounts | cut -d' ' -f2 | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

sh "$(dirname "$0")/mkbusybox.sh" "$rootfs" "$work/busybox.tar" "$img"
if out=$(pm load -i "$work/busybox.tar" 2>&1); then
	ok "podman: the busybox image loads into a private store ($(podman --version))"
else
	not_ok "podman: the busybox image loads into a private store" "$out"
	totals
	exit
fi

# A cgroup file inside the container, v1 (memory/..., pids/...) or v2 (the file itself).
cg_read() { # cg_read V1_FILE V2_FILE
	echo "cat /sys/fs/cgroup/$1 2>/dev/null || cat /sys/fs/cgroup/$2"
}

# The mounts, but for the storage driver's own bind of its home (there while podman runs).
our_mounts() { mounts_now | grep -v " $work/storage/overlay "; }
# The runtime's state directories of podman's containers (64 hex digits).
podman_states() { ls "/run/$rt" 2>/dev/null | grep -E '^[0-9a-f]{64}$'; }

# cases RECORD: RECORD is ok (counted) or note (runc's comparison: a comment).
cases() {
	rec=$1
	note() { echo "# $rt (not counted): $1: $2"; }
	result() { # result DESCRIPTION WANT GOT
		if [ "$rec" = ok ]; then expect "$rt: $1" "$2" "$3"
		elif [ "$2" = "$3" ]; then note "$1" "as nestbox should"
		else note "$1" "got $3"; fi
	}
	before=$(our_mounts)
	states=$(podman_states)
	# shellcheck disable=SC2086 # flags is a word list
	out=$(pm run --rm $flags -e FOO=bar "$img" sh -c 'echo out-$FOO; echo err >&2' 2>&1)
	result "run --rm: output, env, exit 0" "out-bar err 0" "$(echo $out) $?"
	# shellcheck disable=SC2086
	pm run --rm $flags "$img" sh -c 'exit 3' >/dev/null 2>&1
	result "run: exit status 3" 3 $?
	# shellcheck disable=SC2086
	out=$(pm run --rm $flags "$img" /nonexistent 2>&1)
	rc=$?
	case $out in *nonexistent*) out=named ;; esac
	result "run of a missing command: exit 127, named" "127 named" "$rc $out"
	# shellcheck disable=SC2086
	out=$(pm run --rm $flags --ulimit nofile=512:1024 "$img" sh -c 'echo $(ulimit -n) $(ulimit -Hn)' 2>&1)
	result "--ulimit nofile=512:1024 (within the hard limit)" "512 1024" "$out"
	# shellcheck disable=SC2086
	out=$(pm run --rm $flags --memory 64m "$img" sh -c \
		"$(cg_read memory/memory.limit_in_bytes memory.max)" 2>&1)
	result "--memory 64m: the limit inside" 67108864 "$out"
	# shellcheck disable=SC2086
	out=$(pm run --rm $flags --pids-limit 20 "$img" sh -c \
		"$(cg_read pids/pids.max pids.max); i=0; while [ \$i -lt 30 ]; do sleep 5 & i=\$((i + 1)); done 2>&1 | grep -c fork" 2>&1)
	case $out in 20?[1-9]*) out="20 refused" ;; esac
	result "--pids-limit 20: pids.max inside, the 21st process refused" "20 refused" "$(echo $out)"
	# podman's default seccomp profile (its OCI seccomp JSON) is the container's filter
	# shellcheck disable=SC2086
	out=$(pm run --rm $flags "$img" grep Seccomp: /proc/self/status 2>&1)
	result "the default seccomp profile is loaded" "Seccomp: 2" "$(echo $out)"

	# detached: exec, stop, rm
	# shellcheck disable=SC2086
	if ! cid=$(pm run -d $flags "$img" sleep 300 2>&1); then
		result "run -d: running" running "$cid"
	else
		result "run -d: running" running "$(pm inspect -f '{{.State.Status}}' "$cid" 2>&1)"
		out=$(pm exec "$cid" sh -c 'echo exec-$((6*7)); exit 5' 2>&1)
		result "exec: output and exit status" "exec-42 5" "$out $?"
		pm stop -t 2 "$cid" >/dev/null 2>&1
		result "stop -t 2: exited" exited "$(pm inspect -f '{{.State.Status}}' "$cid" 2>&1)"
		pm rm "$cid" >/dev/null 2>&1
		result "rm: gone" "" "$(pm ps -aq 2>&1)"
		left=$(ls -d "/run/$rt/$cid" /sys/fs/cgroup/*/libpod_parent/libpod-"$cid" 2>/dev/null)
		result "rm: nothing left in its state directory or the cgroups" "" "$left"
	fi
	# shellcheck disable=SC2086
	out=$(pm run --rm -t $flags "$img" echo tty-ok 2>&1 | tr -d '\r')
	case $rec:$out in
	ok:*console-socket*not\ supported*)
		skip "$rt: run -t (a tty)" "nestbox create has no --console-socket yet" ;;
	*) result "run -t (a tty)" tty-ok "$out" ;;
	esac
	result "no mount left" "$before" "$(our_mounts)"
	result "no state left in /run/$rt" "$states" "$(podman_states)"
}

if have runc; then
	runtime=$(command -v runc) rt=runc
	cases note
fi
runtime=$nestbox rt=nestbox
cases ok
totals
