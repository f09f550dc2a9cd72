#!/bin/sh
# The plugin cache of the state directory: a process loads the plugins
# whose cached entry is missing or stale, codecs, and the plugins of the
# schemes it uses; the rest wait (see core/sdk/internal/prov-plugin-cache.c).
#   test-plugin-cache.sh SOURCE_ROOT BUILD_ROOT (PROV_PLUGIN_PATH: every plugin)
set -eu
src=$1 build=$2
: "${PROV_PLUGIN_PATH:?}"
. "$src/tests/lib/prov-test.sh"
prov_test_tmp plugin-cache
fail() { echo "FAIL: $*" >&2; cat "$tmp/err" >&2; exit 1; }
ctl="$build/core/cli/provisionctl"
export PROV_SCHEMA_DIR="$src/schemas" LC_ALL=C.UTF-8 G_MESSAGES_DEBUG=Prov
st="$tmp/state"
mkdir -p "$st/profiles"
cp "$src/data/examples/device.conf" "$st/"
printf '<flat-profile><GPP_A>one</GPP_A></flat-profile>\n' >"$st/profiles/a.xml"
resync() { "$ctl" --state-dir "$st" resync "file://$st/profiles/a.xml" >"$tmp/out" 2>"$tmp/err"; }
# GLib writes debug messages to stdout.
loaded() { grep -q "loaded plugin $1 from" "$tmp/out" "$tmp/err"; }

# No cache yet: every plugin is loaded, and remembered.
resync || fail "first resync"
for p in file http tftp gzip; do loaded "$p" || fail "first run did not load $p"; done
[ "$(stat -c %a "$st/plugin-cache.ini")" = 600 ] || fail "cache mode"
grep -q '^Name=http$' "$st/plugin-cache.ini" || fail "http not cached"

# With it: the scheme's plugin and the codecs, not libsoup's plugins; and
# the cache is not written again.
touch -d '2000-01-01' "$st/plugin-cache.ini"
resync || fail "second resync"
[ "$(stat -c %Y "$st/plugin-cache.ini")" = "$(date -d 2000-01-01 +%s)" ] || fail "cache rewritten"
loaded file || fail "file not loaded"
loaded gzip || fail "codecs must all be there"
for p in http gds action-url tftp sip installer; do
  loaded "$p" && fail "$p loaded for a file:// resync"
done
grep -q '^changed: GPP_A\|^nothing changed' "$tmp/out" || fail "resync output"

# Whoever lists the plugins gets all of them, in load order.
"$ctl" --state-dir "$st" plugins >"$tmp/out" 2>"$tmp/err" || fail "plugins"
names=$(awk '/^[a-z]/ { print $1 }' "$tmp/out" | tr '\n' ' ')
# One plugin per build directory, named after it, in the order of the path.
expected=$(echo "$PROV_PLUGIN_PATH" | tr ':' '\n' | sed 's|/*$||; s|.*/||' | tr '\n' ' ')
[ "$names" = "$expected" ] || fail "plugins: $names, expected $expected"

# A changed plugin file (here: a stale entry) is loaded at once and cached again.
sed -i '/libprov-plugin-http.so\]/,/^$/ s/^Stat=.*/Stat=0:0:0:0.0:0.0/' "$st/plugin-cache.ini"
resync || fail "resync with a stale entry"
loaded http || fail "stale http entry not reloaded"
resync || fail "resync after the reload"
loaded http && fail "http loaded again"

# Blocked plugins stay out with a cache too.
printf '<flat-profile><GPP_A>two</GPP_A></flat-profile>\n' >"$st/profiles/a.xml"
env PROV_PLUGIN_BLOCK=file "$ctl" --state-dir "$st" resync "file://$st/profiles/a.xml" \
  >"$tmp/out" 2>"$tmp/err" && fail "blocked file plugin still used"
loaded file && fail "blocked plugin loaded"
# An unreadable cache is no cache.
echo '[broken' >"$st/plugin-cache.ini"
resync || fail "resync with a broken cache"
loaded http || fail "broken cache not rebuilt"
echo "ok"
