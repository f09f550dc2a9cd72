#!/bin/sh
# Each man page formats without a single warning, both with groff's own
# checks (-ww) and as man(1) shows it at 80 columns.
#   test-man.sh PAGE...
set -eu
command -v groff >/dev/null || { echo "groff is not installed (groff-base)"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
err=$(mktemp)
trap 'rm -f "$err"' EXIT
export LC_ALL=C.UTF-8 MANWIDTH=80

for page in "$@"; do
  groff -man -ww -z -K utf-8 "$page" 2>"$err" || fail "groff failed on $page: $(cat "$err")"
  [ ! -s "$err" ] || fail "groff warns about $page:
$(cat "$err")"
  if command -v man >/dev/null; then
    man --warnings -E UTF-8 -l "$page" >/dev/null 2>"$err" || fail "man failed on $page: $(cat "$err")"
    [ ! -s "$err" ] || fail "man warns about $page:
$(cat "$err")"
  fi
  # Every page names its section and has the sections people look for.
  grep -q '^\.SH NAME' "$page" || fail "$page has no NAME"
  grep -q '^\.SH SEE ALSO' "$page" || fail "$page has no SEE ALSO"
  if grep -q '@[A-Za-z_]*@' "$page"; then
    fail "$page has unsubstituted variables: $(grep -o '@[A-Za-z_]*@' "$page" | sort -u | tr '\n' ' ')"
  fi
  echo "ok $page"
done
