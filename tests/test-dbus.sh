#!/bin/sh
# provisiond on a private D-Bus, driven by provisionctl as the admin and as
# an unprivileged user, fetching from nginx on 127.0.0.1. Run inside
# tests/in-netns (meson does), so that nothing leaves the machine.
#   test-dbus.sh CASE     CASE: resync user stop-fetch stop-fifo stop-apply restart errors
# Environment (meson sets it): PROVISIOND PROVISIONCTL PROV_PLUGIN_PATH
# PROV_SCHEMA_DIR PROV_LOCALEDIR
set -eu
case=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/prov-test.sh"
prov_dbus_setup

make_state
start_bus

case $case in
resync)
  start_nginx
  cat >"$tmp/www/basic.xml" <<EOF
<flat-profile>
  <GPP_A ua="ro">12345678</GPP_A>
  <GPP_SB>s3cret</GPP_SB>
</flat-profile>
EOF
  start_daemon
  start_monitor
  url=http://127.0.0.1:$port/basic.xml
  run 0 ctl resync "$url"
  has "^fetched: $url\$" "$tmp/out"
  has "^changed: GPP_A = 12345678\$" "$tmp/out"
  has '^changed: GPP_SB = \*\*\*\*\*\*\*\*$' "$tmp/out"
  wait_until 10 ResyncFinished grep -q ResyncFinished "$tmp/monitor.out"
  kill -TERM "$(cat "$tmp/monitor.pid")"
  rc=$(monitor_exit 30)
  [ "$rc" = 0 ] || fail "monitor exited $rc on SIGTERM"
  # One line per event, in the order they happen.
  started=$(grep -n '^ResyncStarted cause=request$' "$tmp/monitor.out" | cut -d: -f1)
  changed=$(grep -n '^ParametersChanged names=GPP_A,GPP_SB$' "$tmp/monitor.out" | cut -d: -f1)
  finished=$(grep -n "^ResyncFinished outcome=success url=$url changed=GPP_A,GPP_SB\$" \
    "$tmp/monitor.out" | cut -d: -f1)
  if [ -z "$started" ] || [ -z "$changed" ] || [ -z "$finished" ]; then
    cat "$tmp/monitor.out" >&2
    fail "events missing"
  fi
  [ "$started" -lt "$changed" ] && [ "$changed" -lt "$finished" ] || fail "events out of order"
  has "^FetchProgress url=$url received=" "$tmp/monitor.out"
  lacks s3cret "$tmp/out" "$tmp/err" "$tmp/monitor.out" "$tmp/daemon.log"

  # GetStatus: enums are strings, times µs, and every key it returns
  # (nested ones too) is documented in the interface XML.
  call GetStatus >"$tmp/status.out"
  has "'cause': <'request'>" "$tmp/status.out"
  has "'outcome': <'success'>" "$tmp/status.out"
  time=$(sed -n "s/.*'time': <int64 \([0-9]*\)>.*/\1/p" "$tmp/status.out")
  now=$(date +%s)
  [ "$((time / 1000000))" -ge "$((now - 600))" ] && [ "$((time / 1000000))" -le "$now" ] ||
    fail "GetStatus time $time is not wall µs"
  xml=$PROV_SCHEMA_DIR/org.provisiond.Provisiond1.xml
  for key in $(grep -o "'[a-z-]*': <" "$tmp/status.out" | tr -d "': <" | sort -u); do
    grep -q "\"$key\" (" "$xml" || fail "GetStatus key $key is not documented in $xml"
  done

  # --count: the monitor ends by itself after N events.
  start_monitor --count 1
  run 0 ctl set GPP_C=x
  rc=$(monitor_exit 30)
  [ "$rc" = 0 ] || fail "monitor --count 1 exited $rc"
  [ "$(cat "$tmp/monitor.out")" = "ParametersChanged names=GPP_C" ] || fail "monitor --count 1"

  # A NAME without a value: read from standard input, or at a prompt that
  # does not echo, and sent to the daemon; never an argument (never in ps).
  printf 'piped-s3cret\nfrom stdin\n' | run 0 ctl set GPP_SB GPP_C
  has '^changed: GPP_SB$' "$tmp/out"
  [ "$(stored_value "$st" GPP_SB)" = piped-s3cret ] || fail "set from stdin: secret not stored"
  run 0 ctl get GPP_C
  [ "$(cat "$tmp/out")" = "from stdin" ] || fail "set from stdin: GPP_C"
  printf '' | run 2 ctl set GPP_SB
  has "no value for GPP_SB on standard input" "$tmp/err"
  python3 "$here/type-at-prompt.py" typed-s3cret "$PROVISIONCTL" --session set GPP_SB \
    >"$tmp/tty.out" || { cat "$tmp/tty.out" >&2; fail "set at a prompt"; }
  has "Value of GPP_SB (not shown): " "$tmp/tty.out"
  has "changed: GPP_SB" "$tmp/tty.out"
  lacks typed-s3cret "$tmp/tty.out" "$tmp/daemon.log" "$tmp/monitor.out"
  [ "$(stored_value "$st" GPP_SB)" = typed-s3cret ] || fail "set at a prompt: secret not stored"
  run 0 ctl set GPP_SB=s3cret

  # JSON for scripts.
  run 0 ctl --json resync "$url"
  json_ok "$tmp/out"
  has '"fetched":\["http://127.0.0.1:' "$tmp/out"
  for cmd in status schedule plugins dump "get GPP_A GPP_SB"; do
    # shellcheck disable=SC2086
    run 0 ctl --json $cmd
    json_ok "$tmp/out"
  done
  lacks s3cret "$tmp/out"
  # Errors too, once, as a JSON document.
  run 1 ctl --json get No_Such_Param
  json_ok "$tmp/out"
  has '^{"error":{"code":"Failed","message":"no such parameter: No_Such_Param"}}$' "$tmp/out"
  [ ! -s "$tmp/err" ] || fail "a --json error also on stderr: $(cat "$tmp/err")"
  # A command's --help does nothing else; the daemon's state in Japanese.
  run 0 ctl resync --help
  has 'provisionctl resync \[OPTION…\] \[RULE\]' "$tmp/out"
  run 0 env LANGUAGE=ja LC_ALL=ja_JP.UTF-8 "$PROVISIONCTL" --session status
  has '^状態: 待機中$' "$tmp/out"

  # The DHCP server: option 160 comes before 150 in DHCP_Option_To_Use.
  mkdir -p "$tmp/www/dir"
  printf '<flat-profile><GPP_D>from-dhcp</GPP_D></flat-profile>' >"$tmp/www/dir/basic2.xml"
  call SetDhcpOptions "{uint32 150: '10.0.0.1', 160: 'http://127.0.0.1:$port/dir'}" >"$tmp/out"
  has "http://127.0.0.1:$port/dir" "$tmp/out"
  run 0 ctl resync /basic2.xml
  has "^fetched: http://127.0.0.1:$port/dir/basic2.xml\$" "$tmp/out"
  has "^changed: GPP_D = from-dhcp\$" "$tmp/out"

  # A progress bar on a terminal, for long fetches (about 2 s here).
  python3 -c 'import sys
