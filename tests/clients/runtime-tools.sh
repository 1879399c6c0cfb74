#!/bin/sh
# runtime-tools.sh SRC RUNTIME...: the OCI runtime-tools validation suite (issue 22, Conformance)
# against each RUNTIME. SRC is a runtime-tools tree with runtimetest and validation/*/*.t built:
#   git archive of opencontainers/runtime-tools 0105384 (Debian's 0.9.0+git20220423: Go 1.19
#   builds it with its vendor/), then in SRC, GOFLAGS=-mod=vendor CGO_ENABLED=0:
#   go build -o runtimetest ./cmd/runtimetest; go build -o validation/X/X.t validation/X/X.go
# (Debian's golang-github-opencontainers-runtime-tools-dev ships the library only, no
# validation/.) The variant without the default seccomp profile, to see past nestbox's
# "linux.seccomp: not supported yet": in generate/generate.go, Seccomp: nil in place of
# seccomp.DefaultProfile(&config), then the same build.
# Each .t runs from SRC (it unpacks rootfs-<arch>.tar.gz there) with RUNTIME=..., 120 s at most.
# Per runtime: every .t's TAP counted; a .t passes when it ran to its plan with no "not ok".
# One line a .t: "RUNTIME TEST pass|FAIL ok=N notok=N skip=N", then the totals.
set -u
src=$(realpath "${1:?usage: runtime-tools.sh SRC RUNTIME...}")
shift
cd "$src" || exit 1
for rt in "$@"; do
	tp=0 tf=0 ok=0 nok=0 sk=0
	for t in validation/*/*.t; do
		name=$(basename "$t" .t)
		out=$(RUNTIME=$rt timeout 120 "./$t" 2>&1)
		rc=$?
		o=$(printf '%s\n' "$out" | grep -c '^ok ')
		s=$(printf '%s\n' "$out" | grep -c '^ok .*# SKIP')
		f=$(printf '%s\n' "$out" | grep -c '^not ok')
		planned=$(printf '%s\n' "$out" | grep -c '^1\.\.[0-9]')
		if [ "$f" -eq 0 ] && [ "$planned" -gt 0 ] && [ "$rc" -eq 0 ]; then
			v=pass tp=$((tp + 1))
		else
			v=FAIL tf=$((tf + 1))
		fi
		ok=$((ok + o - s)) nok=$((nok + f)) sk=$((sk + s))
		echo "$(basename "$rt") $name $v ok=$((o - s)) notok=$f skip=$s rc=$rc"
		[ "$v" = pass ] || printf '%s\n' "$out" | grep -E '^not ok|rror|not supported' | head -n 3 | sed 's/^/#   /'
	done
	echo "== $(basename "$rt"): $tp of $((tp + tf)) tests pass; assertions: $ok ok, $nok not ok, $sk skipped"
done
