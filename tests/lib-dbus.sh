# Helpers of the D-Bus tests (test-dbus.sh, test-dbus-flows.sh), sourced
# after `set -eu` and `case=$1`: a private bus, the daemon and its exit
# status, provisionctl, nginx on 127.0.0.1, the monitor, bounded polling.
# The caller sets $st (the state directory) before starting the daemon.
: "${PROVISIOND:?}" "${PROVISIONCTL:?}" "${PROV_PLUGIN_PATH:?}" "${PROV_SCHEMA_DIR:?}"
export LC_ALL=C.UTF-8 no_proxy='*'
unset DBUS_SYSTEM_BUS_ADDRESS
name=org.provisiond.Provisiond1
path=/org/provisiond/Provisiond1

tmp=$(mktemp -d /tmp/prov-dbus-XXXXXX)
# The unprivileged caller must reach the bus socket in here.
chmod 755 "$tmp"
# Scripts add the pids of their own peers to extra_pids.
bus_pid='' nginx_pid='' extra_pids=''
cleanup() {
  for f in "$tmp/daemon.pid" "$tmp/monitor.pid"; do
    [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
  done
  for p in $extra_pids $nginx_pid $bus_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "FAIL ($case): $*" >&2
  for f in "$tmp"/*.log; do
    [ -f "$f" ] && { echo "== $f" >&2; tail -n 20 "$f" >&2; }
  done
  exit 1
}

# Polls a condition every 50 ms, at most SECONDS long.
wait_until() { # wait_until SECONDS WHAT COMMAND…
  limit=$(($1 * 20)) what=$2 i=0
  shift 2
  while ! "$@" >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -le "$limit" ] || fail "timed out waiting for $what"
    sleep 0.05
  done
}

run() { # run EXPECTED_EXIT COMMAND… ; output in $tmp/out and $tmp/err
  want=$1
  shift
  set +e
  "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  set -e
  [ "$got" = "$want" ] && return
  cat "$tmp/out" "$tmp/err" >&2
  fail "'$*' exited $got, expected $want"
}
has() { grep -q -- "$1" "$2" || { cat "$2" >&2; fail "$2 lacks: $1"; }; }
lacks() { # lacks PATTERN FILE…
  pattern=$1
  shift
  ! grep -q -- "$pattern" "$@" || fail "found where it must not be: $pattern"
}
ctl() { "$PROVISIONCTL" --session "$@"; }

# The unprivileged user. setpriv needs real root (in a user namespace nobody
# is not mapped), and nobody may not enter a tree cloned under a directory
# only root may enter (such as /root): provisionctl then runs from a copy in
# $tmp, beside a copy of the library that its $ORIGIN/.. runpath finds.
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
nobody_ctl=
use_nobody() { # sets $nobody_ctl, or prints why nobody cannot run provisionctl and fails
  as_nobody true 2>/dev/null || { echo "cannot switch to nobody here (not real root)"; return 1; }
  if as_nobody "$PROVISIONCTL" --version >/dev/null 2>&1; then
    nobody_ctl=$PROVISIONCTL
    return 0
  fi
  nobody_lib=$(ldd "$PROVISIONCTL" | awk '$1 ~ /^libprovision\.so/ { print $3 }')
  mkdir -p "$tmp/nobody/bin"
  cp "$PROVISIONCTL" "$tmp/nobody/bin/"
  [ -z "$nobody_lib" ] || cp -L "$nobody_lib" "$tmp/nobody/$(basename "$nobody_lib")"
  chmod -R a+rX "$tmp/nobody"
  nobody_ctl=$tmp/nobody/bin/$(basename "$PROVISIONCTL")
  as_nobody "$nobody_ctl" --version >/dev/null 2>&1 ||
    { echo "nobody cannot run $PROVISIONCTL, nor a copy of it in $tmp"; return 1; }
}
offline() { "$PROVISIONCTL" --state-dir "$st" "$@"; }
call() { # call METHOD ARG…
  method=$1
  shift
  gdbus call --session --dest "$name" --object-path "$path" --method "$name.$method" "$@"
}
json_ok() {
  python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1" || fail "not JSON: $1"
}
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

start_bus() {
  cat >"$tmp/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$tmp/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
EOF
  dbus-daemon --nofork --print-address --config-file="$tmp/bus.conf" >"$tmp/bus.addr" \
    2>"$tmp/bus.log" &
  bus_pid=$!
  wait_until 10 "the bus" test -s "$tmp/bus.addr"
  DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$tmp/bus.addr")
  export DBUS_SESSION_BUS_ADDRESS
}

# The daemon runs in a subshell that records its exit status.
start_daemon() { start_daemon_with --session --state-dir "$st" "$@"; }
start_daemon_with() { # start_daemon_with ARG…: exactly these arguments
  rm -f "$tmp/daemon.rc" "$tmp/daemon.pid"
  (
    "$PROVISIOND" "$@" >>"$tmp/daemon.log" 2>&1 &
    echo $! >"$tmp/daemon.pid"
    wait $! && echo 0 >"$tmp/daemon.rc" || echo $? >"$tmp/daemon.rc"
  ) &
  wait_until 10 "the daemon's pid" test -s "$tmp/daemon.pid"
  gdbus wait --session --timeout 10 "$name" || fail "the daemon did not take its name"
}
daemon_exit() { # waits at most SECONDS; prints the exit status
  wait_until "$1" "the daemon to exit" test -s "$tmp/daemon.rc"
  rm -f "$tmp/daemon.pid"
  cat "$tmp/daemon.rc"
}
stop_daemon() {
  kill -TERM "$(cat "$tmp/daemon.pid")"
  rc=$(daemon_exit 30)
  [ "$rc" = 0 ] || fail "the daemon exited $rc on SIGTERM"
}

start_nginx() {
  port=$(free_port)
  mkdir -p "$tmp/www" "$tmp/nginx/tmp"
  cat >"$tmp/nginx.conf" <<EOF
master_process off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx.log info;
events { worker_connections 64; }
http {
  access_log $tmp/access.log;
  client_body_temp_path $tmp/nginx/tmp/body;
  proxy_temp_path $tmp/nginx/tmp/proxy;
  fastcgi_temp_path $tmp/nginx/tmp/fastcgi;
  uwsgi_temp_path $tmp/nginx/tmp/uwsgi;
  scgi_temp_path $tmp/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    root $tmp/www;
    location /slow/ { limit_rate 1m; }
  }
}
EOF
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  "$nginx" -p "$tmp/nginx" -e "$tmp/nginx.log" -c "$tmp/nginx.conf" -g 'daemon off;' &
  nginx_pid=$!
  wait_until 10 nginx curl -s -o /dev/null "http://127.0.0.1:$port/"
}

start_monitor() { # start_monitor [--count N]: events in $tmp/monitor.out
  rm -f "$tmp/monitor.rc" "$tmp/monitor.pid"
  (
    "$PROVISIONCTL" --session monitor "$@" >"$tmp/monitor.out" 2>"$tmp/monitor.err" &
    echo $! >"$tmp/monitor.pid"
    wait $! && echo 0 >"$tmp/monitor.rc" || echo $? >"$tmp/monitor.rc"
  ) &
  wait_until 10 "the monitor" grep -q Monitoring "$tmp/monitor.err"
}
monitor_exit() { # waits at most SECONDS (sanitized builds under load exit slowly); prints the exit status
  wait_until "$1" "the monitor to exit" test -s "$tmp/monitor.rc"
  rm -f "$tmp/monitor.pid"
  cat "$tmp/monitor.rc"
}

# Every signal of the daemon, as gdbus prints them, in $tmp/signals.log.
start_signals() {
  gdbus monitor --session --dest "$name" >"$tmp/signals.log" 2>&1 &
  extra_pids="$extra_pids $!"
  # Printed after a round trip that follows the match rule: nothing is missed.
  wait_until 10 "gdbus monitor" grep -q 'is owned by' "$tmp/signals.log"
}
# Resync, Upgrade and Activate return an id at once; the request ends with
# RequestFinished carrying it. request METHOD ARG…: calls, waits for the
# end, and leaves the signal's line (typed error name, result) in $tmp/out.
request() {
  call "$@" >"$tmp/call.out" 2>&1 || { cat "$tmp/call.out" >&2; fail "$1 refused"; }
  id=$(sed -n 's/^(uint64 \([0-9]*\),)$/\1/p' "$tmp/call.out")
  [ -n "$id" ] || { cat "$tmp/call.out" >&2; fail "$1 returned no id"; }
  wait_until 60 "RequestFinished $id" grep -q "RequestFinished (uint64 $id," "$tmp/signals.log"
  grep "RequestFinished (uint64 $id," "$tmp/signals.log" >"$tmp/out"
}
