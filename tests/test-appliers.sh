#!/bin/sh
# Applier plugins with real peers: provisiond on a private bus resyncs a
# FusionPBX-style profile from nginx; the baresip applier writes baresip's
# accounts and replaces them live over ctrl_tcp; baresip registers with a
# real kamailio (Digest, users from a file). Runs inside tests/in-netns.
#   test-appliers.sh CASE     CASE: baresip linphone linphone-health template
# Environment (meson sets it): PROVISIOND PROVISIONCTL PROV_PLUGIN_PATH
# PROV_SCHEMA_DIR PROV_APPLIER_MAP_DIR PROV_INTEROP_DIR
set -eu
# The UAs listen on the profile's fixed SIP port (5060): each case gets a
# network namespace of its own, so that cases run in parallel do not meet.
if [ "${PROV_APPLIERS_NETNS:-}" != 1 ]; then
  PROV_APPLIERS_NETNS=1 PROV_IN_NETNS= exec "$(dirname "$0")/in-netns" "$0" "$@"
fi
case=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/prov-test.sh"
prov_dbus_setup
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

lhome=$tmp/lhome ldir=$tmp/linphone
applier=$case
case $case in
baresip)
  start_kamailio 1001:secret1001 1002:secret1002
  # The admin's own config: what a namespace with only lo and no sound
  # card needs. provisiond adds and owns the rest (module_path, the module
  # lines, ctrl_tcp_listen = Control=, sip_listen's port = SIP_Port_1_);
  # baresip starts only when it has written them.
  ctrl_port=$(tcp_port)
  mkdir -p "$bsdir"
  printf '%s\n' '# the admin'"'"'s lines' 'net_interface 127.0.0.1' \
    "sip_listen 127.0.0.1:$(udp_port)" 'ctrl_tcp_listen 127.0.0.1:9' \
    'audio_player aufile,/dev/null' 'audio_source aufile,/dev/null' 'module g711.so' \
    >"$bsdir/config"
  settings="[baresip]
Enabled=true
ConfigDir=$bsdir
Control=127.0.0.1:$ctrl_port
RegisterTimeout=10"
  ;;
linphone|linphone-health)
  command -v linphonecsh >/dev/null 2>&1 || skip "linphonecsh (linphone-cli) is not installed"
  start_kamailio 1001:secret1001 1002:secret1002
  mkdir -p "$lhome/.local/share/linphone" "$ldir"
  # What makes linphonec register in a namespace with only lo.
  printf '[sip]\nauth_net_state_mon=0\nregister_only_when_network_is_up=0\nbind_address=127.0.0.1\n' \
    >"$tmp/lin-own.rc"
  settings="[linphone]
Enabled=true
RcFile=$ldir/provisioned.rc
ReloadCommand=HOME=$lhome $here/peers/linphonec-reload.sh $tmp/lin-own.rc $ldir/provisioned.rc"
  if [ "$case" = linphone-health ]; then
    applier=linphone
    # linphonec's control socket has a fixed path: another linphonec
    # --pipe of this user would answer in place of ours.
    lpipe=/tmp/linphonec-$(id -u)
    if python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(2); s.connect(sys.argv[1])' "$lpipe" 2>/dev/null; then
      skip "another linphonec --pipe of this user answers on $lpipe"
    fi
    settings="[linphone]
Enabled=true
RcFile=$ldir/provisioned.rc
Control=$lpipe
RegisterTimeout=15
ReloadCommand=HOME=$lhome LINPHONEC_PIPE=1 $here/peers/linphonec-reload.sh $tmp/lin-own.rc $ldir/provisioned.rc"
  fi
  ;;
template)
  mkdir -p "$tmp/tpl"
  printf '# for ${station_name}\n{{line}}\n[account${n}]\nuser=${user}\nsecret=${password}\n{{end}}\n' \
    >"$tmp/tpl/in.tmpl"
  settings="[template]
Enabled=true
Template=$tmp/tpl/in.tmpl
Output=$tmp/tpl/out.conf"
  ;;
esac
device_conf() { # device_conf [SETTINGS]
  printf '[Device]\nMAC=00:0e:08:ab:cd:ef\nVendor=Cisco\nProductName=SPA112\n%s\n' "${1:-}" \
    >"$st/device.conf"
}
# The schedule off before the applier is enabled: this offline set starts
# no UA (case baresip 7 tests an offline set that does).
device_conf
offline set Resync_On_Reset=No Resync_Periodic=0 >/dev/null
device_conf "$settings"
start_bus
start_nginx
start_daemon
# The daemon applies the current parameters once at start: wait for that
# result, so that a resync's wait below cannot take it for its own.
n_applied() { grep -c "applier $applier:" "$tmp/daemon.log" || true; }
applied_more_than() { [ "$(n_applied)" -gt "$1" ]; }
wait_until 10 "the applier's start-up result" applied_more_than 0

