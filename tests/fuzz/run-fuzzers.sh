#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs each libFuzzer target of BUILD (configured with -Dfuzzing=true, see
# README.md) for SECONDS, from seeds generated from the test fixtures
# (make-seeds.py) plus what earlier runs found (BUILD/fuzz-corpus). Fails,
# with the fuzzer's report and the input saved under BUILD/fuzz-artifacts,
# when any target crashes, leaks, times out or runs out of memory.
#
# usage: tests/fuzz/run-fuzzers.sh BUILD SECONDS [TARGET...]
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD SECONDS [TARGET...]" >&2
  exit 2
fi
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
seconds=$2
shift 2
fuzzdir=$build/tests/fuzz
if [ $# -gt 0 ]; then
  targets=$*
else
  targets=$(find "$fuzzdir" -maxdepth 1 -type f -name 'fuzz-*' -perm -u+x -printf '%f\n' | sort)
fi
if [ -z "$targets" ]; then
  echo "no fuzz targets in $fuzzdir: configure with CC=clang -Dfuzzing=true" >&2
  exit 1
fi

seeds=$build/fuzz-seeds
rm -rf "$seeds"
python3 "$src/tests/fuzz/make-seeds.py" "$src" "$seeds"
# The interop profiles beside the checkout, when there, are read as seeds too.
interop=$src/../shared/interop/profiles

export G_DEBUG=fatal-criticals
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failed=
for t in $targets; do
  corpus=$build/fuzz-corpus/$t
  artifacts=$build/fuzz-artifacts/$t
  log=$build/fuzz-artifacts/$t.log
  mkdir -p "$corpus" "$artifacts"
  extra=
  if [ "$t" = fuzz-profile ] && [ -d "$interop" ]; then
    extra=$interop
  fi
  echo "== $t: ${seconds} s"
  # shellcheck disable=SC2086 # $extra is one directory or nothing
  if "$fuzzdir/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" \
      "$corpus" "$seeds/$t" $extra >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done' "$log" || true
  else
    echo "!! $t failed; its report ($log):"
    tail -n 60 "$log"
    ls -l "$artifacts"
    failed="$failed $t"
  fi
done
if [ -n "$failed" ]; then
  echo "fuzz targets that failed:$failed" >&2
  exit 1
fi
echo "every fuzz target ran ${seconds} s without a finding"
