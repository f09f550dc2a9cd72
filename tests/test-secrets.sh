#!/bin/sh
# Secrets through the real daemon on a private D-Bus: every place a value or
# a URL leaves provisiond (resync's `changed:` lines, get, dump,
# ListParameters, GetStatus, status, the ResyncFinished signal, the INFO log,
# syslog to a real rsyslogd, status.ini) is searched for the secrets of
# the profile and the rule. Run inside tests/in-netns (meson does).
#   test-secrets.sh CASE     CASE: schema rule url
# Environment (meson sets it): PROVISIOND PROVISIONCTL PROV_PLUGIN_PATH
# PROV_SCHEMA_DIR PROV_LOCALEDIR.
set -eu
case=$1
. "$(dirname "$0")/lib/prov-test.sh"
prov_dbus_setup

make_state
start_bus

# The unprivileged caller (use_nobody and as_nobody come from lib/prov-test.sh).
asuser() { as_nobody "$nobody_ctl" --session "$@"; }
user_call() { # user_call METHOD ARG…
  method=$1
  shift
  as_nobody gdbus call --session --dest "$name" --object-path "$path" --method "$name.$method" "$@"
}

case $case in
schema)
  # Password-like parameters of SPA and MPP profiles, at the top level and
  # inside a group, some with ua="ro" and ua="rw".
  cat >"$profiles/phone.xml" <<EOF
<flat-profile>
  <GPP_A ua="ro">visible</GPP_A>
  <Admin_Password ua="ro">adm-Secret-1</Admin_Password>
  <User_Password ua="rw">usr-Secret-2</User_Password>
  <Admin_Passwd>passwd-Secret-3</Admin_Passwd>
  <Login_Password_1_ ua="ro">xsi-Secret-4</Login_Password_1_>
  <SIP_Password_1_ ua="ro">xsisip-Secret-5</SIP_Password_1_>
  <Password_1_ ua="ro">line-Secret-6</Password_1_>
  <GPP_SC ua="ro">gpp-Secret-7</GPP_SC>
  <Password ua="rw">account-Secret-8</Password>
  <Profile_Password ua="ro">profile-Secret-9</Profile_Password>
  <PSK_1 ua="ro">psk-Secret-10</PSK_1>
  <Wi-Fi_Password_1_ ua="rw">wifi-Secret-11</Wi-Fi_Password_1_>
  <router-configuration>
    <Web_Login_Admin_Password>web-Secret-12</Web_Login_Admin_Password>
  </router-configuration>
</flat-profile>
EOF
  export G_MESSAGES_DEBUG=all
  start_daemon
  start_monitor
  run 0 ctl resync "file://$profiles/phone.xml"
  has '^changed: GPP_A = visible$' "$tmp/out"
  has '^changed: Admin_Password = \*\*\*\*\*\*\*\*$' "$tmp/out"
  has '^changed: router-configuration/Web_Login_Admin_Password = \*\*\*\*\*\*\*\*$' "$tmp/out"
  cp "$tmp/out" "$tmp/resync.out"
  run 0 ctl set Admin_Password=adm-Secret-0
  has '^changed: Admin_Password$' "$tmp/out"
  run 0 ctl --json resync "file://$profiles/phone.xml"
  has '"Admin_Password":"\*\*\*\*\*\*\*\*"' "$tmp/out"
  cat "$tmp/out" >>"$tmp/resync.out"
  run 0 ctl get Admin_Password User_Password Login_Password_1_ PSK_1 \
    router-configuration/Web_Login_Admin_Password
  has '^Admin_Password=\*\*\*\*\*\*\*\*$' "$tmp/out"
  cp "$tmp/out" "$tmp/get.out"
  run 0 ctl dump
  has '<GPP_A ua="ro">visible</GPP_A>' "$tmp/out"
  cp "$tmp/out" "$tmp/dump.out"
  run 0 ctl status
  cp "$tmp/out" "$tmp/status.out"
  lacks Secret- "$tmp/resync.out" "$tmp/get.out" "$tmp/dump.out" "$tmp/status.out" \
    "$tmp/monitor.out" "$tmp/daemon.log" "$st/status.ini"
  if use_nobody >"$tmp/why"; then
    for p in Admin_Password User_Password Login_Password_1_ SIP_Password_1_ PSK_1 Password \
      Wi-Fi_Password_1_ router-configuration/Web_Login_Admin_Password; do
      run 1 asuser get "$p"
      has "no such parameter: $p" "$tmp/err"
    done
    run 0 asuser get GPP_A
    run 0 asuser dump
    has '<GPP_A ua="ro">visible</GPP_A>' "$tmp/out"
    lacks Secret- "$tmp/out"
    lacks Admin_Password "$tmp/out"
    user_call ListParameters >"$tmp/out"
    has "'GPP_A', 'visible', 'ro'" "$tmp/out"
    lacks Secret- "$tmp/out"
    user_call GetParameters "['Admin_Password', 'Web_Login_Admin_Password', \
'router-configuration/Web_Login_Admin_Password', 'GPP_A']" >"$tmp/out"
    has "'GPP_A': 'visible'" "$tmp/out"
    lacks Secret- "$tmp/out"
    run 0 asuser status
    lacks Secret- "$tmp/out"
  else
    echo "as nobody: skipped ($(cat "$tmp/why"))" >&2
  fi
  stop_daemon
  ;;