# The FusionPBX profile as served, but for the registrar's ephemeral port
# and the provisioning rules (this test names its URLs itself).
serve() { # serve NAME SED-SCRIPT
  sed -e '/<Profile_Rule>/d; /<Upgrade_Rule>/d; /<Resync_Periodic>/d' -e "$2" \
      -e "s|<Proxy_\([12]\)_>127.0.0.1</Proxy_|<Proxy_\1_>127.0.0.1:${kam_port:-5060}</Proxy_|" \
      "$fusionpbx" >"$tmp/www/$1.tmp"
  mv "$tmp/www/$1.tmp" "$tmp/www/$1"
}
accepted_more_than() { [ "$(accepted "$1")" -gt "$2" ]; }
appliers_show() { ctl appliers >"$tmp/out" 2>&1 && grep -q "^$1" "$tmp/out"; }
resync() { # resync NAME: one resync, then waits for the applier's result
  before=$(n_applied)
  run 0 ctl resync "http://127.0.0.1:$port/$1"
  wait_until 30 "the applier's result" applied_more_than "$before"
}
# The reload script started linphonec; stop it by its pid.
# (SIGKILL: linphonec can hang in its shutdown.)
stop_linphonec() {
  [ -s "$tmp/lin-own.rc.pid" ] || return 0
  read -r lpid lholder <"$tmp/lin-own.rc.pid"
  kill -KILL "$lpid" "$lholder" 2>/dev/null
}

case $case in
baresip)
  # 0. The start-up apply wrote baresip's config (baresip is not running
  # yet, so its control socket did not answer): the owned keys replaced or
  # added, the admin's lines kept, mode 0600; baresip runs on it.
  has "applier baresip: failed: cannot reach baresip's control socket" "$tmp/daemon.log"
  [ "$(stat -c %a "$bsdir/config")" = 600 ] || fail "config is not 0600"
  for l in "# the admin's lines" 'net_interface 127.0.0.1' 'audio_player aufile,/dev/null' \
      'module g711.so' "ctrl_tcp_listen 127.0.0.1:$ctrl_port" \
      'module_path /usr/lib/baresip/modules' 'module_app account.so' 'module_app menu.so' \
      'module ctrl_tcp.so'; do
    grep -qxF "$l" "$bsdir/config" || { cat "$bsdir/config"; fail "config lacks: $l"; }
  done
  lacks 'ctrl_tcp_listen 127.0.0.1:9$' "$bsdir/config"
  [ "$(grep -c '^ctrl_tcp_listen' "$bsdir/config")" = 1 ] || fail "ctrl_tcp_listen twice"
  run_baresip "$bsdir"
  # 1. The provisioned users register.
  serve p1.xml ''
  resync p1.xml
  # SIP_Port_1_ (5060) is sip_listen's port now, on the admin's address.
  grep -qx 'sip_listen 127.0.0.1:5060' "$bsdir/config" \
    || { cat "$bsdir/config"; fail "config: sip_listen is not 127.0.0.1:5060"; }
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
  # baresip registers again with them, and status, syslog and D-Bus say why.
  syslog_port=$(udp_port)
  python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2], "ab").close()
