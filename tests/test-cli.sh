#!/bin/sh
# provisionctl --state-dir end to end through the file plugin: exit codes,
# what it prints, masking, all-or-nothing, and the Japanese translation.
#   test-cli.sh SOURCE_ROOT BUILD_ROOT
set -eu
src=$1 build=$2
. "$src/tests/lib/prov-test.sh"
prov_test_tmp cli
ctl="$build/core/cli/provisionctl"
export PROV_SCHEMA_DIR="$src/schemas" PROV_PLUGIN_PATH="$build/plugins/file" PROV_LOCALEDIR="$build/po"
export LC_ALL=C.UTF-8
st="$tmp/state"
mkdir -p "$st/profiles"
cp "$src/data/examples/device.conf" "$st/"
run() { # run EXPECTED_EXIT ARGS… ; output in $tmp/out, $tmp/err
  want=$1; shift
  set +e; "$ctl" --state-dir "$st" "$@" >"$tmp/out" 2>"$tmp/err"; got=$?; set -e
  [ "$got" = "$want" ] || { cat "$tmp/out" "$tmp/err"; fail "'$*' exited $got, expected $want"; }
}

printf '<flat-profile>\n  <GPP_A> 12345678\n</GPP_A>\n  <GPP_SB>s3cret</GPP_SB>\n</flat-profile>\n' >"$st/profiles/basic.txt"
run 0 resync "file://$st/profiles/basic.txt"
grep -q "^fetched: file://$st/profiles/basic.txt" "$tmp/out" || fail "fetched line missing"
grep -q "^changed: GPP_A = 12345678" "$tmp/out" || fail "changed line missing"
grep -q "^changed: GPP_SB = \*\*\*\*\*\*\*\*" "$tmp/out" || fail "secret not masked in resync output"
grep -q s3cret "$tmp/out" "$tmp/err" && fail "secret shown"
run 0 get GPP_A
[ "$(cat "$tmp/out")" = 12345678 ] || fail "get GPP_A"
run 0 get GPP_SB
[ "$(cat "$tmp/out")" = "********" ] || fail "get masks secrets"
run 0 dump
xmllint --noout "$tmp/out" || fail "dump is not XML"
grep -q '<GPP_A ua="na">12345678</GPP_A>' "$tmp/out" || fail "dump GPP_A"
grep -q s3cret "$tmp/out" && fail "dump shows a secret"
[ "$(stat -c %a "$st/params.db")" = 600 ] || fail "params.db mode"

# The changed values are read a batch at a time (1024 names): every line
# of a bigger resync still shows its value.
python3 -c '
import sys
print("<flat-profile>")
for i in range(2600):
    print("<Many_%04d ua=\"rw\">v%d</Many_%04d>" % (i, i, i))
print("</flat-profile>")' >"$st/profiles/many.xml"
run 0 resync "file://$st/profiles/many.xml"
[ "$(grep -c '^changed: Many_[0-9]* = v[0-9]*$' "$tmp/out")" = 2600 ] || fail "a big resync's changed values"
grep -q '^changed: Many_2599 = v2599$' "$tmp/out" || fail "the last batch's values"

# Exit codes: not found 3, corrupt 4, transport 5, usage 2.
before=$(cat "$st"/params.db* | md5sum)
run 3 resync "file://$st/profiles/missing.xml"
printf '<flat-profile><GPP_A>x</GPP_B></flat-profile>' >"$st/profiles/bad.xml"
run 4 resync "file://$st/profiles/bad.xml"
grep -q "line 1" "$tmp/err" || fail "corrupt error does not name the line"
printf '<flat-profile>\n<GPP_A>y</GPP_A>\n<Resync_Periodic>abc</Resync_Periodic>\n</flat-profile>' >"$st/profiles/invalid.xml"
run 4 resync "file://$st/profiles/invalid.xml"
grep -q "line 3: Resync_Periodic" "$tmp/err" || fail "invalid value error does not name the parameter and line"
run 5 resync "nosuchscheme://127.0.0.1/x"
run 5 resync "file:///etc/hostname"
run 2 resync a b
run 2 nonsense
[ "$(cat "$st"/params.db* | md5sum)" = "$before" ] || fail "a failed resync changed the store"
run 1 resync "( \$A eq 1 ? x/y"
grep -q column "$tmp/err" || fail "rule error has no column"

