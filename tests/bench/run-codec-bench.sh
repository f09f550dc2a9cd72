#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Decode benchmark: a ~50 MB profile, gzip'ed and encrypted with
# `openssl enc -aes-256-cbc` (-pbkdf2, and -md sha256), decoded by our two
# plugins (prov-decode-bench) and by `openssl enc -d | zcat`. Prints the
# median wall time of each over BENCH_RUNS runs and their ratio, and fails
# when ours is slower than BENCH_MAX_RATIO times the pipeline.
#
#   tests/bench/run-codec-bench.sh [BUILD/plugins/aes/tests/prov-decode-bench]
#   meson test -C BUILD --benchmark --suite codec
#
# Environment: BENCH_RUNS (7), BENCH_SIZE_MB (50), BENCH_MAX_RATIO (1.2),
# PROV_AES_PLUGIN / PROV_GZIP_PLUGIN (default: beside the driver).
set -euo pipefail

driver=${1:-build/plugins/aes/tests/prov-decode-bench}
runs=${BENCH_RUNS:-7}
size_mb=${BENCH_SIZE_MB:-50}
max_ratio=${BENCH_MAX_RATIO:-1.2}
key='bench-Key"with spaces'
plugins=$(dirname "$driver")/../..
export PROV_AES_PLUGIN=${PROV_AES_PLUGIN:-$plugins/aes/libprov-plugin-aes.so}
export PROV_GZIP_PLUGIN=${PROV_GZIP_PLUGIN:-$plugins/gzip/libprov-plugin-gzip.so}

for tool in openssl gzip zcat awk; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
[ -x "$driver" ] || { echo "no driver at $driver (build it first)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A flat profile with varied values: compresses about 4:1 like real ones.
awk -v limit=$((size_mb * 1000 * 1000)) 'BEGIN {
  srand(42)
  print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  print "<flat-profile>"
  n = 60
  for (i = 0; n < limit; i++) {
    line = sprintf("  <Param_%d_ ua=\"na\">%08x-%d</Param_%d_>", i, int(rand() * 4294967295),
                   int(rand() * 65536), i)
    print line
    n += length(line) + 1
  }
  print "</flat-profile>"
}' >"$work/profile.xml"
gzip -6 -n -c "$work/profile.xml" >"$work/profile.xml.gz"
openssl enc -aes-256-cbc -pbkdf2 -pass "pass:$key" \
  -in "$work/profile.xml.gz" -out "$work/pbkdf2.enc"
openssl enc -aes-256-cbc -md sha256 -pass "pass:$key" \
  -in "$work/profile.xml.gz" -out "$work/sha256.enc" 2>/dev/null
echo "profile $(stat -c %s "$work/profile.xml") bytes," \
  "gzip $(stat -c %s "$work/profile.xml.gz") bytes, $runs runs each"

median() {
  sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

elapsed() {
  local start=$EPOCHREALTIME
  "$@" >/dev/null
  awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f\n", b - a }'
}

pipeline() {
  openssl enc -d -aes-256-cbc "$@" -pass "pass:$key" -in "$enc" 2>/dev/null | zcat >/dev/null
}

status=0
for kdf in pbkdf2 sha256; do
  enc=$work/$kdf.enc
  if [ "$kdf" = pbkdf2 ]; then opts=(-pbkdf2); else opts=(-md sha256); fi

  # Correctness first: the decode must give back the profile byte for byte.
  "$driver" "$enc" "$key" "$work/out.xml" >/dev/null
  cmp -s "$work/out.xml" "$work/profile.xml" || { echo "FAIL: $kdf decode differs"; exit 1; }
  rm -f "$work/out.xml"

  : >"$work/ours" && : >"$work/theirs"
  for _ in $(seq "$runs"); do
    elapsed "$driver" "$enc" "$key" >>"$work/ours"
    elapsed pipeline "${opts[@]}" >>"$work/theirs"
  done
  ours=$(median <"$work/ours")
  theirs=$(median <"$work/theirs")
  ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')
  echo "$kdf: prov-decode-bench ${ours}s, openssl|zcat ${theirs}s, ratio ${ratio}x" \
    "(target <= ${max_ratio}x)"
  if awk -v r="$ratio" -v m="$max_ratio" 'BEGIN { exit !(r > m) }'; then
    status=1
  fi
done
exit $status