while True:
    d = s.recv(2048); open(sys.argv[2], "ab").write(d + b"\n")' "$syslog_port" "$tmp/syslog.out" &
  extra_pids="$extra_pids $!"
  wait_until 10 "the syslog listener" test -e "$tmp/syslog.out"
  run 0 ctl set "Syslog_Server=127.0.0.1:$syslog_port"
  gdbus monitor --session --dest "$name" >"$tmp/signals.out" 2>&1 &
  extra_pids="$extra_pids $!"
  wait_until 10 "gdbus monitor" grep -q "Monitoring" "$tmp/signals.out"
  serve p3.xml 's|<Password_1_>secret1001<|<Password_1_>wrong<|'
  ok_before=$(accepted 1001)
  resync p3.xml
  wait_until 30 "the rollback" grep -q "rolled back to the previous parameters" "$tmp/daemon.log"
  has "rolled back to the previous parameters: baresip: line 1: 401 Unauthorized" "$tmp/daemon.log"
  # The rollback's own apply (the result after p3.xml's) puts the old
  # account back.
  wait_until 30 "the rollback's apply" applied_more_than $((before + 1))
  wait_until 20 "1001 registered again" accepted_more_than 1001 "$ok_before"
  has "auth_pass=n3wsecret" "$bsdir/accounts"
  lacks "auth_pass=wrong" "$bsdir/accounts"
  [ "$(stat -c %a "$bsdir/accounts")" = 600 ] || fail "accounts is not 0600 after the rollback"
  grep -q "rollback-reason=baresip: line 1: 401 Unauthorized" "$st/status.ini" \
    || fail "status has no rollback reason: $(cat "$st/status.ini")"
  # The rollback's apply reports once baresip's registration event came
  # over ctrl_tcp, which may be after kamailio accepted it.
  wait_until 20 "the rollback's apply result" appliers_show "baresip	enabled	$bsdir/accounts	registered"
  wait_until 10 "the syslog message" grep -q "Rolled back" "$tmp/syslog.out"
  has "^<132>.* SPA112 00:0e:08:ab:cd:ef -- Rolled back: baresip: line 1: 401 Unauthorized" "$tmp/syslog.out"
  wait_until 10 "the D-Bus signal" grep -q "RolledBack" "$tmp/signals.out"
  has "RolledBack ('baresip: line 1: 401 Unauthorized',)" "$tmp/signals.out"
  lacks "wrong" "$tmp/syslog.out" "$tmp/signals.out" "$st/status.ini"
  # The same failing profile is not applied again.
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
  # 5. A value that would break an account line: refused, nothing written,
  # the error names the line and the key (not the value).
  cp "$bsdir/accounts" "$tmp/accounts.before"
  serve p5.xml 's|<Line_Enable_2_>Yes<|<Line_Enable_2_>No<|; s|<Password_1_>secret1001<|<Password_1_>n3w;secret<|'
  resync p5.xml
  has "applier baresip: failed: line 1: the value of auth_pass has a character an account line cannot hold" \
    "$tmp/daemon.log"
  lacks "n3w;secret" "$tmp/daemon.log"
  cmp "$tmp/accounts.before" "$bsdir/accounts" || fail "a refused value changed the accounts"
  bound 1001 || fail "1001 lost its binding over a refused value"
  stop_daemon
  # 6. baresip restarted on the files provisiond wrote registers line 1
  # from the port SIP_Port_1_ gave sip_listen.
  kill -TERM "$baresip_pid"
  wait_until 20 "1001 unregistered by the stopped baresip" unbound 1001
  gone() { st_=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 0; [ "$st_" = Z ]; }
  wait_until 20 "the stopped baresip's exit" gone "$baresip_pid"
  run_baresip "$bsdir"
  wait_until 20 "1001 registered by the restarted baresip" bound 1001
  bindings | grep -q "Address: sip:1001-[^@]*@127.0.0.1:5060$" \
    || { bindings; fail "1001's contact is not on sip_listen's port 5060"; }
  # 7. set without a daemon (--state-dir) hands the change to the applier
  # too: line 2 comes back live, line 1 (p5's refused value put right)
  # stays as it is.
  ok_before=$(accepted 1001)
  run 0 offline set Line_Enable_2_=Yes Password_1_=n3wsecret
  wait_until 20 "1002 registered after the offline set" bound 1002
  has "sip:1002@" "$bsdir/accounts"
  [ "$(accepted 1001)" = "$ok_before" ] || fail "the offline set re-registered the unchanged line 1"
  run 0 offline appliers
  has "baresip	enabled	$bsdir/accounts	registered: 1 line(s)" "$tmp/out"
  ;;
linphone)
  trap 'stop_linphonec; cleanup' EXIT
  # 1. The provisioned users register through linphonec.
  serve p1.xml ''
  resync p1.xml
  has "applier linphone: ok" "$tmp/daemon.log"
  wait_until 60 "1001 registered" bound 1001
  wait_until 60 "1002 registered" bound 1002
  [ "$(stat -c %a "$ldir/provisioned.rc")" = 600 ] || fail "the linphonerc is not 0600"
  has "^reg_proxy=<sip:127.0.0.1:$kam_port;transport=udp>" "$ldir/provisioned.rc"
  has '^reg_identity="Ext 1001" <sip:1001@127.0.0.1:'"$kam_port"'>' "$ldir/provisioned.rc"
  has "^passwd=secret1001" "$ldir/provisioned.rc"
  has "^sip_port=5060" "$ldir/provisioned.rc"
  for v in adminpass provpass '\*97' 'park+' 'GMT'; do
    ! grep -q -- "$v" "$ldir/provisioned.rc" || fail "the linphonerc holds '$v', which no mapping names"
  done
  # 2. A new password: the restarted linphonec registers with it.
  set_sip_users 1001:n3wsecret 1002:secret1002
  serve p2.xml 's|<Password_1_>secret1001<|<Password_1_>n3wsecret<|'
  ok_before=$(accepted 1001)
  resync p2.xml
  wait_until 60 "1001 registered with the new password" accepted_more_than 1001 "$ok_before"
  has "^passwd=n3wsecret" "$ldir/provisioned.rc"
  # 3. Line 2 disabled: it unregisters.
  serve p4.xml 's|<Line_Enable_2_>Yes<|<Line_Enable_2_>No<|; s|<Password_1_>secret1001<|<Password_1_>n3wsecret<|'
  resync p4.xml
  wait_until 60 "1002 unregistered" unbound 1002
  wait_until 60 "1001 registered" bound 1001
  lacks "sip:1002@" "$ldir/provisioned.rc"
  ;;
