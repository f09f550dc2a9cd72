#!/bin/sh
# A real syslog receiver for tests: rsyslogd with its own configuration,
# listening on UDP on loopback only, writing every datagram it receives
# verbatim (%rawmsg%), one per line, to DIR/messages.
#   rsyslog.sh start DIR   prints the port once rsyslogd receives messages
#   rsyslog.sh stop DIR
# It listens on 127.0.0.1 and, when the same port is free there, on ::1
# (then DIR/ipv6 exists). Lines containing "rsyslog.sh-probe" are the
# script's own readiness probes. A watchdog stops rsyslogd when the process
# that started it exits, so a crashed test leaves nothing behind. Meant to
# run inside tests/in-netns.
set -eu

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

[ $# -eq 2 ] || usage
[ -d "$2" ] || { echo "rsyslog.sh: $2 is not a directory" >&2; exit 2; }
dir=$(cd "$2" && pwd)

# Running, and not a zombie waiting for its parent.
alive() {
  [ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" != Z ]
}

# Sends one UDP datagram: send HOST PORT TEXT
send() {
  python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(sys.argv[3].encode(), (sys.argv[1], int(sys.argv[2])))' "$@"
}

# A port free on 127.0.0.1; "PORT 1" when it is also free on ::1.
pick_port() {
  python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
v6 = 0
try:
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s6.bind(("::1", port))
    s6.close()
    v6 = 1
except OSError:
    pass
s.close()
print(port, v6)'
}

start() {
  command -v rsyslogd >/dev/null || {
    echo "rsyslog.sh: rsyslogd not found (Debian package rsyslog)" >&2
    exit 1
  }
  if [ -f "$dir/peer.pid" ] && alive "$(cat "$dir/peer.pid")"; then
    echo "rsyslog.sh: already running in $dir" >&2
    exit 1
  fi
  picked=$(pick_port)
  port=${picked% *}
  rm -f "$dir/messages" "$dir/ipv6" "$dir/peer.pid"
  v6_input=
  if [ "${picked#* }" = 1 ]; then
    v6_input="input(type=\"imudp\" address=\"::1\" port=\"$port\" ruleset=\"received\")"
    : >"$dir/ipv6"
  fi
  # Only imudp: no imuxsock/imklog, so nothing but our datagrams arrives.
  # Internal messages go to the default ruleset, which has no action.
  cat >"$dir/rsyslog.conf" <<EOF
global(workDirectory="$dir")
module(load="imudp")
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="received") {
  action(type="omfile" file="$dir/messages" template="raw")
}
input(type="imudp" address="127.0.0.1" port="$port" ruleset="received")
$v6_input
EOF
  rsyslogd -n -f "$dir/rsyslog.conf" -i "$dir/rsyslogd.pid" \
    </dev/null >"$dir/rsyslogd.log" 2>&1 &
  pid=$!
  owner=$PPID
  (
    while kill -0 "$owner" 2>/dev/null && alive "$pid"; do
      sleep 1
    done
    kill "$pid" 2>/dev/null || true
  ) </dev/null >/dev/null 2>&1 &
  echo "$pid" >"$dir/peer.pid"

  # Ready once a probe shows up in the output file (bounded: about 10 s).
  i=0
  while [ $i -lt 100 ]; do
    if ! alive "$pid"; then
      echo "rsyslog.sh: rsyslogd exited:" >&2
      cat "$dir/rsyslogd.log" >&2
      exit 1
    fi
    send 127.0.0.1 "$port" "rsyslog.sh-probe $i"
    if grep -q "rsyslog.sh-probe" "$dir/messages" 2>/dev/null; then
      echo "$port"
      exit 0
    fi
    i=$((i + 1))
    sleep 0.1
  done
  echo "rsyslog.sh: rsyslogd not ready on port $port" >&2
  cat "$dir/rsyslogd.log" >&2
  kill "$pid" 2>/dev/null || true
  exit 1
}

stop() {
  [ -f "$dir/peer.pid" ] || exit 0
  pid=$(cat "$dir/peer.pid")
  rm -f "$dir/peer.pid"
  kill "$pid" 2>/dev/null || exit 0
  i=0
  while [ $i -lt 100 ] && alive "$pid"; do
    i=$((i + 1))
    sleep 0.1
  done
  if alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

case $1 in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
