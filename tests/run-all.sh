#!/bin/sh
# Builds with warnings as errors and runs the whole test suite inside a
# private network namespace with only loopback.
#   tests/run-all.sh [BUILD_DIR [MESON_SETUP_OPTION…]]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
[ $# -gt 0 ] && shift
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$top" -Dwerror=true "$@"
fi
ninja -C "$build"
exec "$top/tests/in-netns" meson test -C "$build" --print-errorlogs --num-processes 2