linphone-health)
  trap 'stop_linphonec; cleanup' EXIT
  # 1. The provisioned users register through linphonec, and the applier
  # learns it over Control= (linphonec's pipe) before it reports.
  serve p1.xml ''
  resync p1.xml
  has "applier linphone: registered: 2 line(s)" "$tmp/daemon.log"
  bound 1001 || fail "linphone reported 1001 registered, kamailio has no binding"
  bound 1002 || fail "linphone reported 1002 registered, kamailio has no binding"
  run 0 ctl appliers
  has "linphone	enabled	$ldir/provisioned.rc	registered: 2 line(s)" "$tmp/out"
  # 2. A new password: the restarted linphonec registers with it.
  set_sip_users 1001:n3wsecret 1002:secret1002
  serve p2.xml 's|<Password_1_>secret1001<|<Password_1_>n3wsecret<|'
  ok_before=$(accepted 1001)
  resync p2.xml
  [ "$(accepted 1001)" -gt "$ok_before" ] || fail "linphone reported registered before kamailio accepted 1001"
  has "^passwd=n3wsecret" "$ldir/provisioned.rc"
  [ "$(grep -c "applier linphone: registered: 2 line(s)" "$tmp/daemon.log")" = 2 ] \
    || fail "the new password's apply did not report 2 lines registered"
  # 3. A wrong password: line 1 does not register, the previous parameters
  # come back, and linphonec registers again with them. (While linphonec
  # waits for a password on its stdin its pipe may answer late, so line 2
  # can be reported with line 1: only line 1 is asserted.)
  serve p3.xml 's|<Password_1_>secret1001<|<Password_1_>wrong<|'
  ok_before=$(accepted 1001)
  resync p3.xml
  wait_until 30 "the rollback" grep -q "rolled back to the previous parameters" "$tmp/daemon.log"
  has "rolled back to the previous parameters: linphone: line 1: not registered within 15 s" \
    "$tmp/daemon.log"
  # The rollback's own apply restarts linphonec on the old rc.
  wait_until 30 "the rollback's apply" applied_more_than $((before + 1))
  wait_until 30 "1001 registered again" accepted_more_than 1001 "$ok_before"
  has "^passwd=n3wsecret" "$ldir/provisioned.rc"
  lacks "passwd=wrong" "$ldir/provisioned.rc"
  # The store holds the old value again (ctl get would mask it): the last
  # Password_1_ line of the base and its journal, in that order.
  last=$(grep -h "	Password_1_	" "$st"/params.db* | tail -n 1)
  case $last in *"	n3wsecret	"*) ;; *) fail "the store did not get the previous Password_1_ back" ;; esac
  grep -q "rollback-reason=linphone: line 1: not registered within 15 s" "$st/status.ini" \
    || fail "status has no rollback reason: $(cat "$st/status.ini")"
  wait_until 30 "the rollback's apply result" \
    appliers_show "linphone	enabled	$ldir/provisioned.rc	registered: 2 line(s)"
  lacks "wrong" "$st/status.ini"
  ;;
template)
  serve p1.xml ''
  resync p1.xml
  has "applier template: ok" "$tmp/daemon.log"
  [ "$(stat -c %a "$tmp/tpl/out.conf")" = 600 ] || fail "the output is not 0600"
  printf '# for \n[account1]\nuser=1001\nsecret=secret1001\n[account2]\nuser=1002\nsecret=secret1002\n' \
    >"$tmp/tpl/expected"
  cmp "$tmp/tpl/expected" "$tmp/tpl/out.conf" || { diff "$tmp/tpl/expected" "$tmp/tpl/out.conf"; fail "template output"; }
  # A key the mapping does not name is refused, and the output stays.
  printf 'admin=${admin_password}\n' >"$tmp/tpl/in.tmpl"
  serve p2.xml 's|<Password_1_>secret1001<|<Password_1_>n3wsecret<|'
  resync p2.xml
  has 'applier template: failed: .*in.tmpl: line 1: ${admin_password} is not a key of' "$tmp/daemon.log"
  cmp "$tmp/tpl/expected" "$tmp/tpl/out.conf" || fail "a failed render changed the output"
  run 0 ctl appliers
  has "template	enabled	$tmp/tpl/out.conf	failed: " "$tmp/out"
  ;;
*)
  fail "unknown case $case"
  ;;
esac
[ "$case" = baresip ] || stop_daemon
echo "PASS ($case)"
