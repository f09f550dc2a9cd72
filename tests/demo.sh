#!/bin/sh
# The main job end to end, with no outside server: build, then resync an
# example device from the example profiles in data/examples, first from
# local files, then (when the tftp plugin is built) from a real tftpd-hpa on
# 127.0.0.1 inside a private network namespace. Shows what was applied.
#   tests/demo.sh [BUILD_DIR]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
[ -f "$build/build.ninja" ] || meson setup "$build" "$top" >/dev/null
ninja -C "$build" >/dev/null

plugin_path=$(find "$build/plugins" -name 'libprov-plugin-*.so' -printf '%h\n' | sort -u | paste -sd:)
export PROV_PLUGIN_PATH="$plugin_path" PROV_SCHEMA_DIR="$top/schemas"
export PROV_LOCALEDIR="$build/po"
ctl="$build/core/cli/provisionctl"

state=$(mktemp -d /tmp/provisiond-demo.XXXXXX)
mkdir -p "$state/profiles"
cp "$top"/data/examples/*.xml "$state/profiles/"
cp "$top/data/examples/device.conf" "$state/device.conf"

echo "== state directory: $state"
echo "== plugins"
"$ctl" --state-dir "$state" plugins

echo "== 1. the seed's basic.txt exercise, from a local file"
"$ctl" --state-dir "$state" resync "file://$state/profiles/basic.xml"
"$ctl" --state-dir "$state" get GPP_A

echo "== 2. the configured rules: per-model and per-device profiles"
"$ctl" --state-dir "$state" set "Profile_Rule=file://$state/profiles/\$PSN.xml" \
  "Profile_Rule_B=( \"\$A\" eq \"12345678\" )? file://$state/profiles/\$MA.xml"
"$ctl" --state-dir "$state" expand "$("$ctl" --state-dir "$state" get Profile_Rule_B)"
"$ctl" --state-dir "$state" resync

if [ -f "$build/plugins/tftp/libprov-plugin-tftp.so" ] && [ -x /usr/sbin/in.tftpd ]; then
  echo "== 3. the same over TFTP from tftpd-hpa on 127.0.0.1 (private network namespace)"
  "$top/tests/in-netns" sh -c '
    set -eu
    state=$1 ctl=$2
    /usr/sbin/in.tftpd --foreground --listen --address 127.0.0.1:6969 --secure --user root "$state/profiles" &
    pid=$!
    trap "kill $pid" EXIT
    "$ctl" --state-dir "$state" set "GPP_A=" \
      "Profile_Rule=tftp://127.0.0.1:6969/basic.xml" "Profile_Rule_B="
    "$ctl" --state-dir "$state" resync
    "$ctl" --state-dir "$state" get GPP_A' demo "$state" "$ctl"
fi

echo "== status"
"$ctl" --state-dir "$state" status
echo "== what the device holds now (secrets masked)"
"$ctl" --state-dir "$state" dump | grep -E 'GPP_A|GPP_B|Station_Name|User_ID_1_|Privacy_Header_1_|Profile_Rule'
