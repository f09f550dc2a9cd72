#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every row of the README's performance table in one run: whole processes
# of provisionctl/provisiond (all plugins of the build) against real peers
# (curl, xmllint, tftp-hpa, openssl) on loopback inside a private network
# namespace, sides interleaved, median [min-max], ratio and peak RSS; ends
# with a markdown table to paste into README.md. Never run by meson test.
#   tests/bench/run-all.sh [BUILD_DIR [RUNS]]
#   BENCH_ONLY=small tests/bench/run-all.sh     (rows whose key matches)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
runs=${2:-11}
if [ "${PROV_IN_NETNS:-}" != 1 ]; then
  exec "$top/tests/in-netns" "$0" "$build" "$runs"
fi
ninja -C "$build" core/cli/provisionctl core/daemon/provisiond tests/bench/bench-dbus tests/bench/bench-floor >/dev/null
exec python3 "$top/tests/bench/run-all.py" "$build" "$runs"
