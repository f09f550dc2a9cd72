#!/bin/sh
# provisiond on a private D-Bus: activation codes against the reference
# activation service, firmware upgrades from nginx and tftpd-hpa, SIP NOTIFY
# handed over D-Bus, and provisiond.conf. Run inside tests/in-netns (meson
# does): every peer listens on 127.0.0.1.
#   test-dbus-flows.sh CASE     CASE: activate upgrade sip config
# Environment (meson sets it): PROVISIOND PROVISIONCTL PROV_PLUGIN_PATH
# PROV_SCHEMA_DIR PROV_LOCALEDIR
set -eu
case=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/prov-test.sh"
prov_dbus_setup

json_get() { # json_get FILE PYTHON-EXPRESSION-ON-d
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
# The parts as an unprivileged user run where nobody can run provisionctl.
can_be_nobody() {
  use_nobody >"$tmp/why" && return 0
  echo "# SKIP the unprivileged part: $(cat "$tmp/why")" >&2
  return 1
}

make_state 1.0.0
device() { write_device 1.0.0 "${1:-}"; } # device [EXTRA-LINES]: with plugin settings
start_bus

case $case in
activate)
  start_nginx
  printf '<flat-profile><GPP_A>activated</GPP_A></flat-profile>\n' >"$tmp/www/phone.xml"
  rule="http://127.0.0.1:$port/phone.xml"
  make_server_cert "$tmp" "Activation Test CA"
  cat >"$tmp/codes.json" <<EOF
{"1234567890123456": {"profile_rule": "$rule"},
 "2222333344445555": {"profile_rule": "$rule", "expires": 1000000000},
 "7777888899990000": {"profile_rule": "$rule"},
 "4444555566667777": {"profile_rule": "$rule"}}
EOF
  start_service() {
    rm -f "$tmp/service.port"
    python3 "$here/peers/activation-service.py" --cert "$tmp/server.pem" --key "$tmp/server.key" \
      --codes "$tmp/codes.json" --port "${1:-0}" --port-file "$tmp/service.port" \
      --log "$tmp/requests.jsonl" >>"$tmp/service.log" 2>&1 &
    service_pid=$!
    extra_pids="$extra_pids $service_pid"
    wait_until 10 "the activation service" test -s "$tmp/service.port"
    service_port=$(cat "$tmp/service.port")
  }
  requests() { [ -f "$tmp/requests.jsonl" ] && wc -l <"$tmp/requests.jsonl" || echo 0; }
  start_service
  device "[gds]
