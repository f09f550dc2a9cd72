#!/bin/sh
# The third-party corpus of ../shared/interop (MANIFEST.md) end to end:
# every profile resyncs through provisionctl and the file plugin with exit 0
# and stores every value of expected.tsv; the malformed one is refused whole
# (exit 4, naming line 39) and changes nothing. The corpus is read in place,
# never copied into the tree.
#   test-interop.sh SOURCE_ROOT BUILD_ROOT INTEROP_DIR
set -eu
src=$1 build=$2 interop=$3
. "$src/tests/lib/prov-test.sh"
if [ ! -f "$interop/expected.tsv" ] || [ ! -d "$interop/profiles" ]; then
  echo "SKIP: no interop corpus at $interop" >&2
  exit 77
fi
interop=$(cd "$interop" && pwd)
prov_test_tmp interop
ctl="$build/core/cli/provisionctl"
export PROV_SCHEMA_DIR="$src/schemas" PROV_PLUGIN_PATH="$build/plugins/file"
export LC_ALL=C.UTF-8

# A fresh state directory per profile: each is checked on its own.
fresh() {
  st="$tmp/$1"
  mkdir -p "$st"
  cp "$src/data/examples/device.conf" "$st/"
  printf '\n[file]\nRoots=%s\n' "$interop/profiles" >>"$st/device.conf"
}

# The stored value, secrets included (get masks those), from the store's files.
stored() {
  stored_value "$tmp/$1" "$2"
}

count=0
for path in "$interop"/profiles/*.xml; do
  file=$(basename "$path")
  fresh "$file"
  set +e
  "$ctl" --state-dir "$st" resync "file://$path" >"$st.out" 2>"$st.err"
  rc=$?
  set -e
  case $file in
    *malformed*)
      [ "$rc" = 4 ] || { cat "$st.err"; fail "$file: exit $rc, expected 4 (corrupt)"; }
      grep -q "line 39: " "$st.err" || { cat "$st.err"; fail "$file: the error does not name line 39"; }
      grep -q '^changed:' "$st.out" && fail "$file: something was applied"
      ;;
    *)
      [ "$rc" = 0 ] || { cat "$st.out" "$st.err"; fail "$file: exit $rc"; }
      grep -q "^fetched: file://$path\$" "$st.out" || fail "$file: not fetched"
      count=$((count + 1))
      ;;
  esac
done
[ "$count" -ge 14 ] || fail "only $count profiles"

checked=0
tab=$(printf '\t')
while IFS="$tab" read -r file name want; do
  case $file in '#'* | '') continue ;; esac
  [ -d "$tmp/$file" ] || fail "$file of expected.tsv is not in profiles/"
  got=$("$ctl" --state-dir "$tmp/$file" get "$name") || fail "$file: get $name"
  if [ "$got" = "********" ] && [ "$want" != "********" ]; then
    got=$(stored "$file" "$name") || fail "$file: $name is not stored"
  fi
  [ "$got" = "$want" ] || fail "$file: $name = '$got', expected '$want'"
  checked=$((checked + 1))
done <"$interop/expected.tsv"
[ "$checked" -ge 40 ] || fail "only $checked values checked"
echo "PASS ($count profiles, $checked values)"
