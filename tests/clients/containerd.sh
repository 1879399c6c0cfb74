#!/bin/sh
# containerd.sh NESTBOX ROOTFS (make client-test, issue 22): Debian's containerd drives nestbox
# through its runc shim (containerd-shim-runc-v2 calls the binary with runc's command line:
# --root R --log F --log-format json create --bundle B --pid-file P ID, start, state, exec
# --process F --detach --pid-file P, kill, pause, resume, ps, delete). The same cases run with
# runc first, so a difference shows as a runc line passing where nestbox's fails.
# containerd runs with a private config, root, state, socket and fifo directory under a temp
# directory, in a namespace of its own; it is stopped and everything removed after. It never
# touches a containerd the machine runs. (containerd-shim-runc-v2 puts its socket under
# /run/containerd/s/, named by a hash of our socket's path: no clash; the shim removes it.)
# TAP-like lines, "N passed, N failed, N skipped" at the end; a missing client is SKIP.
set -u
. "$(dirname "$0")/lib.sh"
nestbox=$(realpath "${1:?usage: containerd.sh NESTBOX ROOTFS}")
rootfs=$(realpath "${2:?}")
img=localhost/nestbox-busybox:latest

for tool in containerd ctr containerd-shim-runc-v2; do
	if ! have "$tool"; then
		skip "containerd: all cases" "$tool is not installed (make deps installs containerd)"
		totals
		exit
	fi
done
if [ "$(id -u)" -ne 0 ]; then
	skip "containerd: all cases" "needs root"
	totals
	exit
fi

work=$(mktemp -d /tmp/nestbox-containerd.XXXXXX)
sock=$work/containerd.sock ns=nbtest-$$ cd_pid= left_shims=
ctr_() { ctr -a "$sock" -n "$ns" "$@"; }

