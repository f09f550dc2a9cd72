# shellcheck shell=sh
# The library of the shell tests (tests/*.sh, tests/bench/*.sh), sourced
# after `set -eu` (and `case=$1` where a script runs cases). Sourcing only
# defines functions; a script then calls what it needs:
#   prov_test_tmp NAME   $tmp (/tmp/prov-NAME-…), removed at exit with the
#                        peers of $extra_pids, $daemon_pid, $nginx_pid, $bus_pid
#   prov_dbus_setup      the D-Bus tests' environment and $tmp (prov-dbus)
#   make_state           $st, a state directory whose boot resync is off
# and fail, wait_until, run, has, lacks, free_port, port_open,
# start_nginx(_with), start_tftpd, make_server_cert, best_wall, the D-Bus
# helpers (start_bus, start_daemon, monitor, signals, request, nobody) and
# stored_value.

bus_pid='' nginx_pid='' daemon_pid='' extra_pids=''
prov_test_tmp() { # prov_test_tmp NAME
  tmp=$(mktemp -d "/tmp/prov-$1-XXXXXX")
  # The unprivileged caller must reach the bus socket in here.
  chmod 755 "$tmp"
  trap cleanup EXIT
  trap 'exit 1' INT TERM
}
cleanup() {
  for f in "$tmp/daemon.pid" "$tmp/monitor.pid"; do
    [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
  done
  for p in $extra_pids $daemon_pid $nginx_pid $bus_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
fail() {
  echo "FAIL${case:+ ($case)}: $*" >&2
  for f in "$tmp"/*.log; do
    [ -f "$f" ] && { echo "== $f" >&2; tail -n 30 "$f" >&2; }
  done
  exit 1
}

# Polls a condition every 50 ms; gives up once SECONDS have passed on the
# wall clock and SECONDS × 20 polls were made (a slow COMMAND on a loaded
# machine does not shorten the wait).
wait_until() { # wait_until SECONDS WHAT COMMAND…
  end=$(($(date +%s) + $1 + 1)) limit=$(($1 * 20)) what=$2 i=0
  shift 2
  while ! "$@" >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -le "$limit" ] || [ "$(date +%s)" -lt "$end" ] || fail "timed out waiting for $what"
    sleep 0.05
  done
}
has() { grep -q -- "$1" "$2" || { cat "$2" >&2; fail "$2 lacks: $1"; }; }
lacks() { # lacks PATTERN FILE…
  pattern=$1
  shift
  ! grep -q -- "$pattern" "$@" || fail "found in $*: $pattern"
}
free_port() { # free_port [tcp|udp]: a port free on 127.0.0.1 now
  python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' "${1:-tcp}"
}

# A CA (ca.pem, ca.key, subject /CN=CA-NAME) and a server certificate for
# 127.0.0.1 (server.pem, server.key) in DIR, made with the openssl CLI.
make_server_cert() { # make_server_cert DIR CA-NAME
  (
    cd "$1"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key \
      -out ca.pem -days 2 -subj "/CN=$2" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key \
      -out server.csr -subj "/CN=127.0.0.1"
    printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n' \
      >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
      -days 2 -extfile server.ext
  ) >"$1/openssl.log" 2>&1 || fail "openssl: $(cat "$1/openssl.log")"
}

# The best wall-clock time of $runs runs of a command, in seconds; the
# command in $prepare (if any) runs before each, untimed.
best_wall() { # best_wall COMMAND…
  best=
  i=0
  while [ "$i" -lt "$runs" ]; do
    [ -n "${prepare:-}" ] && $prepare
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    t=$((end - start))
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    i=$((i + 1))
  done
  awk -v ns="$best" 'BEGIN { printf "%.3f", ns / 1e9 }'
}

# ---- D-Bus: a private bus, the daemon and its exit status, provisionctl,
# nginx on 127.0.0.1, the monitor. The caller sets $st (the state
# directory, make_state) before starting the daemon.
prov_dbus_setup() {
  : "${PROVISIOND:?}" "${PROVISIONCTL:?}" "${PROV_PLUGIN_PATH:?}" "${PROV_SCHEMA_DIR:?}"
  export LC_ALL=C.UTF-8 no_proxy='*'
  unset DBUS_SYSTEM_BUS_ADDRESS
  name=org.provisiond.Provisiond1
  path=/org/provisiond/Provisiond1
  prov_test_tmp dbus
}

# A state directory $st whose boot resync is off (every resync is the
# test's), with the test phone of software VERSION (default 11.3.1) in its
# device file, and EXTRA-LINES (plugin settings) after [Device].
make_state() { # make_state [VERSION [EXTRA-LINES]]
  st=$tmp/state profiles=$tmp/state/profiles
  mkdir -p "$profiles"
  write_device "${1:-11.3.1}" "${2:-}"
  offline set Resync_On_Reset=No >/dev/null
}
write_device() { # write_device VERSION [EXTRA-LINES]: $st/device.conf
  cat >"$st/device.conf" <<EOF
[Device]
MAC=00:0e:08:ab:cd:ef
Vendor=Cisco
ProductName=CP-8845-3PCC
SeriesNumber=8845
SerialNumber=88012BA01234
SoftwareVersion=$1
${2:-}
EOF
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

# nginx on 127.0.0.1 in the foreground, its files in $tmp/nginx, its log
# in $tmp/nginx.log; ready once each of PORTS accepts connections.
start_nginx_with() { # start_nginx_with "PORT…" SERVER-BLOCKS [HTTP-LINES]
  mkdir -p "$tmp/nginx/tmp"
  cat >"$tmp/nginx.conf" <<EOF
master_process off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx.log info;
events { worker_connections 64; }
http {
  client_body_temp_path $tmp/nginx/tmp/body;
  proxy_temp_path $tmp/nginx/tmp/proxy;
  fastcgi_temp_path $tmp/nginx/tmp/fastcgi;
  uwsgi_temp_path $tmp/nginx/tmp/uwsgi;
  scgi_temp_path $tmp/nginx/tmp/scgi;
${3:-}
$2
}
EOF
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  "$nginx" -p "$tmp/nginx" -e "$tmp/nginx.log" -c "$tmp/nginx.conf" -g 'daemon off;' &
  nginx_pid=$!
  for p in $1; do wait_until 10 "nginx on port $p" port_open "$p"; done
}
port_open() { # port_open PORT: something accepts TCP connections on 127.0.0.1:PORT
  python3 -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()' "$1"
}
# $tmp/www on $port; /slow/ at 1 MB/s; requests in $tmp/access.log.
start_nginx() {
  port=$(free_port)
  mkdir -p "$tmp/www"
  start_nginx_with "$port" "  server {
    listen 127.0.0.1:$port;
    root $tmp/www;
    location /slow/ { limit_rate 1m; }
  }" "  access_log $tmp/access.log;"
}

# tftpd-hpa serving ROOT on $tport, its log in $tmp/tftpd.log; ready once it
# answers a read request (with the file or an error). Not --address
# 127.0.0.1:PORT: with loopback only, tftpd-hpa's getaddrinfo (AI_ADDRCONFIG)
# refuses the address and it exits (66). The namespace has nothing but
# loopback, so the wildcard is 127.0.0.1 anyway.
start_tftpd() { # start_tftpd ROOT [PORT]
  tport=${2:-$(free_port udp)}
  /usr/sbin/in.tftpd --foreground -4 --address ":$tport" --secure --user root \
    "$1" >"$tmp/tftpd.log" 2>&1 &
  extra_pids="$extra_pids $!"
  wait_until 10 "tftpd on port $tport" tftp_answers "$tport"
}
tftp_answers() { # tftp_answers PORT
  python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
s.sendto(b"\0\1probe\0octet\0", ("127.0.0.1", int(sys.argv[1])))
s.recvfrom(600)' "$1"
}

start_monitor() { # start_monitor [--count N]: events in $tmp/monitor.out ($monitor_json=1: --json)
  rm -f "$tmp/monitor.rc" "$tmp/monitor.pid"
  (
    json=
    [ "${monitor_json:-}" = 1 ] && json=--json
    "$PROVISIONCTL" --session $json monitor "$@" >"$tmp/monitor.out" 2>"$tmp/monitor.err" &
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

# ---- the store's files: the value a state directory's store holds for a
# name, secrets included (provisionctl masks those), escapes left as stored. The base `params.db` and then the journal
# `params.db.journal` (later records win): `<access>\t<name>[\t<value>]\t<crc>`
# lines, "x" as the access of a removed entry (core/pipeline/prov-store-file.c).
stored_value() { # stored_value STATE_DIR NAME; exit status 1 when not stored
  cat "$1/params.db" "$1/params.db.journal" 2>/dev/null | awk -F '\t' -v name="$2" '
    /^provisiond-|^end |^commit / { next }
    $2 == name { found = $1 != "x"; value = NF > 3 ? $3 : "" }
    END { if (found) print value; exit !found }'
}