ServiceURL=https://127.0.0.1:$service_port/activate
CAFile=$tmp/ca.pem"
  offline set Profile_Rule=gds:// >/dev/null

  # Profile_Rule is gds:// but no code yet: a resync says what it waits for.
  start_daemon
  run 1 ctl resync
  has "waiting for an activation code" "$tmp/err"
  # Malformed: refused locally, nothing sent.
  run 2 ctl activate 1234-5678
  has "16 digits" "$tmp/err"
  [ "$(requests)" = 0 ] || fail "a malformed code reached the service"
  call Activate "'12345'" >"$tmp/out" 2>&1 && fail "Activate with a malformed code"
  has "$name.Error.InvalidArgs" "$tmp/out"

  # A good code: the service's rule, then the profile it names.
  start_monitor
  run 0 ctl activate 1234-5678-9012-3456
  has "^fetched: $rule\$" "$tmp/out"
  has '^changed: GPP_A = activated$' "$tmp/out"
  has '^changed: Profile_Rule = ' "$tmp/out"
  run 0 ctl get Profile_Rule GPP_A
  has "^Profile_Rule=$rule\$" "$tmp/out"
  has '^GPP_A=activated$' "$tmp/out"
  [ "$(requests)" = 1 ] || fail "expected one request to the service"
  wait_until 10 ResyncFinished grep -q '^ResyncFinished outcome=success' "$tmp/monitor.out"
  has '^ResyncStarted cause=request$' "$tmp/monitor.out"
  # Profile_Rule no longer waits for a code.
  run 1 ctl activate 1234567890123456
  has "does not wait for an activation code" "$tmp/err"
  call Activate "'1234567890123456'" >"$tmp/out" 2>&1 && fail "Activate without gds://"
  has "$name.Error.NotSupported" "$tmp/out"

  # Used and expired codes: "Invalid activation code", exit 6, nothing else changes.
  run 0 ctl set Profile_Rule=gds://
  ctl dump >"$tmp/before.xml"
  for code in 1234567890123456 2222333344445555; do
    run 6 ctl activate "$code"
    has "Invalid activation code" "$tmp/err"
    ctl dump >"$tmp/after.xml"
    cmp -s "$tmp/before.xml" "$tmp/after.xml" || fail "code $code changed parameters"
  done
  # Accepted with an id; RequestFinished carries the typed error.
  start_signals
  request Activate "'1234567890123456'"
  has "'$name.Error.InvalidCode', 'Invalid activation code'" "$tmp/out"
  [ "$(requests)" = 4 ] || fail "expected four requests to the service"
  run 0 ctl --json status
  [ "$(json_get "$tmp/out" 'd["resyncs"][0]["error"]')" = "Invalid activation code" ] ||
    fail "status: $(cat "$tmp/out")"
  # A refused code is no reason to retry.
  run 0 ctl schedule
  lacks '^retry ' "$tmp/out"

  # A user (the phone's UI) may enter a code.
  if can_be_nobody; then
    as_nobody "$nobody_ctl" --session activate 2222-3333-4444-5555 >"$tmp/out" 2>"$tmp/err" &&
      fail "a user activated an expired code"
    has "Invalid activation code" "$tmp/err"
  fi

  # The service down: a transport error, and the retry schedule applies.
  kill "$service_pid"
  wait "$service_pid" 2>/dev/null || true
  run 5 ctl activate 7777888899990000
  run 0 ctl --json status
  [ "$(json_get "$tmp/out" 'd["resyncs"][0]["outcome"]')" = transport-error ] ||
    fail "status: $(cat "$tmp/out")"
  run 0 ctl schedule
  has '^retry ' "$tmp/out"
  lacks 7777888899990000 "$tmp/daemon.log"
  stop_daemon

  # Offline: the same flow in one process.
  start_service "$service_port"
  run 2 offline activate 12
  run 0 offline activate 4444555566667777
  has '^changed: Profile_Rule = ' "$tmp/out"
  run 0 offline get Profile_Rule
  [ "$(cat "$tmp/out")" = "$rule" ] || fail "offline activation: $(cat "$tmp/out")"
  run 1 offline activate 4444555566667777
  has "does not wait for an activation code" "$tmp/err"
  ;;

upgrade)
  start_nginx
  mkdir -p "$tmp/www/slow" "$tmp/tftp"
  head -c $((1536 * 1024)) /dev/urandom >"$tmp/www/slow/fw.1.2.0.img"
  head -c 70000 /dev/urandom >"$tmp/tftp/fw.1.3.0.img"
  head -c 1000 /dev/urandom >"$tmp/www/fw.1.0.5.img"
  start_tftpd "$tmp/tftp"
  # The installer: a copy, or a failure with a message while $tmp/fail exists.
  cat >"$tmp/install.sh" <<EOF
#!/bin/sh
[ -e "$tmp/fail" ] && { echo "flash write error" >&2; exit 3; }
exec cp "\$1" "$tmp/installed.img"
EOF
  chmod +x "$tmp/install.sh"
  device "[installer]
