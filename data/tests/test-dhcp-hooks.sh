#!/bin/sh
# The NetworkManager dispatcher script and the dhclient exit hook: which
# events call SetDhcpOptions, with which options, and that the argument is
# the GVariant text gdbus parses as a{us}. gdbus is replaced by a recorder.
#   test-dhcp-hooks.sh SOURCE_ROOT GVARIANT_CHECK
set -eu
src=$1 check=$2
nm="$src/data/nm-dispatcher/90-provisiond"
hook="$src/data/dhclient/provisiond"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir "$tmp/bin"
cat >"$tmp/bin/gdbus" <<'EOF'
#!/bin/sh
for arg in "$@"; do printf '%s\n' "$arg"; done >"$GDBUS_LOG.tmp"
mv "$GDBUS_LOG.tmp" "$GDBUS_LOG"
EOF
chmod +x "$tmp/bin/gdbus"
PATH="$tmp/bin:$PATH"
export PATH GDBUS_LOG="$tmp/call"

# The call runs in the background: wait for it, then print the options.
options() {
  i=0
  while [ ! -e "$GDBUS_LOG" ]; do
    i=$((i + 1))
    [ "$i" -le 100 ] || fail "no D-Bus call"
    sleep 0.1
  done
  grep -qx -- --system "$GDBUS_LOG" || fail "not the system bus"
  grep -qx -- org.provisiond.Provisiond1 "$GDBUS_LOG" || fail "wrong destination"
  grep -qx -- /org/provisiond/Provisiond1 "$GDBUS_LOG" || fail "wrong object path"
  grep -qx -- org.provisiond.Provisiond1.SetDhcpOptions "$GDBUS_LOG" || fail "wrong method"
  "$check" "$(tail -n 1 "$GDBUS_LOG")" || fail "argument is not a{us}: $(tail -n 1 "$GDBUS_LOG")"
  rm -f "$GDBUS_LOG"
}
no_call() {
  sleep 0.3
  [ ! -e "$GDBUS_LOG" ] || fail "unexpected call: $(cat "$GDBUS_LOG")"
}
expect() { # expect EXPECTED ACTUAL WHAT
  [ "$1" = "$2" ] || fail "$3: expected [$1], got [$2]"
}
nl='
'
quirky="http://prov.example.com/a b/\$MA.xml?x='y'&z=\\1"

# NetworkManager: names as NetworkManager gives them.
got=$(env -i PATH="$PATH" GDBUS_LOG="$GDBUS_LOG" DHCP4_TFTP_SERVER_NAME=tftp.example.com \
  DHCP4_TFTP_SERVER_ADDRESS="10.0.0.1 10.0.0.2" DHCP4_V4_PORTPARAMS=prov159.example.com \
  DHCP4_V4_CAPTIVE_PORTAL="$quirky" sh "$nm" eth0 up && options)
expect "66=tftp.example.com${nl}150=10.0.0.1,10.0.0.2${nl}159=prov159.example.com${nl}160=$quirky" \
  "$got" "NetworkManager up"

# The names of the dhclient.conf declarations win over NetworkManager's.
got=$(env -i PATH="$PATH" GDBUS_LOG="$GDBUS_LOG" DHCP4_V4_CAPTIVE_PORTAL=portal \
  DHCP4_PROVISIOND_160=https://prov.example.com/ DHCP4_PROVISIOND_TFTP_SERVERS=192.0.2.7 \
  sh "$nm" eth0 dhcp4-change && options)
expect "150=192.0.2.7${nl}160=https://prov.example.com/" "$got" "NetworkManager declared names"

# A lease without options clears them; dhcp6-change without options does not.
got=$(env -i PATH="$PATH" GDBUS_LOG="$GDBUS_LOG" sh "$nm" eth0 dhcp4-change && options)
expect "" "$got" "NetworkManager empty lease"
env -i PATH="$PATH" GDBUS_LOG="$GDBUS_LOG" sh "$nm" eth0 dhcp6-change
no_call
got=$(env -i PATH="$PATH" GDBUS_LOG="$GDBUS_LOG" DHCP4_TFTP_SERVER_NAME=t sh "$nm" eth0 \
  dhcp6-change && options)
expect "66=t" "$got" "NetworkManager dhcp6-change"
for action in down pre-up vpn-up hostname connectivity-change; do
  env -i PATH="$PATH" GDBUS_LOG="$GDBUS_LOG" DHCP4_TFTP_SERVER_NAME=t sh "$nm" eth0 "$action"
  no_call
done

# dhclient sources the hook: it must neither exit nor leave names behind.
# shellcheck disable=SC2016 # the script is for the inner sh
run_hook() { # run_hook VAR=VALUE...
  env -i PATH="$PATH" GDBUS_LOG="$GDBUS_LOG" interface=eth0 "$@" sh -c '
    . "$1"
    echo sourced
    for name in provisiond_quote provisiond_add provisiond_send; do
      if command -v "$name" >/dev/null; then echo "left behind: $name"; fi
    done
    if [ -n "${provisiond_dict+set}" ]; then echo "left behind: provisiond_dict"; fi
  ' sh "$hook" >"$tmp/hook.out"
  [ "$(cat "$tmp/hook.out")" = sourced ] || fail "hook with $*: $(cat "$tmp/hook.out")"
}
for reason in BOUND RENEW REBIND REBOOT TIMEOUT; do
  run_hook reason=$reason new_tftp_server_name=tftp.example.com \
    new_provisiond_tftp_servers="10.0.0.1 10.0.0.2" new_provisiond_159="$quirky" \
    new_provisiond_160=prov160.example.com
  got=$(options)
  expect "66=tftp.example.com${nl}150=10.0.0.1,10.0.0.2${nl}159=$quirky${nl}160=prov160.example.com" \
    "$got" "dhclient $reason"
done
run_hook reason=BOUND
got=$(options)
expect "" "$got" "dhclient lease without options"
for reason in EXPIRE FAIL RELEASE STOP; do
  run_hook reason=$reason new_tftp_server_name=ignored
  got=$(options)
  expect "" "$got" "dhclient $reason"
done
for reason in PREINIT MEDIUM ARPCHECK ARPSEND BOUND6 RENEW6; do
  run_hook reason=$reason new_tftp_server_name=t
  no_call
done
run_hook reason=BOUND exit_status=1 new_tftp_server_name=t
no_call

if command -v shellcheck >/dev/null; then
  shellcheck "$nm" "$hook" || fail "shellcheck"
else
  echo "shellcheck is not installed: scripts not linted"
fi
echo PASS
