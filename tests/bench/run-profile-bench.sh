#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Generates two large flat profiles in a temporary directory, then times
# prov_profile_parse() and `xmllint --noout` on them and prints the ratios.
#
# Usage: tests/bench/run-profile-bench.sh [BUILDDIR [RUNS]]
set -eu

srcdir=$(cd "$(dirname "$0")" && pwd)
. "$srcdir/../lib/prov-test.sh"
builddir=${1:-build}
runs=${2:-5}
bench="$builddir/tests/bench/bench-profile"

if [ ! -x "$bench" ]; then
  echo "no $bench: build it with 'ninja -C $builddir tests/bench/bench-profile'" >&2
  exit 1
fi
command -v xmllint >/dev/null || { echo "xmllint not found" >&2; exit 1; }

prov_test_tmp profile-bench
python3 "$srcdir/gen-profile.py" "$tmp"

echo
echo "libxml2 $(xmllint --version 2>&1 | sed -n 's/.*using libxml version //p'), best of $runs runs"
printf '%-13s %9s %10s %11s %12s %10s %10s\n' file MB parse_s parse_MB/s process_s xmllint_s speedup
for f in repeat distinct; do
  file="$tmp/$f.xml"
  # In-process: the parse alone, file already in memory.
  line=$("$bench" -n "$runs" "$file" | tail -n 1)
  parse=$(echo "$line" | cut -f 4)
  rate=$(echo "$line" | cut -f 5)
  # Whole processes, the way xmllint is measured: start, read, parse, free.
  ours=$(best_wall "$bench" -n 1 "$file")
  theirs=$(best_wall xmllint --noout "$file")
  mb=$(awk -v b="$(wc -c <"$file")" 'BEGIN { printf "%.1f", b / 1e6 }')
  ratio=$(awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "%.1fx", a / b }')
  printf '%-13s %9s %10s %11s %12s %10s %10s\n' "$f.xml" "$mb" "$parse" "$rate" "$ours" \
    "$theirs" "$ratio"
done
echo "speedup = xmllint --noout process time / bench-profile -n 1 process time"