Command=$tmp/install.sh %f"
  printf '<flat-profile><GPP_B>resynced</GPP_B></flat-profile>\n' >"$profiles/p.xml"
  offline set "Profile_Rule=file://$profiles/p.xml" >/dev/null
  # Downloads and HTTP validators go to the cache directory (systemd's
  # CacheDirectory=), never to the state directory.
  start_daemon --cache-dir "$tmp/cache"
  start_monitor
  url=http://127.0.0.1:$port/slow/fw.1.2.0.img

  # Over HTTP, slowly enough to see the state.
  ctl upgrade "$url" >"$tmp/upgrade.out" 2>"$tmp/upgrade.err" &
  upgrade_pid=$!
  wait_until 10 "the state upgrading" sh -c "'$PROVISIONCTL' --session status | grep -q '^State: upgrading$'"
  wait "$upgrade_pid" || { cat "$tmp/upgrade.out" "$tmp/upgrade.err" >&2; fail "upgrade over http"; }
  has "^installed: fw.1.2.0 from $url\$" "$tmp/upgrade.out"
  [ -d "$tmp/cache/firmware" ] || fail "no firmware directory in the cache directory"
  [ ! -e "$st/firmware" ] || fail "firmware downloaded into the state directory"
  cmp -s "$tmp/www/slow/fw.1.2.0.img" "$tmp/installed.img" || fail "installed bytes differ"
  run 0 ctl expand 'http://h/$SWVER'
  has 'http://h/fw.1.2.0$' "$tmp/out"
  # Signals: started, progress, finished; then the resync after an attempt.
  wait_until 10 "the resync after the upgrade" grep -q '^ResyncFinished' "$tmp/monitor.out"
  kill -TERM "$(cat "$tmp/monitor.pid")"
  monitor_exit 30 >/dev/null
  started=$(grep -n '^UpgradeStarted cause=request$' "$tmp/monitor.out" | cut -d: -f1)
  finished=$(grep -n "^UpgradeFinished outcome=installed url=$url version=fw.1.2.0\$" \
    "$tmp/monitor.out" | cut -d: -f1)
  resynced=$(grep -n '^ResyncStarted cause=boot$' "$tmp/monitor.out" | cut -d: -f1)
  if [ -z "$started" ] || [ -z "$finished" ] || [ -z "$resynced" ]; then
    cat "$tmp/monitor.out" >&2
    fail "events missing"
  fi
  [ "$started" -lt "$finished" ] && [ "$finished" -lt "$resynced" ] || fail "events out of order"
  has "^FetchProgress url=$url received=1572864 total=1572864\$" "$tmp/monitor.out"
  run 0 ctl status
  has '^Last upgrades:$' "$tmp/out"
  has "request .*success .*$url" "$tmp/out"

  # At that version: a conditional rule takes no alternative, the same
  # image is current; neither fetches.
  fetches=$(grep -c fw.1.2.0 "$tmp/access.log")
  run 0 ctl upgrade "( \$SWVER ne 1.2.0 )? $url"
  has '^nothing to upgrade' "$tmp/out"
  run 0 ctl set "Upgrade_Rule=( \$SWVER ne 1.2.0 )? $url"
  run 0 ctl --json upgrade
  [ "$(json_get "$tmp/out" 'd["outcome"]')" = none ] || fail "Upgrade_Rule: $(cat "$tmp/out")"
  start_signals
  request Upgrade "'$url'"
  has "'outcome': <'current'>" "$tmp/out"
  has "'version': <'fw.1.2.0'>" "$tmp/out"
  [ "$(grep -c fw.1.2.0 "$tmp/access.log")" = "$fetches" ] || fail "a current image was fetched"

  printf '<flat-profile><GPP_C>over-http</GPP_C></flat-profile>\n' >"$tmp/www/p.xml"
  run 0 ctl resync "http://127.0.0.1:$port/p.xml"
  [ -f "$tmp/cache/http-cache.ini" ] && [ ! -e "$st/http-cache.ini" ] ||
    fail "HTTP validators not kept in the cache directory"

  # Over TFTP.
  turl=tftp://127.0.0.1:$tport/fw.1.3.0.img
  run 0 ctl --json upgrade "$turl"
  [ "$(json_get "$tmp/out" 'd["outcome"] + " " + d["version"]')" = "installed fw.1.3.0" ] ||
    fail "tftp: $(cat "$tmp/out")"
  cmp -s "$tmp/tftp/fw.1.3.0.img" "$tmp/installed.img" || fail "installed bytes differ (tftp)"

  # Errors: the installer fails, a downgrade below the limit, a missing image.
  touch "$tmp/fail"
  run 1 ctl upgrade "http://127.0.0.1:$port/fw.1.0.5.img"
  has 'installer exited with status 3: flash write error' "$tmp/err"
  rm "$tmp/fail"
  run 0 ctl --json status
  [ "$(json_get "$tmp/out" 'd["upgrades"][0]["error"]')" = \
    "installer exited with status 3: flash write error" ] || fail "status: $(cat "$tmp/out")"
  run 0 ctl set Downgrade_Rev_Limit=1.1.0
  run 1 ctl upgrade "http://127.0.0.1:$port/fw.1.0.5.img"
  has 'downgrade below limit 1.1.0' "$tmp/err"
  run 3 ctl upgrade "http://127.0.0.1:$port/fw.9.9.9.img"
  request Upgrade "'http://127.0.0.1:$port/fw.9.9.9.img'"
  has "'$name.Error.FileNotFound'" "$tmp/out"
  run 0 ctl status
  has 'downgrade below limit 1.1.0' "$tmp/out"
  run 0 ctl expand 'http://h/$SWVER'
  has 'http://h/fw.1.3.0$' "$tmp/out"

  # Upgrade_Rule failing schedules a retry (Upgrade_Error_Retry_Delay).
  run 0 ctl set "Upgrade_Rule=http://127.0.0.1:$port/fw.9.9.9.img"
  run 3 ctl upgrade
  run 0 ctl --json status
  [ "$(json_get "$tmp/out" 'd["next-upgrade-retry"]')" != None ] || fail "no upgrade retry"
  run 0 ctl status
  has '^Next upgrade retry: ' "$tmp/out"
  run 0 ctl set Upgrade_Rule=

  # Typed errors; admin only.
  call Upgrade "'( \$A eq 1 ? x/y'" >"$tmp/out" 2>&1 && fail "upgrade with a bad rule"
  has "$name.Error.InvalidRule" "$tmp/out"
  run 0 ctl set Upgrade_Enable=No
  run 1 ctl upgrade "$url"
  has 'Upgrade_Enable is No' "$tmp/err"
  run 0 ctl set Upgrade_Enable=Yes
  if can_be_nobody; then
    as_nobody "$nobody_ctl" --session upgrade "$url" >"$tmp/out" 2>"$tmp/err" &&
      fail "a user upgraded"
    has administrator "$tmp/err"
  fi
  stop_daemon

  # Offline: one attempt in this process.
  run 0 offline upgrade "tftp://127.0.0.1:$tport/fw.1.3.0.img"
  has '^current: fw.1.3.0 ' "$tmp/out"
  run 0 offline set Downgrade_Rev_Limit=
  run 0 offline upgrade "http://127.0.0.1:$port/fw.1.0.5.img"
  has '^installed: fw.1.0.5 ' "$tmp/out"
  cmp -s "$tmp/www/fw.1.0.5.img" "$tmp/installed.img" || fail "installed bytes differ (offline)"
  ;;

