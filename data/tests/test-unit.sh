#!/bin/sh
# systemd accepts the unit without a single complaint (unknown keys, bad
# values), with ExecStart pointed at the built daemon.
#   test-unit.sh UNIT PROVISIOND
set -eu
unit=$1 daemon=$(realpath "$2")
command -v systemd-analyze >/dev/null || { echo "systemd-analyze is not installed"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -q '^ExecStart=[^ ]*/provisiond --system ' "$unit" || fail "ExecStart"
sed "s|^ExecStart=[^ ]*|ExecStart=$daemon|" "$unit" >"$tmp/provisiond.service"
systemd-analyze verify --man=no "$tmp/provisiond.service" >"$tmp/out" 2>&1 ||
  { cat "$tmp/out"; fail "systemd-analyze verify failed"; }
[ ! -s "$tmp/out" ] || { cat "$tmp/out"; fail "systemd-analyze verify complains"; }
echo "ok verify"
# Informational: systemd's view of the sandbox.
systemd-analyze security --offline=true "$tmp/provisiond.service" 2>/dev/null | tail -n 1 || true
echo PASS