# Only two reasons refuse a profile (SPEC §2.1); the rest is a warning
# naming the line, and the profile applies.
printf '<flat-profile>\n<GPP_D ua="ua">odd</GPP_D>\n<Upgrade_Rule>[--uid u --pwd p --alias a]http://h/fw.loads</Upgrade_Rule>\n</flat-profile>\n' >"$st/profiles/odd.xml"
run 0 resync "file://$st/profiles/odd.xml"
grep -q "^changed: GPP_D = odd" "$tmp/out" || fail "the profile with warnings was not applied"
grep -q "^warning: file://$st/profiles/odd.xml: line 2: invalid ua=\"ua\" on GPP_D ignored" "$tmp/err" \
  || { cat "$tmp/err"; fail "no warning for ua=ua"; }
grep -q "^warning: file://$st/profiles/odd.xml: line 3: Upgrade_Rule: --alias not used here, ignored" "$tmp/err" \
  || { cat "$tmp/err"; fail "no warning for --alias"; }
run 0 get Upgrade_Rule
[ "$(cat "$tmp/out")" = "[--uid u --pwd p --alias a]http://h/fw.loads" ] || fail "Upgrade_Rule"

run 0 set "Profile_Rule=file://$st/profiles/\$PSN.xml"

# A NAME without a value reads it, so that a secret is never an argument
# (never in ps): one line of standard input per NAME, in order...
printf 'piped-s3cret\nfrom stdin\n' | run 0 set GPP_SB GPP_A
grep -q '^changed: GPP_SB$' "$tmp/out" || fail "set from stdin: GPP_SB not changed"
grep -q piped-s3cret "$tmp/out" "$tmp/err" && fail "set from stdin shows the secret"
[ "$(stored_value "$st" GPP_SB)" = piped-s3cret ] || fail "set from stdin: secret not stored"
run 0 get GPP_A
[ "$(cat "$tmp/out")" = "from stdin" ] || fail "set from stdin: GPP_A"
printf 'other-s3cret\n' | run 2 set GPP_SB GPP_A
grep -q "no value for GPP_A on standard input" "$tmp/err" || fail "missing line not reported"
grep -q other-s3cret "$st"/params.db* && fail "a set with a missing line applied"
printf 'other-s3cret\n' | run 2 set GPP_SB =x
grep -q other-s3cret "$st"/params.db* && fail "a set with a bad argument applied"
# ...or on a terminal, a prompt that does not echo what is typed, and
# gives the echo back when Ctrl+C ends it.
python3 "$src/tests/type-at-prompt.py" typed-s3cret "$ctl" --state-dir "$st" set GPP_SB >"$tmp/tty" ||
  { cat "$tmp/tty"; fail "set at a prompt"; }
grep -q "Value of GPP_SB (not shown): " "$tmp/tty" || fail "no prompt"
grep -q "changed: GPP_SB" "$tmp/tty" || fail "set at a prompt: not changed"
grep -q typed-s3cret "$tmp/tty" && fail "the prompt echoed the secret"
[ "$(stored_value "$st" GPP_SB)" = typed-s3cret ] || fail "set at a prompt: secret not stored"
python3 "$src/tests/type-at-prompt.py" --interrupt x "$ctl" --state-dir "$st" set GPP_SB ||
  fail "Ctrl+C at the prompt"
[ "$(stored_value "$st" GPP_SB)" = typed-s3cret ] || fail "an interrupted set changed the store"
run 4 set "Resync_Random_Delay=70000"
grep -q "out of range" "$tmp/err" || fail "range error"
run 0 expand '( $SWVER ne 11.3.1 )? tftp://a/$PSN.cfg | [--key $SA]http://b/$MA.xml'
grep -q '^\* alternative 2: --key \*\*\*\*\*\*\*\* http://b/000e08abcdef.xml' "$tmp/out" || { cat "$tmp/out"; fail "expand"; }
run 0 status
grep -q "error .*column" "$tmp/out" || { cat "$tmp/out"; fail "status lacks the last failure"; }
run 0 plugins
grep -q "^file " "$tmp/out" || fail "plugins lacks file"

