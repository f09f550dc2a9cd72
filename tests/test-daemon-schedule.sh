#!/bin/sh
# provisiond in the foreground on real time with a 1 s periodic schedule:
# the request and success messages reach a real rsyslogd in order with the
# right text, a failure message with $ERR follows when the HTTP server
# stops, the idle daemon does not wake between deadlines, and SIGTERM stops
# it cleanly. Runs inside tests/in-netns.
#   test-daemon-schedule.sh SOURCE_ROOT BUILD_ROOT
set -eu
src=$1 build=$2
. "$src/tests/lib/prov-test.sh"
prov_test_tmp daemon-schedule
trap '"$src/tests/peers/rsyslog.sh" stop "$tmp/syslog" >/dev/null 2>&1 || true; cleanup' EXIT
export PROV_SCHEMA_DIR="$src/schemas" PROV_PLUGIN_PATH="$build/plugins/file:$build/plugins/http"
ctl="$build/core/cli/provisionctl" daemon="$build/core/daemon/provisiond"

# Waits until FILE has at least N lines matching RE (bounded: 20 s).
wait_lines() {
  i=0
  while [ "$(grep -c -- "$2" "$1" 2>/dev/null || true)" -lt "$3" ]; do
    i=$((i + 1)); [ $i -le 200 ] || { cat "$1" >&2; fail "timed out waiting for $3 × '$2'"; }
    python3 -c 'import time; time.sleep(0.1)'
  done
}

mkdir -p "$tmp/syslog" "$tmp/www" "$tmp/state"
syslog_port=$("$src/tests/peers/rsyslog.sh" start "$tmp/syslog")
printf '<flat-profile><GPP_A>periodic</GPP_A></flat-profile>\n' >"$tmp/www/basic.xml"
http_port=$(free_port)
start_nginx_with "$http_port" "  server { listen 127.0.0.1:$http_port; root $tmp/www; }" \
  "  access_log off;"
cp "$src/data/examples/device.conf" "$tmp/state/device.conf"
"$ctl" --state-dir "$tmp/state" set Resync_Random_Delay=0 Resync_Periodic=1 \
  Resync_Error_Retry_Delay=1 "Syslog_Server=127.0.0.1:$syslog_port" Syslog_Identifier=None \
  "Profile_Rule=http://127.0.0.1:$http_port/basic.xml" >/dev/null

"$daemon" --no-bus --state-dir "$tmp/state" 2>"$tmp/daemon.log" &
daemon_pid=$!
msgs="$tmp/syslog/messages"
wait_lines "$msgs" "Successful resync" 3
# Each request is followed by its success, with the SPEC's default texts.
want_req="CP-8845-3PCC 00:0e:08:ab:cd:ef -- Requesting resync http://127.0.0.1:$http_port/basic.xml"
want_ok="CP-8845-3PCC 00:0e:08:ab:cd:ef -- Successful resync http://127.0.0.1:$http_port/basic.xml"
grep -E "Requesting|Successful" "$msgs" | head -n 6 | sed 's/^<[0-9]*>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* //' >"$tmp/seq"
printf '%s\n%s\n%s\n%s\n%s\n%s\n' "$want_req" "$want_ok" "$want_req" "$want_ok" "$want_req" "$want_ok" \
  | cmp -s - "$tmp/seq" || { cat "$tmp/seq" >&2; fail "messages out of order or wrong text"; }
grep -q "^<134>" "$msgs" || fail "no info-level (local0) message"
[ "$("$ctl" --state-dir "$tmp/state" get GPP_A)" = periodic ] || fail "GPP_A not applied"

# Stop the server: the next resync fails and says why.
kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=
wait_lines "$msgs" "Resync failed: " 1
grep "Resync failed: " "$msgs" | head -n 1 | grep -q -- "-- Resync failed: connection refused" \
  || { grep "Resync failed" "$msgs" >&2; fail "failure message lacks \$ERR"; }
grep -q "^<131>" "$msgs" || fail "failure not sent at level err"

# SIGTERM: a clean, prompt exit.
kill -TERM "$daemon_pid"
i=0
while kill -0 "$daemon_pid" 2>/dev/null; do
  i=$((i + 1)); [ $i -le 100 ] || fail "provisiond did not stop within 10 s of SIGTERM"
  python3 -c 'import time; time.sleep(0.1)'
done
wait "$daemon_pid" || fail "provisiond exited with status $?"
daemon_pid=

# Idle: a fresh device resyncs once at start from a local file; then the
# daemon says when it wakes next (an hour away) and sleeps in poll() until
# then. That line, after the resync's, is the event to wait for: the
# resync's tail (status written, scheduler re-armed) is done. From then on,
# count the context switches of every thread over 3 s (a thread that ends
# counts as one wake-up, a new thread as all of its own). GLib's pool
# thread that ran the resync may wake once in there, half a second after its
# task, to join the unused threads: at most two wake-ups pass.
mkdir -p "$tmp/idle/profiles"
cp "$tmp/www/basic.xml" "$tmp/idle/profiles/basic.xml"
"$ctl" --state-dir "$tmp/idle" set Resync_Random_Delay=0 Resync_Periodic=3600 \
  "Profile_Rule=file://$tmp/idle/profiles/basic.xml" >/dev/null
G_MESSAGES_DEBUG=provisiond "$daemon" --no-bus --state-dir "$tmp/idle" >"$tmp/idle.log" 2>&1 &
daemon_pid=$!
after_resync() { sed -n '/resync succeeded/,$p' "$tmp/idle.log" | grep "next wake-up in "; }
i=0
while ! after_resync >/dev/null; do
  i=$((i + 1)); [ $i -le 200 ] || { cat "$tmp/idle.log" >&2; fail "no next wake-up after the start-up resync"; }
  python3 -c 'import time; time.sleep(0.1)'
done
after_resync | head -n 1 | grep -Eq "next wake-up in 3(600|599) s$" ||
  { cat "$tmp/idle.log" >&2; fail "the next wake-up is not the periodic resync in an hour"; }
threads() { # one line per thread: TID CONTEXT-SWITCHES
  for t in /proc/"$daemon_pid"/task/*; do
    n=$(awk '/ctxt_switches/ { n += $2 } END { print n }' "$t/status" 2>/dev/null) && echo "${t##*/} $n"
  done
}
threads >"$tmp/before"
python3 -c 'import time; time.sleep(3)'   # the measurement window, not a synchronisation
threads >"$tmp/after"
woke=$(awk 'NR == FNR { before[$1] = $2; next }
  { seen[$1] = 1; woke += $2 - ($1 in before ? before[$1] : 0) }
  END { for (t in before) if (!(t in seen)) woke++; print woke + 0 }' "$tmp/before" "$tmp/after")
echo "idle daemon: $woke context switches in 3 s"
[ "$woke" -le 2 ] || { paste "$tmp/before" "$tmp/after" >&2; fail "the idle daemon woke $woke times in 3 s"; }
echo PASS