print("<flat-profile>")
for i in range(40000): print("<Big_%d>%s</Big_%d>" % (i, "x" * 20, i))
print("</flat-profile>")' >"$tmp/www/slow.xml"
  mkdir -p "$tmp/www/slow"
  mv "$tmp/www/slow.xml" "$tmp/www/slow/big.xml"
  script -qfec "$PROVISIONCTL --session resync http://127.0.0.1:$port/slow/big.xml" /dev/null \
    >"$tmp/tty.out" </dev/null || fail "resync on a terminal"
  has '\] 100%' "$tmp/tty.out"
  ;;

user)
  if ! use_nobody >"$tmp/why"; then
    echo "SKIP: $(cat "$tmp/why")" >&2
    exit 77
  fi
  asuser() { as_nobody "$nobody_ctl" --session "$@"; }
  cat >"$profiles/user.xml" <<EOF
<flat-profile>
  <GPP_A ua="na">hidden-na</GPP_A>
  <GPP_B ua="ro">read-only</GPP_B>
  <GPP_C ua="rw">read-write</GPP_C>
  <GPP_SA ua="rw">s3cret-sa</GPP_SA>
  <Profile_Rule ua="ro">file://$profiles/user.xml</Profile_Rule>
</flat-profile>
EOF
  start_daemon
  run 0 ctl resync "file://$profiles/user.xml"
  run 1 asuser get GPP_A
  [ ! -s "$tmp/out" ] || fail "a user read an na parameter"
  has "no such parameter: GPP_A" "$tmp/err"
  run 1 asuser get GPP_SA
  run 0 asuser get GPP_B GPP_C
  has '^GPP_B=read-only$' "$tmp/out"
  run 0 asuser dump
  has '<GPP_B ua="ro">read-only</GPP_B>' "$tmp/out"
  has '<GPP_C ua="rw">read-write</GPP_C>' "$tmp/out"
  lacks GPP_A "$tmp/out"
  lacks GPP_SA "$tmp/out"
  lacks hidden-na "$tmp/out"
  run 0 asuser --json dump
  json_ok "$tmp/out"
  lacks hidden-na "$tmp/out"
  # Writes: ro and na refused, rw allowed, all or nothing.
  run 1 asuser set GPP_B=mine
  run 1 asuser set GPP_A=mine
  run 0 asuser set GPP_C=mine
  run 1 asuser set GPP_C=again GPP_B=again
  run 0 ctl get GPP_A GPP_B GPP_C
  has '^GPP_A=hidden-na$' "$tmp/out"
  has '^GPP_B=read-only$' "$tmp/out"
  has '^GPP_C=mine$' "$tmp/out"
  # Resync while User_Configurable_Resync is Yes (the default): the
  # configured rules, and a profile rule of one's own (the seed's user menu).
  run 0 asuser resync
  has "^fetched: file://$profiles/user.xml\$" "$tmp/out"
  has '^changed: GPP_C = read-write$' "$tmp/out"
  printf '<flat-profile><GPP_C>own-rule</GPP_C></flat-profile>\n' >"$profiles/own.xml"
  run 0 asuser resync "file://$profiles/own.xml"
  has "^fetched: file://$profiles/own.xml\$" "$tmp/out"
  has '^changed: GPP_C = own-rule$' "$tmp/out"
  # No: both refused, saying why; the admin still may.
  run 0 ctl set User_Configurable_Resync=No
  run 1 asuser resync
  has 'resync by users is off (User_Configurable_Resync is No)' "$tmp/err"
  run 1 asuser resync "file://$profiles/user.xml"
  has 'users may not resync from a rule of their own (User_Configurable_Resync is No)' "$tmp/err"
  run 0 ctl get GPP_C
  has '^own-rule$' "$tmp/out"
  run 0 ctl resync "file://$profiles/user.xml"
  has '^changed: GPP_C = read-write$' "$tmp/out"
  # Admin-only methods; status is for everyone.
  run 1 asuser expand /x.xml
  run 1 asuser plugins
  run 0 asuser status
  if as_nobody gdbus call --session --dest "$name" \
    --object-path "$path" --method "$name.SetLineState" 1 true >"$tmp/out" 2>&1; then
    fail "SetLineState as a user"
  fi
  has "$name.Error.PermissionDenied" "$tmp/out"
  call SetLineState 1 true >/dev/null
  run 0 ctl --json status
  has '"lines-busy":true' "$tmp/out"
  lacks s3cret "$tmp/daemon.log"
  ;;

