#!/bin/sh
# The D-Bus policy on a private bus configured like the system bus (deny by
# default): dbus-daemon accepts the file, only root may own the name, and
# anyone may introspect and call the interface. When the daemon has its
# D-Bus service, it runs on that bus, an unprivileged caller reads its state
# but may not set properties, and the NetworkManager dispatcher script hands
# it DHCP options end to end.
#   test-dbus-policy.sh SOURCE_ROOT BUILD_ROOT
set -eu
src=$1 build=$2
command -v dbus-daemon >/dev/null || { echo "dbus-daemon is not installed"; exit 77; }
command -v gdbus >/dev/null || { echo "gdbus is not installed"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "needs root (to own the name and to act as nobody)"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d)
chmod 0755 "$tmp"
pids=
cleanup() {
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
policy="$src/data/org.provisiond.Provisiond1.conf"
name=org.provisiond.Provisiond1
path=/org/provisiond/Provisiond1

# The defaults of the system bus (/usr/share/dbus-1/system.conf).
cat >"$tmp/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=$tmp/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Introspectable"/>
  </policy>
  <include>$policy</include>
</busconfig>
EOF
dbus-daemon --config-file="$tmp/bus.conf" --nofork --nopidfile --print-address=1 \
  >"$tmp/address" 2>"$tmp/bus.err" &
pids="$pids $!"
i=0
until [ -s "$tmp/address" ]; do
  i=$((i + 1))
  if [ "$i" -gt 100 ] || ! kill -0 $! 2>/dev/null; then
    cat "$tmp/bus.err"
    fail "dbus-daemon does not accept the policy"
  fi
  sleep 0.1
done
address=$(head -n 1 "$tmp/address")
echo "ok dbus-daemon accepts the policy"

as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
bus_call() { # bus_call METHOD ARGS...: a call to the bus itself
  method=$1; shift
  gdbus call -a "$address" --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method "org.freedesktop.DBus.$method" "$@"
}

# Only root may own the name.
if as_nobody gdbus call -a "$address" --dest org.freedesktop.DBus \
     --object-path /org/freedesktop/DBus --method org.freedesktop.DBus.RequestName "$name" 0 \
     >"$tmp/out" 2>&1; then
  fail "nobody may own $name: $(cat "$tmp/out")"
fi
grep -q AccessDenied "$tmp/out" || fail "nobody owning the name: $(cat "$tmp/out")"
echo "ok nobody may not own the name"
[ "$(bus_call RequestName "$name" 0)" = "(uint32 1,)" ] || fail "root may not own $name"
echo "ok root may own the name"

# With the daemon: what an unprivileged caller may do, and the DHCP script.
daemon="$build/core/daemon/provisiond"
if ! "$daemon" --help 2>&1 | grep -q -- '--system'; then
  echo "provisiond has no D-Bus service yet: daemon checks skipped"
  echo PASS
  exit 0
fi
mkdir "$tmp/state"
cp "$src/data/examples/device.conf" "$tmp/state/"
DBUS_SYSTEM_BUS_ADDRESS=$address PROV_SCHEMA_DIR="$src/schemas" \
  PROV_PLUGIN_PATH="$build/plugins/file" "$daemon" --system --state-dir "$tmp/state" \
  >"$tmp/daemon.log" 2>&1 &
pids="$pids $!"
i=0
until [ "$(bus_call NameHasOwner "$name")" = "(true,)" ]; do
  i=$((i + 1))
  [ "$i" -le 100 ] || { cat "$tmp/daemon.log"; fail "the daemon did not own $name"; }
  sleep 0.1
done
echo "ok the daemon owns the name"

as_nobody gdbus introspect -a "$address" --dest "$name" --object-path "$path" >"$tmp/out" 2>&1 ||
  fail "nobody may not introspect: $(cat "$tmp/out")"
grep -q 'SetDhcpOptions' "$tmp/out" || fail "introspection lacks the interface"
as_nobody gdbus call -a "$address" --dest "$name" --object-path "$path" \
  --method org.freedesktop.DBus.Properties.Get "$name" State >"$tmp/out" 2>&1 ||
  fail "nobody may not read State: $(cat "$tmp/out")"
as_nobody gdbus call -a "$address" --dest "$name" --object-path "$path" \
  --method "$name.GetStatus" >"$tmp/out" 2>&1 ||
  fail "nobody may not call GetStatus: $(cat "$tmp/out")"
if as_nobody gdbus call -a "$address" --dest "$name" --object-path "$path" \
     --method org.freedesktop.DBus.Properties.Set "$name" State "<'idle'>" >"$tmp/out" 2>&1; then
  fail "nobody may set a property"
fi
grep -q 'org.freedesktop.DBus.Error.AccessDenied' "$tmp/out" ||
  fail "Properties.Set was not refused by the bus: $(cat "$tmp/out")"
echo "ok an unprivileged caller may read but not set properties"

# The NetworkManager script, against the real daemon.
DBUS_SYSTEM_BUS_ADDRESS=$address DHCP4_TFTP_SERVER_NAME=tftp.example.com \
  sh "$src/data/nm-dispatcher/90-provisiond" eth0 up
i=0
# shellcheck disable=SC2016 # a rule, not shell
until gdbus call -a "$address" --dest "$name" --object-path "$path" \
        --method "$name.ExpandRule" '/$PSN.xml' 2>/dev/null | grep -q 'tftp.example.com'; do
  i=$((i + 1))
  [ "$i" -le 100 ] || { cat "$tmp/daemon.log"; fail "the DHCP options did not reach the daemon"; }
  sleep 0.1
done
echo "ok the dispatcher script hands the options to the daemon"
echo PASS
