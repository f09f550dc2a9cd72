#!/bin/sh
# Stage 5 of tests/demo.sh: a provisioned line makes a real SIP client
# register. kamailio (Digest, users from a file) and baresip run on
# 127.0.0.1; provisiond resyncs a profile with line 1 on a private bus; its
# baresip applier writes baresip's accounts and hands them to the running
# baresip; kamailio shows the binding. Run inside tests/in-netns.
#   demo-baresip.sh STATE_DIR PROVISIONCTL PROVISIOND
set -eu
here=$(cd "$(dirname "$0")" && pwd)
st=$1 ctl=$2 daemon=$3
tmp=$(mktemp -d /tmp/provisiond-demo-sip.XXXXXX)
extra_pids=''
cleanup() {
  for p in $extra_pids; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
fail() { echo "demo: $*" >&2; for f in "$tmp"/*.log; do tail -n 5 "$f" >&2; done; exit 1; }
wait_until() { # wait_until SECONDS WHAT COMMAND…
  limit=$(($1 * 20)) what=$2 i=0
  shift 2
  while ! "$@" >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -le "$limit" ] || fail "timed out waiting for $what"
    sleep 0.05
  done
}
. "$here/peers/sip-peers.sh"
missing=$(sip_peers_missing)
if [ -n "$missing" ]; then
  echo "(skipped: not installed: $(echo $missing); .ci/install-deps installs them)"
  exit 0
fi

start_kamailio 1001:secret1001
start_baresip "$tmp/baresip"
mkdir -p "$st/profiles"
printf '%s\n' '[Device]' 'MAC=00:0e:08:ab:cd:ef' 'Vendor=Cisco' 'ProductName=SPA112' \
  '[baresip]' 'Enabled=true' "ConfigDir=$tmp/baresip" "Control=127.0.0.1:$ctrl_port" \
  'RegisterTimeout=10' >"$st/device.conf"
printf '%s\n' '<flat-profile>' \
  '  <Line_Enable_1_>Yes</Line_Enable_1_>' \
  '  <Display_Name_1_>Ext 1001</Display_Name_1_>' \
  '  <User_ID_1_>1001</User_ID_1_>' \
  '  <Password_1_>secret1001</Password_1_>' \
  "  <Proxy_1_>127.0.0.1:$kam_port</Proxy_1_>" \
  '  <SIP_Transport_1_>UDP</SIP_Transport_1_>' \
  '  <Register_Expires_1_>60</Register_Expires_1_>' \
  '</flat-profile>' >"$st/profiles/line1.xml"
"$ctl" --state-dir "$st" set Resync_On_Reset=No >/dev/null
export PROV_APPLIER_MAP_DIR="${PROV_APPLIER_MAP_DIR:-$here/../data/appliers}"
dbus-run-session -- sh -c '
  set -eu
  st=$1 ctl=$2 daemon=$3
  "$daemon" --session --state-dir "$st" 2>"$st/daemon.log" &
  pid=$!
  trap "kill $pid 2>/dev/null" EXIT
  i=0
  until "$ctl" --session status >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -le 100 ] || { cat "$st/daemon.log" >&2; exit 1; }
    sleep 0.05
  done
  "$ctl" --session resync "file://$st/profiles/line1.xml"
  i=0
  until "$ctl" --session appliers | grep -q "registered"; do
    i=$((i + 1)); [ $i -le 300 ] || { cat "$st/daemon.log" >&2; exit 1; }
    sleep 0.05
  done
  "$ctl" --session appliers' demo "$st" "$ctl" "$daemon" 2>&1 | grep -v "Failed to set fd limit"
echo "-- baresip's accounts (mode $(stat -c %a "$tmp/baresip/accounts")), password hidden here:"
sed 's/auth_pass=[^;]*/auth_pass=********/' "$tmp/baresip/accounts"
echo "-- kamailio's bindings:"
bindings | grep -E "AoR: |Address: " | sed "s/^[[:space:]]*//"
bound 1001 || fail "1001 has no binding"
rm -rf "$tmp"
