#!/bin/sh
# The plugin SDK boundary: libprovision.so exports exactly the symbols of
# core/sdk/libprovision.symbols; every core symbol a built plugin needs is one
# of them; a plugin exports its ABI versions and entry point only; the
# installed headers are the SDK's and each compiles alone against the
# installed tree (no header reaches for an internal one).
#   test-sdk-symbols.sh SOURCE_ROOT BUILD_ROOT
set -eu
src=$1 build=$2
. "$src/tests/lib/prov-test.sh"
prov_test_tmp sdk-symbols

grep -v '^#' "$src/core/sdk/libprovision.symbols" | sed '/^$/d' | sort >"$tmp/expected"
[ "$(wc -l <"$tmp/expected")" -gt 50 ] || fail "the symbol list is suspiciously short"
nm -D --defined-only "$build/core/libprovision.so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort >"$tmp/exported"
if ! diff -u "$tmp/expected" "$tmp/exported" >"$tmp/diff"; then
  cat "$tmp/diff" >&2
  fail "libprovision.so exports differ from core/sdk/libprovision.symbols (- listed only, + exported only)"
fi
# Data symbols or a second version node would widen the ABI unnoticed.
nm -D --defined-only "$build/core/libprovision.so" | awk '$2 == "A" { sub(/@.*/, "", $3); print $3 }' >"$tmp/nodes"
[ "$(cat "$tmp/nodes")" = PROVISION_1 ] || fail "version nodes: $(cat "$tmp/nodes")"

n=0
for p in "$build"/plugins/*/libprov-plugin-*.so; do
  [ -e "$p" ] || continue
  n=$((n + 1))
  nm -D --undefined-only "$p" | awk '{ sub(/@.*/, "", $2); print $2 }' | grep '^prov_' | sort >"$tmp/needs"
  missing=$(comm -23 "$tmp/needs" "$tmp/expected")
  [ -z "$missing" ] || fail "$p needs core symbols the SDK does not export: $missing"
  # The core comes from libprovision.so, never a copy linked in (two copies
  # register each GType twice): a plugin defines no prov_ function of its own.
  ! nm --defined-only "$p" | awk '{ print $3 }' | grep -qx 'prov_plugin_get_type' ||
    fail "$p carries its own copy of the core (link libprovision_sdk_dep)"
  nm -D --defined-only "$p" | awk '$2 != "A" { print $3 }' | sort >"$tmp/own"
  printf 'prov_plugin_abi_major\nprov_plugin_abi_minor\nprov_plugin_create\n' >"$tmp/own-expected"
  diff -u "$tmp/own-expected" "$tmp/own" >&2 || fail "$p exports more than its entry point"
done
[ "$n" -gt 0 ] || fail "no plugin built in $build/plugins"

meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >/dev/null
inc=$(find "$tmp/root" -type d -name provision-1 -path '*/include/*' | head -n1)
[ -n "$inc" ] || fail "no include/provision-1 installed"
for internal in prov-engine.h prov-store.h prov-scheduler.h prov-status.h prov-schema.h \
                prov-upgrader.h prov-context.h prov-syslog.h; do
  [ ! -e "$inc/$internal" ] || fail "internal header $internal installed"
done
find "$tmp/root" -name plugin.map -path '*/provision-1/*' | grep -q . || fail "plugin.map not installed"
glib=$(pkg-config --cflags gio-2.0 gmodule-2.0)
for h in "$inc"/*.h; do
  printf '#include <%s>\n' "$(basename "$h")" >"$tmp/one.c"
  # shellcheck disable=SC2086 # $glib is a list of flags
  cc -std=c11 -Wall -Werror -fsyntax-only -I"$inc" $glib "$tmp/one.c" 2>"$tmp/err" \
    || { cat "$tmp/err" >&2; fail "installed $(basename "$h") does not compile alone"; }
done
echo "PASS: $(wc -l <"$tmp/expected") symbols, $n plugins"
