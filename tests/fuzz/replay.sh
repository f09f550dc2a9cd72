#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The test suite's replay of one fuzz target (README.md): the seeds generated
# from the test fixtures and the inputs of past findings, once each.
#   replay.sh SOURCE_ROOT TARGET_PROGRAM TARGET_NAME
set -eu
src=$1
program=$2
name=$3
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
python3 "$src/tests/fuzz/make-seeds.py" "$src" "$seeds" >/dev/null
set -- "$seeds/$name"
if [ -d "$src/tests/fuzz/regressions/$name" ]; then
  set -- "$@" "$src/tests/fuzz/regressions/$name"
fi
exec "$program" "$@"
