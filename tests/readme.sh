#!/bin/sh
# Every command in README.md's code blocks is run, so the README cannot drift from the binary
# (issue 28.3). Each fenced block is preceded by one or more directives, invisible on GitHub:
#
#   <!-- test: PATTERN => ACTION -->
#
# PATTERN is the start of a command in the block (continuation lines joined, comments and
# blank lines left out) or * for the whole block; the first matching directive applies.
# ACTION is one of
#   exit N             run it (sh, from the repository's top, build/ first on PATH): exit N
#   pty exit N: INPUT  run it on a pseudo-terminal (script(1)) with INPUT typed in: exit N
#   options            a synopsis: every --option in it is in `nestbox run|init --help`
#   covered WHERE      run by WHERE (a make check phase, a named test): counted as skipped
#   text WHY           not commands (a config file, an output, a Dockerfile): skipped
# A block without a directive, or a command no directive matches, is a failure.
# Ends with "N passed, N failed, N skipped"; exits non-zero when anything failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
readme=${1:-$top/README.md}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nestbox-readme.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
PATH=$top/build:$PATH
export PATH
pass=0 fail=0 skip=0

ok() { echo "ok - $1"; pass=$((pass + 1)); }
skipped() { echo "ok - $1 # SKIP $2"; skip=$((skip + 1)); }
not_ok() {
	echo "not ok - $1"
	[ -s "$tmp/log" ] && tail -n 20 "$tmp/log" | sed 's/^/#   /'
	fail=$((fail + 1))
}

# Split the README into blocks: N.line (its line), N.dir (its directives), N.body.
awk -v dir="$tmp" '
	/^<!-- test: .* -->$/ && !inblock {
		d = $0; sub(/^<!-- test: /, "", d); sub(/ -->$/, "", d)
		pending = pending d "\n"; next
	}
	/^```/ {
		if (inblock) { inblock = 0; close(body); next }
		n++; inblock = 1; body = dir "/" n ".body"
		printf "%d\n", NR > (dir "/" n ".line"); close(dir "/" n ".line")
		printf "%s", pending > (dir "/" n ".dir"); close(dir "/" n ".dir")
		printf "" > body
		pending = ""; next
	}
	inblock { print > body }
' "$readme"

# The block's commands, one a line: continuation lines joined, comment-only and blank lines out.
commands() {
	awk '
		{ line = (cont ? cont " " : "") $0; cont = "" }
		/\\$/ { sub(/[ \t]*\\$/, "", line); cont = line; next }
		line ~ /^[ \t]*(#.*)?$/ { next }
		{ sub(/^[ \t]+/, "", line); print line }
	' "$1"
}

# The first directive of file $1 whose pattern starts command $2 (or is *): its action.
action_for() {
	while IFS= read -r d; do
		pat=${d%% => *} act=${d#* => }
		case $2 in
		"$pat"*) echo "$act" && return 0 ;;
		esac
		[ "$pat" = "*" ] && echo "$act" && return 0
	done <"$1"
	return 1
}

run_exit() { # NAME WANT CMD
	(cd "$top" && timeout 300 sh -c "$3") >"$tmp/log" 2>&1 </dev/null
	rc=$?
	if [ "$rc" -eq "$2" ]; then ok "$1"; else not_ok "$1: exit $rc, want $2"; fi
}

run_pty() { # NAME WANT INPUT CMD
	printf '%s\n' "$3" | (cd "$top" && timeout 60 script -qec "$4" /dev/null) >"$tmp/log" 2>&1
	rc=$?
	if [ "$rc" -eq "$2" ]; then ok "$1"; else not_ok "$1: exit $rc, want $2"; fi
}

check_options() { # NAME BODY
	{ nestbox run --help && nestbox init --help && echo --version; } >"$tmp/help" 2>&1
	missing=
	for o in $(grep -o -- '--[a-z][a-z-]*' "$2" | sort -u); do
		grep -q -- "$o\\([^a-z-]\\|$\\)" "$tmp/help" || missing="$missing $o"
	done
	: >"$tmp/log"
	if [ -z "$missing" ]; then ok "$1"; else not_ok "$1: not in --help:$missing"; fi
}

act() { # NAME ACTION CMD-OR-BODY
	case $2 in
	"exit "*) run_exit "$1" "${2#exit }" "$3" ;;
	"pty exit "*)
		want=${2#pty exit }
		run_pty "$1" "${want%%:*}" "${want#*: }" "$3"
		;;
	options) check_options "$1" "$3" ;;
	"covered "*) skipped "$1" "covered by ${2#covered }" ;;
	"text "*) skipped "$1" "not commands: ${2#text }" ;;
	*) : >"$tmp/log" && not_ok "$1: unknown directive action '$2'" ;;
	esac
}

n=1
while [ -f "$tmp/$n.body" ]; do
	line=$(cat "$tmp/$n.line") body=$tmp/$n.body dirs=$tmp/$n.dir
	: >"$tmp/log"
	if [ ! -s "$dirs" ]; then
		not_ok "README.md:$line: a code block without a <!-- test: ... --> directive"
	elif whole=$(action_for "$dirs" "*") && grep -q '^\* => ' "$dirs"; then
		case $whole in
		"exit "* | "pty exit "*) act "README.md:$line: block" "$whole" "sh -e '$body'" ;;
		*) act "README.md:$line: block" "$whole" "$body" ;;
		esac
	else
		commands "$body" >"$tmp/cmds"
		while IFS= read -r cmd; do
			name="README.md:$line: $(printf '%.60s' "$cmd")"
			if a=$(action_for "$dirs" "$cmd"); then
				act "$name" "$a" "$cmd" </dev/null
			else
				: >"$tmp/log" && not_ok "$name: no directive matches it"
			fi
		done <"$tmp/cmds"
	fi
	n=$((n + 1))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