# Each command parses its own options: --help prints and does nothing else.
before=$(cat "$st"/params.db* "$st/status.ini" 2>/dev/null | md5sum)
run 0 resync --help
grep -q "provisionctl resync \[OPTION…\] \[RULE\]" "$tmp/out" || { cat "$tmp/out"; fail "resync --help"; }
[ "$(cat "$st"/params.db* "$st/status.ini" 2>/dev/null | md5sum)" = "$before" ] ||
  fail "resync --help resynced"
run 0 encode --help
grep -q -- "--kdf=KDF" "$tmp/out" || fail "encode --help lacks its options"
# Wrong usage: one line naming the command, exit 2.
run 2 resync a b
[ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "resync: too many arguments" "$tmp/err" ||
  { cat "$tmp/err"; fail "wrong usage is not one line naming the command"; }
run 2 status --bogus
[ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "status: .*--bogus" "$tmp/err" || { cat "$tmp/err"; fail "status --bogus"; }
run 2 monitor
grep -q "monitor: needs the daemon" "$tmp/err" || { cat "$tmp/err"; fail "monitor offline"; }
# A failure is printed once; with --json it is a JSON document.
run 3 resync "file://$st/profiles/missing.xml"
[ "$(grep -v '^\[[0-9]*\] ' "$tmp/err" | wc -l)" = 1 ] || { cat "$tmp/err"; fail "a failure printed more than once"; }
run 3 --json resync "file://$st/profiles/missing.xml"
[ "$(cat "$tmp/out")" = '{"error":{"code":"FileNotFound","message":"file not found"}}' ] ||
  { cat "$tmp/out"; fail "--json error"; }
run 2 --json resync a b
grep -q '^{"error":{"code":"InvalidArgs","message":"resync: too many arguments' "$tmp/out" ||
  { cat "$tmp/out"; fail "--json usage error"; }
run 1 --json get GPP_A No_Such_Param
grep -q '^{"error":{"code":"Failed","message":"no such parameter: No_Such_Param"}}$' "$tmp/out" ||
  { cat "$tmp/out"; fail "--json get error"; }
for cmd in "set GPP_A=2" "expand /x.cfg" "decode $st/profiles/basic.txt" \
  status schedule plugins dump; do
  run 0 --json $cmd
  python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/out" || fail "--json $cmd: $(cat "$tmp/out")"
done
# One date format: ISO 8601 in local time.
run 0 status
grep -Eq '^  [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}  ' "$tmp/out" ||
  { cat "$tmp/out"; fail "status times are not ISO 8601"; }
# set warns about a name the schema does not know, with the closest one.
run 0 set Resync_Periodc=60
grep -q "the schema does not know Resync_Periodc; did you mean Resync_Periodic?" "$tmp/err" ||
  { cat "$tmp/err"; fail "no warning for an unknown name"; }
# A --state-dir that does not exist is an error, not a new state.
set +e; "$ctl" --state-dir "$tmp/typo" status >"$tmp/out" 2>"$tmp/err"; got=$?; set -e
[ "$got" = 2 ] || fail "a missing --state-dir exited $got"
grep -q "state directory $tmp/typo does not exist" "$tmp/err" || { cat "$tmp/err"; fail "missing --state-dir"; }
[ ! -e "$tmp/typo" ] || fail "a missing --state-dir was created"

if locale -a 2>/dev/null | grep -qi '^ja_JP.utf8$'; then
  set +e; LC_ALL=ja_JP.UTF-8 LANG=ja_JP.UTF-8 "$ctl" --state-dir "$st" get No_Such_Param 2>"$tmp/err"; set -e
  grep -q "そのようなパラメータはありません" "$tmp/err" || { cat "$tmp/err"; fail "no Japanese message"; }
  # The engine's English $ERR text, shown translated (it stays English on the wire).
  set +e; LC_ALL=ja_JP.UTF-8 LANG=ja_JP.UTF-8 "$ctl" --state-dir "$st" resync "file://$st/profiles/missing.xml" 2>"$tmp/err"; set -e
  grep -q "再同期に失敗しました: ファイルが見つかりません" "$tmp/err" || { cat "$tmp/err"; fail "no Japanese error text"; }
else
  fail "locale ja_JP.UTF-8 is not installed (.ci/install-deps generates it)"
fi
echo PASS
