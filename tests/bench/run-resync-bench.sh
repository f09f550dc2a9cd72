#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The whole job on the two large profiles of gen-profile.py: a real
# `provisionctl resync` through the file plugin (read, parse, validate
# against the schema, apply all at once, persist with fsync) against
# `xmllint --noout` (parse only) on the same files, in one run.
#
# Usage: tests/bench/run-resync-bench.sh [BUILDDIR [RUNS]]
set -eu
srcdir=$(cd "$(dirname "$0")" && pwd)
. "$srcdir/../lib/prov-test.sh"
top=$(cd "$srcdir/../.." && pwd)
builddir=${1:-$top/build}
runs=${2:-3}
ctl="$builddir/core/cli/provisionctl"
[ -x "$ctl" ] || { echo "no $ctl: build first" >&2; exit 1; }

prov_test_tmp resync-bench
python3 "$srcdir/gen-profile.py" "$tmp" >/dev/null
export PROV_SCHEMA_DIR="$top/schemas" PROV_PLUGIN_PATH="$builddir/plugins/file"

fresh_state () {
  rm -rf "$tmp/state"
  mkdir -p "$tmp/state/profiles"
  ln "$tmp/$f.xml" "$tmp/state/profiles/$f.xml"
  "$ctl" --state-dir "$tmp/state" set Max_Profile_Size=67108864 >/dev/null
}

echo "best of $runs runs; resync = provisionctl resync file://… into an empty store"
printf '%-13s %7s %9s %11s %10s %8s\n' file MB params resync_s xmllint_s ratio
for f in repeat distinct; do
  file="$tmp/$f.xml"
  prepare=fresh_state
  ours=$(best_wall "$ctl" --state-dir "$tmp/state" resync "file://$tmp/state/profiles/$f.xml")
  params=$(wc -l <"$tmp/state/params.db")
  prepare=
  theirs=$(best_wall xmllint --noout "$file")
  mb=$(awk -v b="$(wc -c <"$file")" 'BEGIN { printf "%.1f", b / 1e6 }')
  ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')
  printf '%-13s %7s %9s %11s %10s %8s\n' "$f.xml" "$mb" "$params" "$ours" "$theirs" "$ratio"
done
echo "ratio = resync time / xmllint --noout time (below 1: faster than xmllint)"