stop-fetch)
  start_nginx
  mkdir -p "$tmp/www/slow"
  head -c $((50 * 1024 * 1024)) /dev/zero >"$tmp/www/slow/huge.xml"
  printf '<flat-profile><GPP_A>before</GPP_A></flat-profile>' >"$profiles/a.xml"
  offline set Max_Profile_Size=$((64 * 1024 * 1024)) >/dev/null
  offline resync "file://$profiles/a.xml" >/dev/null 2>&1
  before=$(cat "$st"/params.db* | md5sum)
  start_daemon
  start_monitor
  (
    ctl resync "http://127.0.0.1:$port/slow/huge.xml" >"$tmp/resync.out" 2>"$tmp/resync.log" &&
      echo 0 >"$tmp/resync.rc" || echo $? >"$tmp/resync.rc"
  ) &
  wait_until 10 "the fetch to start" grep -q FetchProgress "$tmp/monitor.out"
  kill -TERM "$(cat "$tmp/daemon.pid")"
  # Promptly: the fetch would take 50 s.
  rc=$(daemon_exit 5)
  [ "$rc" = 0 ] || fail "the daemon exited $rc"
  wait_until 10 "the resync call to end" test -s "$tmp/resync.rc"
  [ "$(cat "$tmp/resync.rc")" = 1 ] || fail "resync exited $(cat "$tmp/resync.rc")"
  has cancelled "$tmp/resync.log"
  [ "$(cat "$st"/params.db* | md5sum)" = "$before" ] || fail "the store changed"
  run 0 offline status
  has "request .*huge.xml  -- cancelled" "$tmp/out"
  ;;