# Our shims are the processes started with our socket's address: found by pid, ended by pid.
our_shims() {
	for d in /proc/[0-9]*; do
		{ tr '\0' ' ' <"$d/cmdline"; } 2>/dev/null | grep -q -- "-address $sock " && echo "${d#/proc/}"
	done
}
stop_containerd() {
	if [ -n "$cd_pid" ]; then
		for c in $(ctr_ task ls -q 2>/dev/null); do ctr_ task kill -s SIGKILL "$c" 2>/dev/null; done
		sleep 0.2
		for c in $(ctr_ task ls -q 2>/dev/null); do ctr_ task delete -f "$c" >/dev/null 2>&1; done
		for c in $(ctr_ container ls -q 2>/dev/null); do ctr_ container rm "$c" >/dev/null 2>&1; done
		ctr_ images rm "$img" >/dev/null 2>&1
		kill "$cd_pid" 2>/dev/null
		wait "$cd_pid" 2>/dev/null
		left_shims=$(our_shims) # none: every task deleted, each shim exits
		for p in $left_shims; do kill -9 "$p" 2>/dev/null; done
		cd_pid=
	fi
}
cleanup() {
	stop_containerd
	# what a failed run may leave mounted below the work directory
	grep " $work/" /proc/self/mounts | cut -d' ' -f2 | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

containerd_start "$work" "$sock"
if ! wait_for 20 ctr_ version >/dev/null 2>&1; then
	not_ok "containerd: starts with a private config" "$(tail -n 20 "$work/containerd.log")"
	totals
	exit
fi
ok "containerd: starts with a private config, root, state and socket ($(containerd --version | cut -d' ' -f3))"
sh "$(dirname "$0")/mkbusybox.sh" "$rootfs" "$work/busybox.tar" "$img"
if out=$(ctr_ images import "$work/busybox.tar" 2>&1); then
	ok "containerd: the busybox image imports"
else
	not_ok "containerd: the busybox image imports" "$out"
	totals
	exit
fi

task_status() { ctr_ task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'; }
is_status() { [ "$(task_status "$1")" = "$2" ]; }

# cases RUNTIME BINARY: every case with `ctr run --runc-binary BINARY`.
cases() {
	rt=$1 bin=$2
	run_() { ctr_ run --runc-binary "$bin" --runc-root "$work/runc-root-$rt" --fifo-dir "$work/fifo" "$@"; }
	before=$(mounts_now)

	out=$(run_ --rm --env FOO=bar "$img" "$rt-out" sh -c 'echo out-$FOO; echo err >&2' 2>"$work/err")
	expect "$rt: output, env, exit 0" "out-bar err 0" "$out $(cat "$work/err") $?"
	run_ --rm "$img" "$rt-exit" sh -c 'exit 3' >/dev/null 2>&1
	expect "$rt: exit status 3" 3 $?
	out=$(run_ --rm "$img" "$rt-id" sh -c 'id; pwd; echo $PATH' 2>&1)
	expect "$rt: user, groups, cwd, PATH from the image" \
		"uid=0(root) gid=0(root) groups=0(root) / /usr/sbin:/usr/bin:/sbin:/bin" "$(echo $out)"
	# ctr run --seccomp: containerd's default profile (Docker's, resolved) in config.json
	out=$(run_ --rm --seccomp "$img" "$rt-seccomp" sh -c \
		'grep Seccomp: /proc/self/status; unshare -U true 2>/dev/null || echo refused' 2>&1)
	expect "$rt: --seccomp: containerd's default profile loaded, unshare -U refused" \
		"Seccomp: 2 refused" "$(echo $out)"
	out=$(run_ --rm "$img" "$rt-missing" /nonexistent 2>&1)
	rc=$?
	case $rc:$out in
	0:*) not_ok "$rt: a missing command fails, naming it" "exit 0: $out" ;;
	*/nonexistent*) ok "$rt: a missing command fails, naming it (exit $rc)" ;;
	*) not_ok "$rt: a missing command fails, naming it" "exit $rc: $out" ;;
	esac

	# kill: TERM reaches the workload, which exits 7 from its trap; ctr run returns it
	run_ --rm "$img" "$rt-term" sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done' \
		>/dev/null 2>&1 &
	fg=$!
	if wait_for 10 is_status "$rt-term" RUNNING; then
		ctr_ task kill "$rt-term"
		wait "$fg"
		expect "$rt: task kill (TERM): the workload's exit status" 7 $?
	else
		not_ok "$rt: task kill (TERM): the workload's exit status" "never running"
		kill "$fg" 2>/dev/null
	fi

	# detached: exec, ps, pause, resume, kill -9, delete
	if ! out=$(run_ -d "$img" "$rt-d" sleep 300 2>&1) || ! wait_for 10 is_status "$rt-d" RUNNING; then
		not_ok "$rt: run -d: running" "$out $(task_status "$rt-d")"
	else
		ok "$rt: run -d: running"
		out=$(ctr_ task exec --exec-id x1 "$rt-d" sh -c 'echo exec-$((6*7)) $FOO; exit 4' 2>&1)
		expect "$rt: task exec: output and exit status" "exec-42 4" "$(echo $out) $?"
		ctr_ task exec --exec-id x2 "$rt-d" /nonexistent >/dev/null 2>&1
		rc=$?
		[ "$rc" -ne 0 ] && ok "$rt: task exec of a missing command fails (exit $rc)" ||
			not_ok "$rt: task exec of a missing command fails" "exit 0"
		np=$(ctr_ task ps "$rt-d" 2>&1 | tail -n +2 | wc -l)
		[ "$np" -ge 1 ] && ok "$rt: task ps lists its processes ($np)" ||
			not_ok "$rt: task ps lists its processes" "$(ctr_ task ps "$rt-d" 2>&1)"
		ctr_ task pause "$rt-d" && wait_for 5 is_status "$rt-d" PAUSED
		expect "$rt: task pause" PAUSED "$(task_status "$rt-d")"
		ctr_ task resume "$rt-d" && wait_for 5 is_status "$rt-d" RUNNING
		expect "$rt: task resume" RUNNING "$(task_status "$rt-d")"
		ctr_ task kill -s SIGKILL "$rt-d"
		wait_for 10 is_status "$rt-d" STOPPED
		expect "$rt: task kill -s SIGKILL: stopped" STOPPED "$(task_status "$rt-d")"
		out=$(ctr_ task delete "$rt-d" 2>&1)
		expect "$rt: task delete" "0" "$?" "$out"
	fi
	ctr_ container rm "$rt-d" >/dev/null 2>&1

	# nothing left: state, cgroups, mounts
	left=$(ls -A "$work/runc-root-$rt/$ns" 2>/dev/null; ls -d /sys/fs/cgroup/*/"$ns"/"$rt"-* 2>/dev/null)
	expect "$rt: nothing left in its --root or the cgroups" "" "$left"
	expect "$rt: no mount left" "$before" "$(mounts_now)"
}

if have runc; then
	cases runc "$(command -v runc)"
else
	skip "runc: the same cases" "runc is not installed (nothing to compare with)"
fi
cases nestbox "$nestbox"
stop_containerd
expect "containerd: stopped, no shim of ours left" "" "$left_shims"
totals
