#!/bin/sh
# Profiles made by the real `gzip` and `openssl enc` resync end to end
# through the file transport; `provisionctl encode` output is accepted by
# `openssl enc -d`; `decode` shows layers and parameters; bad keys and
# damaged files change nothing and never show the key.
#   test-codec-e2e.sh SOURCE_ROOT BUILD_ROOT
set -eu
src=$1 build=$2
. "$src/tests/lib/prov-test.sh"
prov_test_tmp codec-e2e
ctl="$build/core/cli/provisionctl"
export PROV_SCHEMA_DIR="$src/schemas" LC_ALL=C.UTF-8
export PROV_PLUGIN_PATH="$build/plugins/file:$build/plugins/gzip:$build/plugins/aes"
st="$tmp/state" p="$tmp/state/profiles"
mkdir -p "$p"
# -pbkdf2 counts other than the default 10000 are configured per device.
printf '[Device]\nMAC=000e08abcdef\n[aes]\nIterations=10000,1000\n' >"$st/device.conf"
key='Open Sesame 42'
run() { # run EXPECTED_EXIT ARGS…
  want=$1; shift
  set +e; "$ctl" --state-dir "$st" "$@" >"$tmp/out" 2>"$tmp/err"; got=$?; set -e
  [ "$got" = "$want" ] || { cat "$tmp/out" "$tmp/err"; fail "'$*' exited $got, expected $want"; }
  if grep -q "$key" "$tmp/out" "$tmp/err"; then fail "the key was shown by '$*'"; fi
}
profile() { printf '<flat-profile><GPP_A>%s</GPP_A></flat-profile>\n' "$1"; }

n=0
check() { # check FILE VALUE [RULE-OPTIONS]
  run 0 resync "${3:-}file://$1"
  run 0 get GPP_A
  [ "$(cat "$tmp/out")" = "$2" ] || fail "$1: GPP_A is '$(cat "$tmp/out")', expected '$2'"
}

# gzip: levels 1 and 9, and two concatenated members.
profile gz1 | gzip -1 >"$p/gz1.xml.gz"; check "$p/gz1.xml.gz" gz1
profile gz9 | gzip -9 >"$p/gz9.xml"; check "$p/gz9.xml" gz9
printf '<flat-profile><GPP_A>two</GPP_A>' | gzip >"$p/two.gz"
printf '<GPP_B>members</GPP_B></flat-profile>' | gzip >>"$p/two.gz"
check "$p/two.gz" two

# openssl enc with each derivation, plain and gzip'ed inside.
for md in "-md md5" "-md sha256" "-pbkdf2" "-pbkdf2 -iter 1000"; do
  n=$((n + 1))
  profile "aes$n" | openssl enc -aes-256-cbc $md -salt -k "$key" -out "$p/aes$n.cfg" 2>/dev/null
  check "$p/aes$n.cfg" "aes$n" "[--key \"$key\"]"
  profile "aesgz$n" | gzip | openssl enc -aes-256-cbc $md -salt -k "$key" -out "$p/aesgz$n.cfg" 2>/dev/null
  check "$p/aesgz$n.cfg" "aesgz$n" "[--key \"$key\"]"
done

# The key may come from a secret register.
run 0 set "GPP_SA=$key"
profile fromsa | gzip | openssl enc -aes-256-cbc -pbkdf2 -k "$key" -out "$p/sa.cfg"
check "$p/sa.cfg" fromsa '[--key $SA]'

# Wrong key, no key, damage: exit 4, nothing applied.
before=$(cat "$st"/params.db* | md5sum)
run 4 resync "[--key wrong]file://$p/sa.cfg"
grep -q "corrupt file: bad decryption key" "$tmp/err" || fail "wrong key message"
run 4 resync "file://$p/sa.cfg"
grep -q "needs --key" "$tmp/err" || fail "missing key message"
head -c 40 "$p/aesgz4.cfg" >"$p/trunc.cfg"
run 4 resync "[--key \"$key\"]file://$p/trunc.cfg"
head -c 30 "$p/gz9.xml" >"$p/trunc.gz"
run 4 resync "file://$p/trunc.gz"
[ "$(cat "$st"/params.db* | md5sum)" = "$before" ] || fail "a failed resync changed the store"

# encode → openssl enc -d, for each derivation; decode shows the layers.
profile encoded >"$tmp/plain.xml"
for kdf in sha256 md5 pbkdf2; do
  case $kdf in
    sha256) dec="-md sha256" ;; md5) dec="-md md5" ;; pbkdf2) dec="-pbkdf2" ;;
  esac
  run 0 encode --gzip --key "$key" --kdf "$kdf" "$tmp/plain.xml" "$tmp/enc-$kdf"
  openssl enc -d -aes-256-cbc $dec -k "$key" -in "$tmp/enc-$kdf" | gzip -dc >"$tmp/back-$kdf" \
    || fail "openssl enc -d refused our $kdf file"
  cmp -s "$tmp/plain.xml" "$tmp/back-$kdf" || fail "$kdf round trip differs"
  cp "$tmp/enc-$kdf" "$p/enc-$kdf"
  check "$p/enc-$kdf" encoded "[--key \"$key\"]"
done
run 0 encode --key "$key" --kdf pbkdf2 --iter 1000 "$tmp/plain.xml" "$tmp/enc-iter"
openssl enc -d -aes-256-cbc -pbkdf2 -iter 1000 -k "$key" -in "$tmp/enc-iter" | cmp -s - "$tmp/plain.xml" \
  || fail "pbkdf2 -iter 1000 round trip"
run 0 decode --key "$key" "$tmp/enc-sha256"
grep -q "^  aes" "$tmp/out" && grep -q "^  gzip" "$tmp/out" || fail "decode does not list the layers"
grep -q "GPP_A" "$tmp/out" || fail "decode does not list the parameters"
run 4 decode --key wrong "$tmp/enc-sha256"
echo PASS