stop-fifo)
  # A FIFO in the profile root is refused at once: opening it for reading
  # would wait for a writer that never comes, and the daemon with it.
  mkfifo "$profiles/fifo.xml"
  printf '<flat-profile><GPP_A>after</GPP_A></flat-profile>' >"$profiles/a.xml"
  start_daemon
  run 5 timeout 10 "$PROVISIONCTL" --session resync "file://$profiles/fifo.xml"
  has "file: not a regular file (a FIFO)" "$tmp/err"
  run 0 ctl status
  has "fifo.xml  -- file: not a regular file (a FIFO)" "$tmp/out"
  run 0 ctl resync "file://$profiles/a.xml"
  has "^changed: GPP_A = after\$" "$tmp/out"

  # SIGTERM during a fetch stops the daemon promptly: a TFTP server that
  # takes the request and never answers would keep it retrying for 30 s.
  python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(sys.argv[1], "w").write("%d\n" % s.getsockname()[1])
s.recvfrom(600)
open(sys.argv[2], "w").write("got\n")
time.sleep(600)' "$tmp/tftp.port.tmp" "$tmp/tftp.got" &
  extra_pids="$extra_pids $!"
  wait_until 10 "the silent server" test -s "$tmp/tftp.port.tmp"
  tport=$(cat "$tmp/tftp.port.tmp")
  (
    ctl resync "tftp://127.0.0.1:$tport/slow.xml" >"$tmp/resync.out" 2>"$tmp/resync.log" &&
      echo 0 >"$tmp/resync.rc" || echo $? >"$tmp/resync.rc"
  ) &
  wait_until 10 "the request" test -s "$tmp/tftp.got"
  kill -TERM "$(cat "$tmp/daemon.pid")"
  rc=$(daemon_exit 5)
  [ "$rc" = 0 ] || fail "the daemon exited $rc"
  wait_until 10 "the resync call to end" test -s "$tmp/resync.rc"
  [ "$(cat "$tmp/resync.rc")" = 1 ] || fail "resync exited $(cat "$tmp/resync.rc")"
  has cancelled "$tmp/resync.log"
  ;;

stop-apply)
  # A large profile, all old or all new: SIGTERM at random moments of
  # resyncs between the two must leave exactly one of them every time.
  n=20000
  for v in old new; do
    awk -v n=$n -v v=$v 'BEGIN { print "<flat-profile>";
      for (i = 0; i < n; i++) printf "<Test_Param_%d>%s-%d</Test_Param_%d>\n", i, v, i, i;
      print "</flat-profile>" }' >"$profiles/$v.xml"
  done
  offline resync "file://$profiles/old.xml" >/dev/null 2>&1
  # How long one resync of this profile takes here (a sanitized build is
  # several times slower): the stops are drawn over twice that.
  start_daemon
  t0=$(date +%s%N)
  ctl resync "file://$profiles/old.xml" >/dev/null 2>&1 || fail "the timing resync failed"
  window=$(( ($(date +%s%N) - t0) / 500000 ))
  [ "$window" -ge 50 ] || window=50
  stop_daemon
  current=old applied=0
  for iteration in $(seq 20); do
    next=new
    [ "$current" = new ] && next=old
    start_daemon
    ctl resync "file://$profiles/$next.xml" >/dev/null 2>&1 &
    resync_pid=$!
    # The moment of the stop is the point of the test: random, from 0 to
    # twice the time a resync of this profile takes (at least 50 ms).
    sleep "$(awk -v r="$(shuf -i 0-"$window" -n 1)" 'BEGIN { printf "%.3f", r / 1000 }')"
    stop_daemon
    # The call ends with the daemon: answered, or "no reply".
    wait "$resync_pid" || true
    offline --json dump >"$tmp/dump.json"
    state=$(python3 - "$tmp/dump.json" $n <<'EOF'
import json, sys
values = {p["name"]: p["value"] for p in json.load(open(sys.argv[1]))}
n = int(sys.argv[2])
for v in ("old", "new"):
    if all(values.get("Test_Param_%d" % i) == "%s-%d" % (v, i) for i in range(n)):
        print(v)
        break
else:
    print("mixed")
EOF
)
    case $state in
    "$current") ;;
    "$next") current=$next applied=$((applied + 1)) ;;
    *) fail "iteration $iteration: the store is neither old nor new" ;;
    esac
  done
  echo "stop-apply: $applied of 20 resyncs applied before the stop (stops within $window ms)"
  [ "$applied" -gt 0 ] || fail "no resync ever completed: the test proved nothing"
  ;;

