#!/bin/sh
# bench-section.sh FILE.md SECTION.md: put SECTION.md (which starts with a "## " title) into the
# bench results file FILE.md in place of the section of that title, or at its end; FILE.md is
# made when missing. make bench writes FILE.md afresh; the VM measurements add theirs to it.
set -eu
res=${1:?usage: bench-section.sh RESULTS.md SECTION.md}
sec=${2:?usage: bench-section.sh RESULTS.md SECTION.md}
title=$(head -n 1 "$sec")
[ -f "$res" ] || : >"$res"
awk -v t="$title" '$0 == t { skip = 1; next } skip && /^## / { skip = 0 } !skip' "$res" >"$res.tmp"
{ [ -s "$res.tmp" ] && echo; cat "$sec"; } >>"$res.tmp"
mv "$res.tmp" "$res"