sip)
  # The host's own SIP stack receives the NOTIFY and hands it over.
  device "[sip]
Username=prov
Password=n0tify-pw"
  printf '<flat-profile><GPP_C>by-notify</GPP_C></flat-profile>\n' >"$profiles/p.xml"
  offline set "Profile_Rule=file://$profiles/p.xml" >/dev/null
  notify() { # notify [AUTHORIZATION-LINE]: a NOTIFY as a GVariant string
    auth=''
    [ -n "${1:-}" ] && auth="$1\\r\\n"
    printf "'NOTIFY sip:phone@127.0.0.1 SIP/2.0\\\\r\\\\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-%s\\\\r\\\\nFrom: <sip:prov@127.0.0.1>;tag=1\\\\r\\\\nTo: <sip:phone@127.0.0.1>\\\\r\\\\nCall-ID: %s@127.0.0.1\\\\r\\\\nCSeq: %s NOTIFY\\\\r\\\\nEvent: check-sync\\\\r\\\\n%sContent-Length: 0\\\\r\\\\n\\\\r\\\\n'" \
      "$2" "$2" "$3" "$auth"
  }

  # Without a plugin that handles SIP messages: NotSupported.
  PROV_PLUGIN_BLOCK=sip start_daemon
  call HandleSipNotify "$(notify '' a 1)" "'127.0.0.1:5070'" >"$tmp/out" 2>&1 &&
    fail "HandleSipNotify without the sip plugin"
  has "$name.Error.NotSupported" "$tmp/out"
  stop_daemon

  start_daemon
  start_monitor
  call HandleSipNotify "$(notify '' a 1)" "'127.0.0.1:5070'" >"$tmp/out"
  has 'SIP/2.0 401 Unauthorized' "$tmp/out"
  has 'WWW-Authenticate: Digest realm="provisiond"' "$tmp/out"
  # Answer the challenge (RFC 2617, qop=auth): 200, then the resync runs.
  authorization=$(python3 - "$tmp/out" <<'EOF'
import ast, hashlib, re, sys
text = ast.literal_eval(open(sys.argv[1]).read().strip())[0]
nonce = re.search(r'nonce="([^"]+)"', text).group(1)
realm = re.search(r'realm="([^"]+)"', text).group(1)
md5 = lambda s: hashlib.md5(s.encode()).hexdigest()
uri, cnonce, nc = "sip:phone@127.0.0.1", "0a4f113b", "00000001"
ha1 = md5("prov:%s:n0tify-pw" % realm)
ha2 = md5("NOTIFY:" + uri)
response = md5(":".join([ha1, nonce, nc, cnonce, "auth", ha2]))
print('Authorization: Digest username="prov", realm="%s", nonce="%s", uri="%s", '
      'response="%s", algorithm=MD5, qop=auth, nc=%s, cnonce="%s"'
      % (realm, nonce, uri, response, nc, cnonce))
EOF
)
  call HandleSipNotify "$(notify "$authorization" b 2)" "'127.0.0.1:5070'" >"$tmp/out"
  has "SIP/2.0 200 OK" "$tmp/out"
  wait_until 10 "the resync the NOTIFY started" grep -q '^ResyncFinished outcome=success' \
    "$tmp/monitor.out"
  has '^ResyncStarted cause=request$' "$tmp/monitor.out"
  run 0 ctl get GPP_C
  [ "$(cat "$tmp/out")" = by-notify ] || fail "the NOTIFY's resync did not apply"
  # The same answer again is a replay: challenged, never obeyed.
  call HandleSipNotify "$(notify "$authorization" c 3)" "'127.0.0.1:5070'" >"$tmp/out"
  has 'SIP/2.0 401' "$tmp/out"
  if can_be_nobody; then
    if as_nobody gdbus call --session --dest "$name" --object-path "$path" \
      --method "$name.HandleSipNotify" "$(notify '' d 4)" "''" >"$tmp/out" 2>&1; then
      fail "HandleSipNotify as a user"
    fi
    has "$name.Error.PermissionDenied" "$tmp/out"
  fi
  lacks n0tify-pw "$tmp/daemon.log"
  ;;