restart)
  printf '<flat-profile><GPP_A>kept</GPP_A></flat-profile>' >"$profiles/a.xml"
  offline set "Profile_Rule=file://$profiles/a.xml" >/dev/null
  start_daemon
  run 0 ctl resync
  next_resync() {
    gdbus call --session --dest "$name" --object-path "$path" \
      --method org.freedesktop.DBus.Properties.Get "$name" NextResync
  }
  before=$(next_resync)
  case $before in *"int64 0>"*) fail "no resync is scheduled after a success" ;; esac
  run 0 ctl schedule
  has '^periodic ' "$tmp/out"
  stop_daemon
  start_daemon
  after=$(next_resync)
  [ "$before" = "$after" ] || fail "NextResync $before became $after"
  run 0 ctl get GPP_A
  [ "$(cat "$tmp/out")" = kept ] || fail "the store was not kept"
  run 0 ctl status
  has "request .*success .*file://$profiles/a.xml" "$tmp/out"
  stop_daemon
  # Offline, the same plan from the persisted state.
  run 0 offline schedule
  has '^periodic ' "$tmp/out"
  ;;

errors)
  start_nginx
  start_daemon
  start_signals
  # Typed errors: the D-Bus name in RequestFinished, and the exit code of
  # the offline mode.
  request Resync "file://$profiles/missing.xml"
  has "'$name.Error.FileNotFound'" "$tmp/out"
  # monitor: a failure's line shows its error in place of what a success
  # reports; in JSON the error is set and changed is empty.
  monitor_json=1
  start_monitor
  monitor_json=
  run 3 ctl resync "file://$profiles/missing.xml"
  wait_until 10 ResyncFinished grep -q '"event": *"ResyncFinished"' "$tmp/monitor.out"
  has '"event": *"ResyncFinished", *"outcome": *"file-not-found", *"url": *"file://'"$profiles"'/missing.xml", *"error": *"[^"]' "$tmp/monitor.out"
  has '"changed": *\[\]' "$tmp/monitor.out"
  kill -TERM "$(cat "$tmp/monitor.pid")"
  [ "$(monitor_exit 30)" = 0 ] || fail "monitor exited non-zero on SIGTERM"
  start_monitor
  run 3 ctl resync "file://$profiles/missing.xml"
  wait_until 10 ResyncFinished grep -q '^ResyncFinished' "$tmp/monitor.out"
  has "^ResyncFinished outcome=file-not-found url=file://$profiles/missing.xml error=." "$tmp/monitor.out"
  lacks "changed=" "$tmp/monitor.out"
  kill -TERM "$(cat "$tmp/monitor.pid")"
  [ "$(monitor_exit 30)" = 0 ] || fail "monitor exited non-zero on SIGTERM"
  printf '<flat-profile><GPP_A>x</GPP_B></flat-profile>' >"$profiles/bad.xml"
  request Resync "file://$profiles/bad.xml"
  has "'$name.Error.Corrupt'" "$tmp/out"
  run 4 ctl resync "file://$profiles/bad.xml"
  closed=$(free_port)
  run 5 ctl resync "http://127.0.0.1:$closed/x.xml"
  call Resync '( $A eq 1 ? x/y' >"$tmp/out" 2>&1 && fail "resync of a bad rule"
  has "$name.Error.InvalidRule" "$tmp/out"
  run 1 ctl resync '( $A eq 1 ? x/y'
  run 4 ctl set Resync_Random_Delay=70000
  has "out of range" "$tmp/err"
  run 3 ctl resync "http://127.0.0.1:$port/nothing.xml"
  run 0 ctl set Provision_Enable=No
  call Resync "''" >"$tmp/out" 2>&1 && fail "resync while disabled"
  has "$name.Error.Disabled" "$tmp/out"
  run 0 ctl set Provision_Enable=Yes
  run 2 ctl monitor --bogus
  run 2 "$PROVISIONCTL" --session --state-dir "$st" status
  # --address reaches the same daemon without the environment.
  run 0 env -u DBUS_SESSION_BUS_ADDRESS "$PROVISIONCTL" --address "$DBUS_SESSION_BUS_ADDRESS" status
  has '^State: idle$' "$tmp/out"
  run 2 "$PROVISIONCTL" --state-dir "$st" monitor
  # A second daemon cannot take the name: it exits non-zero at once.
  set +e
  timeout 10 "$PROVISIOND" --session --state-dir "$st" >"$tmp/second.log" 2>&1
  rc=$?
  set -e
  [ "$rc" != 0 ] && [ "$rc" != 124 ] || fail "a second daemon exited $rc"
  stop_daemon
  run 1 ctl status
  has "cannot talk to provisiond" "$tmp/err"
  # A damaged line of the store, far from what opening reads: the daemon
  # checks the whole store and refuses to start.
  sed -i 's/^\(-\tResync_On_Reset\t\)No/\1NO/' "$st/params.db"
  grep -q 'Resync_On_Reset.NO' "$st/params.db" || fail "no line to damage"
  set +e
  timeout 10 "$PROVISIOND" --session --state-dir "$st" >"$tmp/damaged.log" 2>&1
  rc=$?
  set -e
  [ "$rc" = 1 ] || fail "a daemon on a damaged store exited $rc"
  grep -q 'params.db: line .*checksum mismatch' "$tmp/damaged.log" || fail "no reason given"
  ;;

