#!/bin/sh
# Applier plugins with real peers: provisiond on a private bus resyncs a
# FusionPBX-style profile from nginx; the baresip applier writes baresip's
# accounts and replaces them live over ctrl_tcp; baresip registers with a
# real kamailio (Digest, users from a file). Runs inside tests/in-netns.
#   test-appliers.sh CASE     CASE: baresip
# Environment (meson sets it): PROVISIOND PROVISIONCTL PROV_PLUGIN_PATH
# PROV_SCHEMA_DIR PROV_APPLIER_MAP_DIR PROV_INTEROP_DIR
set -eu
case=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib-dbus.sh"
. "$here/peers/sip-peers.sh"

skip() { echo "SKIP: $*"; exit 77; }
missing=$(sip_peers_missing)
[ -z "$missing" ] || skip "not installed: $(echo $missing)"
interop=${PROV_INTEROP_DIR:-$here/../../shared/interop}
fusionpbx=$interop/profiles/01-fusionpbx-cisco-spa112.xml
[ -f "$fusionpbx" ] || skip "no interop corpus at $interop (../shared is absent)"

st=$tmp/state
mkdir -p "$st"
bsdir=$tmp/baresip

start_kamailio 1001:secret1001 1002:secret1002
start_baresip "$bsdir"
cat >"$st/device.conf" <<EOF
[Device]
MAC=00:0e:08:ab:cd:ef
Vendor=Cisco
ProductName=SPA112
[baresip]
Enabled=true
ConfigDir=$bsdir
Control=127.0.0.1:$ctrl_port
RegisterTimeout=10
EOF
offline set Resync_On_Reset=No Resync_Periodic=0 >/dev/null
start_bus
start_nginx
start_daemon

# The FusionPBX profile as served, but for the registrar's ephemeral port
# and the provisioning rules (this test names its URLs itself).
serve() { # serve NAME SED-SCRIPT
  sed -e "s|<Proxy_\([12]\)_>127.0.0.1</Proxy_|<Proxy_\1_>127.0.0.1:$kam_port</Proxy_|" \
      -e '/<Profile_Rule>/d; /<Upgrade_Rule>/d; /<Resync_Periodic>/d' -e "$2" \
      "$fusionpbx" >"$tmp/www/$1.tmp"
  mv "$tmp/www/$1.tmp" "$tmp/www/$1"
}
n_applied() { grep -c "applier baresip:" "$tmp/daemon.log" || true; }
applied_more_than() { [ "$(n_applied)" -gt "$1" ]; }
accepted_more_than() { [ "$(accepted "$1")" -gt "$2" ]; }
resync() { # resync NAME: one resync, then waits for the applier's result
  before=$(n_applied)
  run 0 ctl resync "http://127.0.0.1:$port/$1"
  wait_until 30 "the applier's result" applied_more_than "$before"
}

case $case in
baresip)
  # 1. The provisioned users register.
  serve p1.xml ''
  resync p1.xml
  wait_until 20 "1001 registered" bound 1001
  wait_until 20 "1002 registered" bound 1002
  has "applier baresip: registered" "$tmp/daemon.log"
  [ "$(stat -c %a "$bsdir/accounts")" = 600 ] || fail "accounts is not 0600"
  has '<sip:1001@127.0.0.1:'"$kam_port"';transport=udp>;auth_pass=secret1001;regint=120' \
    "$bsdir/accounts"
  # Nothing the mapping does not name: not the admin password, the
  # mailbox or the dial plan of the same profile.
  for v in adminpass provpass '\*97' 'park+' 'Yes' 'GMT'; do
    ! grep -q -- "$v" "$bsdir/accounts" || fail "accounts holds '$v', which no mapping names"
  done
  run 0 ctl appliers
  has "baresip	enabled	$bsdir/accounts	registered" "$tmp/out"
  # 2. A new password: the running baresip re-registers with it.
  set_sip_users 1001:n3wsecret 1002:secret1002
  serve p2.xml 's|<Password_1_>secret1001<|<Password_1_>n3wsecret<|'
  ok_before=$(accepted 1001)
  resync p2.xml
  wait_until 20 "1001 registered with the new password" accepted_more_than 1001 "$ok_before"
  has "auth_pass=n3wsecret" "$bsdir/accounts"
  has "applier baresip: registered" "$tmp/daemon.log"
  # 3. A wrong password: line 1 fails, the previous parameters come back,
  # baresip registers again with them, and status and D-Bus say why.
  start_monitor
  serve p3.xml 's|<Password_1_>secret1001<|<Password_1_>wrong<|'
  ok_before=$(accepted 1001)
  resync p3.xml
  wait_until 30 "the rollback" grep -q "rolled back to the previous parameters" "$tmp/daemon.log"
  has "rolled back to the previous parameters: baresip: line 1: 401 Unauthorized" "$tmp/daemon.log"
  wait_until 20 "1001 registered again" accepted_more_than 1001 "$ok_before"
  has "auth_pass=n3wsecret" "$bsdir/accounts"
  lacks "auth_pass=wrong" "$bsdir/accounts"
  [ "$(stat -c %a "$bsdir/accounts")" = 600 ] || fail "accounts is not 0600 after the rollback"
  grep -q "rollback-reason=baresip: line 1: 401 Unauthorized" "$st/status.ini" \
    || fail "status has no rollback reason: $(cat "$st/status.ini")"
  run 0 ctl appliers
  has "baresip	enabled" "$tmp/out"
  # The same failing profile is not applied again.
  # The rollback's own apply is the last: nothing waits or runs now.
  wait_until 30 "the rollback's apply" applied_more_than 4
  # Unchanged for HTTP: nginx answers 304 to the committed validators.
  run 0 ctl resync "http://127.0.0.1:$port/p3.xml"
  grep "resync succeeded" "$tmp/daemon.log" | tail -n 1 | grep -q ": 0 parameters changed" \
    || fail "the rolled-back profile was applied again (304)"
  # The same bytes with new validators (a new mtime, so a new ETag): the
  # content hash still knows them.
  touch -d '+1 minute' "$tmp/www/p3.xml"
  run 0 ctl resync "http://127.0.0.1:$port/p3.xml"
  grep "resync succeeded" "$tmp/daemon.log" | tail -n 1 | grep -q ": 0 parameters changed" \
    || fail "the rolled-back profile was applied again (200, same content)"
  tail -n 1 "$tmp/access.log" | grep -q '" 200 ' || fail "nginx did not serve p3.xml in full"
  lacks "auth_pass=wrong" "$bsdir/accounts"
  # 4. Line 2 disabled: its account unregisters.
  serve p4.xml 's|<Line_Enable_2_>Yes<|<Line_Enable_2_>No<|; s|<Password_1_>secret1001<|<Password_1_>n3wsecret<|'
  resync p4.xml
  wait_until 20 "1002 unregistered" unbound 1002
  bound 1001 || fail "1001 lost its binding when line 2 was disabled"
  lacks "sip:1002@" "$bsdir/accounts"
  ;;
*)
  fail "unknown case $case"
  ;;
esac
stop_daemon
echo "PASS ($case)"