config)
  plugins=$PROV_PLUGIN_PATH
  unset PROV_PLUGIN_PATH PROV_PLUGIN_BLOCK
  mkdir -p "$tmp/conf-state" "$tmp/other-state"
  printf '[Device]\nProductName=FromConfFile\n' >"$tmp/conf-device.conf"
  printf '[Device]\nProductName=FromCommandLine\n' >"$tmp/cli-device.conf"
  for d in conf-state other-state; do
    "$PROVISIONCTL" --plugin-dir "$plugins" --state-dir "$tmp/$d" set Resync_On_Reset=No >/dev/null
  done
  cat >"$tmp/provisiond.conf" <<EOF
# provisiond.conf(5)
[Daemon]
StateDirectory=$tmp/conf-state
DeviceFile=$tmp/conf-device.conf
PluginPath=$plugins
PluginBlock=tftp,sip
FutureKey=ignored
EOF
  # The file alone.
  start_daemon_with --session --config "$tmp/provisiond.conf"
  # The name is the bus's before the daemon logs that it has it.
  wait_until 10 "the daemon's start message" grep -q "running on $tmp/conf-state as" "$tmp/daemon.log"
  has 'unknown key \[Daemon\] FutureKey ignored' "$tmp/daemon.log"
  run 0 ctl plugins
  has '^http ' "$tmp/out"
  lacks '^tftp ' "$tmp/out"
  lacks '^sip ' "$tmp/out"
  run 0 ctl expand 'http://h/$PN'
  has 'http://h/FromConfFile$' "$tmp/out"
  stop_daemon

  # The environment wins over the file.
  PROV_PLUGIN_BLOCK=http start_daemon_with --session --config "$tmp/provisiond.conf"
  run 0 ctl plugins
  has '^tftp ' "$tmp/out"
  lacks '^http ' "$tmp/out"
  stop_daemon
  sed -i "s|^PluginPath=.*|PluginPath=$tmp/no-plugins-here|" "$tmp/provisiond.conf"
  start_daemon_with --session --config "$tmp/provisiond.conf"
  run 0 ctl plugins
  has '^no plugins loaded$' "$tmp/out"
  stop_daemon
  PROV_PLUGIN_PATH=$plugins start_daemon_with --session --config "$tmp/provisiond.conf"
  run 0 ctl plugins
  has '^http ' "$tmp/out"
  stop_daemon

  # The command line wins over both.
  PROV_PLUGIN_PATH="$tmp/no-plugins-here" start_daemon_with --session \
    --config "$tmp/provisiond.conf" --state-dir "$tmp/other-state" \
    --device "$tmp/cli-device.conf" --plugin-dir "$plugins"
  # The name is the bus's before the daemon logs that it has it.
  wait_until 10 "the daemon's start message" grep -q "running on $tmp/other-state as" "$tmp/daemon.log"
  run 0 ctl expand 'http://h/$PN'
  has 'http://h/FromCommandLine$' "$tmp/out"
  run 0 ctl plugins
  has '^http ' "$tmp/out"
  stop_daemon

  # A named file that is missing, or a malformed file: the daemon does not start.
  run 1 timeout 10 "$PROVISIOND" --session --config "$tmp/missing.conf"
  has "$tmp/missing.conf" "$tmp/err"
  printf '[Daemon\nStateDirectory=/x\n' >"$tmp/bad.conf"
  run 1 timeout 10 "$PROVISIOND" --session --config "$tmp/bad.conf"
  has "$tmp/bad.conf" "$tmp/err"
  run 2 "$PROVISIOND" --config
  ;;

*)
  fail "unknown case"
  ;;
esac
echo PASS