rule)
  # A Profile_Rule a user may read (ua="ro"), holding every form of secret
  # the old masker let through.
  rule='[--key abc|defgh-K1 --uid alice --pwd xy[z]w-K2]http://bob:pa"ss-K3@127.0.0.1/x.xml'
  rule_b='/a"b.xml | [--pwd after-quote-K4] http://h/c.xml'
  cat >"$profiles/rule.xml" <<EOF
<flat-profile>
  <Profile_Rule ua="ro">$(printf '%s' "$rule" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/"/\&quot;/g')</Profile_Rule>
  <Profile_Rule_B ua="rw">$(printf '%s' "$rule_b" | sed 's/"/\&quot;/g')</Profile_Rule_B>
  <Upgrade_Rule ua="ro">http://fw:fw-K5@127.0.0.1/fw-1.2.3.img</Upgrade_Rule>
  <GPP_B ua="ro">http://dir:dir-K6@127.0.0.1/d.xml</GPP_B>
  <GPP_C ua="ro">sip:1001@127.0.0.1</GPP_C>
</flat-profile>
EOF
  # Applied by the admin; no upgrade may run the rule it sets.
  offline set Upgrade_Enable=No >/dev/null
  run 0 offline resync "file://$profiles/rule.xml"
  start_daemon
  # The admin sees the rules as they are.
  run 0 ctl get Profile_Rule Profile_Rule_B GPP_B
  has "K1" "$tmp/out"
  has "K4" "$tmp/out"
  has "K6" "$tmp/out"
  if ! use_nobody >"$tmp/why"; then
    echo "SKIP: $(cat "$tmp/why")" >&2
    exit 77
  fi
  run 0 asuser get Profile_Rule Profile_Rule_B Upgrade_Rule GPP_B GPP_C
  cat "$tmp/out" >"$tmp/user.out"
  has '^Profile_Rule=\[--key … --uid … --pwd …\]http://bob:…@127.0.0.1/x.xml$' "$tmp/out"
  has '^Profile_Rule_B=/a"b.xml | \[--pwd …\] http://h/c.xml$' "$tmp/out"
  has '^Upgrade_Rule=http://fw:…@127.0.0.1/fw-1.2.3.img$' "$tmp/out"
  has '^GPP_B=http://dir:…@127.0.0.1/d.xml$' "$tmp/out"
  has '^GPP_C=sip:1001@127.0.0.1$' "$tmp/out"
  run 0 asuser dump
  cat "$tmp/out" >>"$tmp/user.out"
  has '<Profile_Rule ua="ro">' "$tmp/out"
  run 0 asuser --json dump
  cat "$tmp/out" >>"$tmp/user.out"
  user_call ListParameters >>"$tmp/user.out"
  user_call GetParameters "['Profile_Rule', 'Profile_Rule_B']" >>"$tmp/user.out"
  lacks 'K[1-6]' "$tmp/user.out"
  lacks alice "$tmp/user.out"
  lacks 'pa"ss' "$tmp/user.out"
  stop_daemon
  ;;

url)
  # A password in a rule's URL, and one in a URL inside its query: the
  # fetch works, and no reader, log, syslog message or file shows either.
  start_nginx
  syslog_dir=$tmp/syslog
  mkdir -p "$syslog_dir"
  peers=$(dirname "$0")/peers
  syslog_port=$("$peers/rsyslog.sh" start "$syslog_dir")
  extra_pids=''
  cleanup_syslog() { "$peers/rsyslog.sh" stop "$syslog_dir" >/dev/null 2>&1 || true; cleanup; }
  trap cleanup_syslog EXIT
  printf '<flat-profile><GPP_A>fetched</GPP_A></flat-profile>' >"$tmp/www/basic.xml"
  offline set "Syslog_Server=127.0.0.1:$syslog_port" Resync_Fails_On_FNF=No \
    'Log_Request_Msg=$PN -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH' >/dev/null
  export G_MESSAGES_DEBUG=all
  start_daemon
  start_monitor
  url="http://bob:UrlPw-P1@127.0.0.1:$port/basic.xml?next=http://carol:UrlPw-P2@h/q"
  missing="http://bob:UrlPw-P3@127.0.0.1:$port/missing.xml"
  run 0 ctl resync "$url"
  has '^changed: GPP_A = fetched$' "$tmp/out"
  has "^fetched: http://bob:…@127.0.0.1:$port/basic.xml?next=http://carol:…@h/q\$" "$tmp/out"
  cp "$tmp/out" "$tmp/resync.out"
  run 0 ctl resync "$missing"
  has "http://bob:…@127.0.0.1:$port/missing.xml" "$tmp/out"
  cat "$tmp/out" >>"$tmp/resync.out"
  closed=$(free_port)
  run 5 ctl resync "http://bob:UrlPw-P4@127.0.0.1:$closed/x.xml"
  cat "$tmp/out" "$tmp/err" >>"$tmp/resync.out"
  run 0 ctl expand "[--pwd UrlPw-P6] $url"
  has "http://bob:…@127.0.0.1:$port/basic.xml" "$tmp/out"
  cat "$tmp/out" "$tmp/err" >>"$tmp/resync.out"
  # An upgrade from a URL with a password: its status and signal too.
  set +e
  ctl upgrade "http://bob:UrlPw-P7@127.0.0.1:$closed/fw-9.9.9.img" >>"$tmp/resync.out" 2>&1
  set -e
  run 0 ctl status
  has "http://bob:…@127.0.0.1:$closed/x.xml" "$tmp/out"
  has "http://bob:…@127.0.0.1:$closed/fw-9.9.9.img" "$tmp/out"
  cp "$tmp/out" "$tmp/status.out"
  run 0 ctl --json status
  cat "$tmp/out" >>"$tmp/status.out"
  call GetStatus >>"$tmp/status.out"
  wait_until 10 "three ResyncFinished" sh -c "[ \$(grep -c ResyncFinished '$tmp/monitor.out') -ge 3 ]"
  has "^ResyncFinished outcome=success url=http://bob:…@127.0.0.1:$port/basic.xml" "$tmp/monitor.out"
  has "^FetchProgress url=http://bob:…@" "$tmp/monitor.out"
  has "^UpgradeFinished .*url=http://bob:…@127.0.0.1:$closed/fw-9.9.9.img" "$tmp/monitor.out"
  # The INFO log names the skipped URL, masked.
  has "bob:…@127.0.0.1:$port/missing.xml: file not found" "$tmp/daemon.log"
  wait_until 10 "the syslog messages" grep -q "Requesting resync.*missing.xml" "$syslog_dir/messages"
  has "Requesting resync http://127.0.0.1:$port/basic.xml?next=http://carol:…@h/q" \
    "$syslog_dir/messages"
  if [ -n "$(find "$st/status.ini" -perm /077)" ]; then
    ls -l "$st/status.ini" >&2
    fail "status.ini is readable by others"
  fi
  for f in "$tmp/resync.out" "$tmp/status.out" "$tmp/monitor.out" "$tmp/daemon.log" "$syslog_dir/messages" "$st/status.ini"; do grep -H UrlPw- "$f" >&2 || true; done
  lacks UrlPw- "$tmp/resync.out" "$tmp/status.out" "$tmp/monitor.out" "$tmp/daemon.log" \
    "$syslog_dir/messages" "$st/status.ini"
  if use_nobody >"$tmp/why"; then
    run 0 asuser status
    has "http://bob:…@" "$tmp/out"
    lacks UrlPw- "$tmp/out"
    user_call GetStatus >"$tmp/out"
    lacks UrlPw- "$tmp/out"
  fi
  # A status.ini written by an older version: read back masked.
  stop_daemon
  sed -i "s|^URL=http://bob:…@|URL=http://bob:UrlPw-P5@|" "$st/status.ini"
  grep -q UrlPw-P5 "$st/status.ini" || fail "could not plant an old status.ini"
  run 0 offline status
  lacks UrlPw- "$tmp/out"
  ;;

*)
  fail "unknown case"
  ;;
esac
echo PASS
