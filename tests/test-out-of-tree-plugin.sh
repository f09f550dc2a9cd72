#!/bin/sh
# A vendor plugin built out of tree against the installed provision-1.pc is
# loaded and serves its own scheme end to end; the same plugin built for
# another ABI or for ABI 1, and a group-writable copy, are refused with path and reason.
#   test-out-of-tree-plugin.sh SOURCE_ROOT BUILD_ROOT
set -eu
src=$1 build=$2
. "$src/tests/lib/prov-test.sh"
prov_test_tmp out-of-tree

meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >/dev/null
pc=$(find "$tmp/root" -name provision-1.pc | head -n1)
[ -n "$pc" ] || fail "provision-1.pc was not installed"
# The installed .pc as a vendor would use it, relocated into the DESTDIR.
mkdir "$tmp/pc"
sed "s|^prefix=|prefix=$tmp/root|" "$pc" >"$tmp/pc/provision-1.pc"
export PKG_CONFIG_PATH="$tmp/pc"
pluginsdir=$(pkg-config --variable=pluginsdir provision-1)
[ -n "$pluginsdir" ] || fail "pkg-config has no pluginsdir"
case "$pluginsdir" in "$tmp/root"/*/provisiond/plugins-*) ;; *) fail "odd pluginsdir $pluginsdir" ;; esac
ls "$pluginsdir"/libprov-plugin-file.so >/dev/null || fail "the file plugin is not in pluginsdir"

mkdir -p "$tmp/good" "$tmp/bad"
cflags=$(pkg-config --cflags provision-1)
libs=$(pkg-config --libs provision-1)
# As README.md, "Plugin SDK", tells vendors: only the SDK's symbols (a missing one
# fails the link), and the installed plugin.map so that only the entry
# point is exported.
map=$(pkg-config --variable=plugin_map provision-1)
[ -f "$map" ] || fail "pkg-config's plugin_map $map is not installed"
libs="$libs -Wl,--no-undefined -Wl,--version-script,$map"
cc -shared -fPIC -Wall -Werror -o "$tmp/good/libprov-plugin-vendor.so" \
  "$src/data/examples/vendor-plugin/vendor-plugin.c" $cflags $libs
cc -shared -fPIC -Wall -Werror -DVENDOR_WRONG_ABI -o "$tmp/bad/libprov-plugin-wrongabi.so" \
  "$src/data/examples/vendor-plugin/vendor-plugin.c" $cflags $libs
cc -shared -fPIC -Wall -Werror -DVENDOR_OLD_ABI -o "$tmp/bad/libprov-plugin-oldabi.so" \
  "$src/data/examples/vendor-plugin/vendor-plugin.c" $cflags $libs
[ "$(nm -D --defined-only "$tmp/good/libprov-plugin-vendor.so" | awk '$2 != "A" { print $3 }' | sort | tr '\n' ' ')" \
  = "prov_plugin_abi_major prov_plugin_abi_minor prov_plugin_create " ] \
  || fail "the vendor plugin exports more than its entry point"
cp "$tmp/good/libprov-plugin-vendor.so" "$tmp/bad/libprov-plugin-writable.so"
chmod 0664 "$tmp/bad/libprov-plugin-writable.so"

ctl="$build/core/cli/provisionctl"
export PROV_SCHEMA_DIR="$src/schemas"
mkdir "$tmp/state"
"$ctl" --state-dir "$tmp/state" --plugin-dir "$tmp/good:$tmp/bad" plugins >"$tmp/out" 2>"$tmp/err"
cat "$tmp/out" "$tmp/err"
grep -q "^vendor .*1.0 .*$tmp/good/libprov-plugin-vendor.so" "$tmp/out" || fail "vendor plugin not listed"
grep -q "schemes=vendor:4242" "$tmp/out" || fail "vendor schemes not listed"
grep -q "$tmp/bad/libprov-plugin-wrongabi.so: refused: plugin ABI 99.0" "$tmp/err" \
  || fail "wrong ABI not refused with path and reason"
grep -q "$tmp/bad/libprov-plugin-writable.so: refused: the file is group- or world-writable" "$tmp/err" \
  || fail "group-writable plugin not refused"
grep -q wrongabi "$tmp/out" && fail "wrong-ABI plugin listed"
# A plugin built for ABI 1 (whole payloads, before streaming) names itself
# and both ABIs.
abi=$(pkg-config --variable=plugin_abi_major provision-1)
[ "$abi" -ge 2 ] || fail "plugin ABI $abi: streaming transports are ABI 2"
grep -q "$tmp/bad/libprov-plugin-oldabi.so: refused: plugin ABI 1.1, core supports $abi.0–$abi.[0-9]* (rebuild plugin “oldabi” for ABI $abi)" "$tmp/err" \
  || fail "ABI 1 plugin not refused with its name and both ABIs"
grep -q oldabi "$tmp/out" && fail "ABI 1 plugin listed"

"$ctl" --state-dir "$tmp/state" --plugin-dir "$tmp/good" resync 'vendor://example/$MA.xml' \
  || fail "resync through the vendor plugin failed"
[ "$("$ctl" --state-dir "$tmp/state" --plugin-dir "$tmp/good" get GPP_A)" = "from the vendor plugin" ] \
  || fail "GPP_A not applied"
echo "PASS"
