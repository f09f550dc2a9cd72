#!/bin/sh
# The main job end to end, with no outside server: build, then resync an
# example device from the example profiles in data/examples, first from
# local files, then (when the tftp plugin is built) from a real tftpd-hpa on
# 127.0.0.1 inside a private network namespace; then the daemon over D-Bus,
# and a provisioned line that makes baresip register with kamailio. Shows
# what was applied.
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
    port=$(python3 -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])")
    /usr/sbin/in.tftpd --foreground -4 --address :$port --secure --user root "$state/profiles" &
    pid=$!
    trap "kill $pid" EXIT
    i=0
    until ss -Huln "sport = :$port" | grep -q .; do
      i=$((i + 1)); [ $i -le 100 ] || { echo "tftpd did not start" >&2; exit 1; }
      python3 -c "import time; time.sleep(0.05)"
    done
    "$ctl" --state-dir "$state" set "GPP_A=" \
      "Profile_Rule=tftp://127.0.0.1:$port/basic.xml" "Profile_Rule_B="
    "$ctl" --state-dir "$state" resync
    "$ctl" --state-dir "$state" get GPP_A' demo "$state" "$ctl"
fi

echo "== 4. the daemon on a private session bus, driven by provisionctl over D-Bus"
dbus-run-session -- sh -c '
  set -eu
  state=$1 ctl=$2 daemon=$3
  "$daemon" --session --state-dir "$state" 2>"$state/daemon.log" &
  pid=$!
  trap "kill $pid 2>/dev/null" EXIT
  i=0
  until "$ctl" --session status >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -le 100 ] || { cat "$state/daemon.log" >&2; exit 1; }
    python3 -c "import time; time.sleep(0.05)"
  done
  "$ctl" --session set "Profile_Rule=file://$state/profiles/\$PSN.xml" "GPP_A="
  "$ctl" --session resync
  "$ctl" --session get Station_Name
  "$ctl" --session schedule' demo "$state" "$ctl" "$build/core/daemon/provisiond"

echo "== 5. the provisioned line registers: baresip with kamailio on 127.0.0.1 (private network namespace)"
"$top/tests/in-netns" "$top/tests/demo-baresip.sh" "$state/sip" "$ctl" "$build/core/daemon/provisiond"

echo "== status"
"$ctl" --state-dir "$state" status
echo "== what the device holds now (secrets masked)"
"$ctl" --state-dir "$state" dump | grep -E 'GPP_A|GPP_B|Station_Name|User_ID_1_|Privacy_Header_1_|Profile_Rule'