timeout)
  # Resync returns its id at once: a caller's short D-Bus timeout cannot
  # fail a resync that succeeds (here one that takes about 2 s: nginx
  # sends /slow/ at 1 MB/s).
  start_nginx
  mkdir -p "$tmp/www/slow"
  python3 -c 'print("<flat-profile>")
for i in range(40000): print("<Big_%d>%s</Big_%d>" % (i, "x" * 20, i))
print("</flat-profile>")' >"$tmp/www/slow/big.xml"
  start_daemon
  start_signals
  url=http://127.0.0.1:$port/slow/big.xml
  gdbus call --session --timeout 1 --dest "$name" --object-path "$path" \
    --method "$name.Resync" "$url" >"$tmp/call.out" 2>&1 ||
    { cat "$tmp/call.out" >&2; fail "Resync with a 1 s timeout failed"; }
  id=$(sed -n 's/^(uint64 \([0-9]*\),)$/\1/p' "$tmp/call.out")
  [ -n "$id" ] || fail "no id: $(cat "$tmp/call.out")"
  wait_until 60 "RequestFinished $id" grep -q "RequestFinished (uint64 $id," "$tmp/signals.log"
  has "RequestFinished (uint64 $id, '', '', {'url': <'$url'>, 'changed': <\['Big_" \
    "$tmp/signals.log"
  # The slow fetch really outlasted the caller's timeout.
  has "FetchProgress ('$url'" "$tmp/signals.log"
  run 0 ctl get Big_39999
  [ "$(cat "$tmp/out")" = xxxxxxxxxxxxxxxxxxxx ] || fail "the resync did not apply"

  # provisionctl waits for its own id, and says so when the daemon
  # vanishes before the request ends (SIGKILL: no signal at all).
  printf '<flat-profile><Big_0>changed</Big_0></flat-profile>' >"$tmp/www/small.xml"
  run 0 ctl resync "http://127.0.0.1:$port/small.xml"
  has '^changed: Big_0 = changed$' "$tmp/out"
  # Another file: the first one would be answered 304 Not Modified.
  cp "$tmp/www/slow/big.xml" "$tmp/www/slow/big2.xml"
  url=http://127.0.0.1:$port/slow/big2.xml
  (
    ctl resync "$url" >"$tmp/resync.out" 2>"$tmp/resync.log" &&
      echo 0 >"$tmp/resync.rc" || echo $? >"$tmp/resync.rc"
  ) &
  wait_until 10 "the slow fetch" grep -q "FetchProgress ('$url'" "$tmp/signals.log"
  kill -KILL "$(cat "$tmp/daemon.pid")"
  daemon_exit 10 >/dev/null
  wait_until 10 "the resync call to end" test -s "$tmp/resync.rc"
  [ "$(cat "$tmp/resync.rc")" = 1 ] || fail "resync exited $(cat "$tmp/resync.rc")"
  has "provisiond left the bus before the request finished" "$tmp/resync.log"
  ;;

*)
  fail "unknown case"
  ;;
esac
echo PASS
