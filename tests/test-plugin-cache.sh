#!/bin/sh
# The plugin cache of the state directory: a process loads the plugins
# whose cached entry is missing or stale, the plugins of the schemes it
# uses, the codecs of the data it decodes and the appliers enabled in the
# device file; the rest wait (see core/sdk/internal/prov-plugin-cache.c).
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

# With it: the scheme's plugin, not libsoup's plugins nor the codecs of a
# plain profile; and the cache is not written again.
touch -d '2000-01-01' "$st/plugin-cache.ini"
resync || fail "second resync"
[ "$(stat -c %Y "$st/plugin-cache.ini")" = "$(date -d 2000-01-01 +%s)" ] || fail "cache rewritten"
loaded file || fail "file not loaded"
for p in http gds action-url tftp sip installer gzip aes baresip linphone template; do
  loaded "$p" && fail "$p loaded for a file:// resync"
done
grep -q '^changed: GPP_A\|^nothing changed' "$tmp/out" || fail "resync output"
# Nor GnuTLS (the aes codec's, and the custom CA check's when it runs);
# sanitized builds link it (core/meson.build says why).
LD_DEBUG=files "$ctl" --state-dir "$st" resync "file://$st/profiles/a.xml" >"$tmp/out" 2>"$tmp/err" \
  || fail "resync with LD_DEBUG"
gnutls_linked=false
grep -q 'file=libgnutls.*needed by .*provisionctl' "$tmp/out" "$tmp/err" && gnutls_linked=true
if ! $gnutls_linked; then
  grep -q 'file=libgnutls' "$tmp/out" "$tmp/err" && fail "GnuTLS loaded for a plain file:// resync"
fi

# The custom CA check opens GnuTLS itself when it runs (prov-ca-certs.c).
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -keyout "$tmp/ca.key" -out "$st/profiles/ca.pem" -subj "/CN=Cache Test CA" \
    -addext basicConstraints=critical,CA:TRUE 2>"$tmp/err" || fail "openssl"
  "$ctl" --state-dir "$st" set "Custom_CA_Rule=file://$st/profiles/ca.pem" >/dev/null
  LD_DEBUG=files "$ctl" --state-dir "$st" resync "file://$st/profiles/a.xml" >"$tmp/out" 2>"$tmp/err" \
    || fail "resync with a custom CA rule"
  $gnutls_linked \
    || grep -q 'file=libgnutls.*dynamically loaded' "$tmp/out" "$tmp/err" || fail "GnuTLS not opened for the CA"
  "$ctl" --state-dir "$st" status >"$tmp/out" 2>"$tmp/err" || fail "status"
  grep -q 'Installed Cache Test CA' "$tmp/out" || fail "custom CA not installed"
  "$ctl" --state-dir "$st" set Custom_CA_Rule= >/dev/null
else
  echo "openssl missing: custom CA part skipped" >&2
fi

# A gzip profile loads gzip (its magic), not aes; an encrypted one aes.
printf '<flat-profile><GPP_A>gz</GPP_A></flat-profile>\n' | gzip >"$st/profiles/a.gz"
"$ctl" --state-dir "$st" resync "file://$st/profiles/a.gz" >"$tmp/out" 2>"$tmp/err" || fail "gzip resync"
loaded gzip || fail "gzip not loaded for a gzip profile"
loaded aes && fail "aes loaded for a gzip profile"
"$ctl" --state-dir "$st" get GPP_A | grep -qx 'gz' || fail "gzip profile not applied"
printf 'Salted__12345678%032d' 0 >"$st/profiles/a.enc"
"$ctl" --state-dir "$st" resync "file://$st/profiles/a.enc" >"$tmp/out" 2>"$tmp/err" \
  && fail "an encrypted profile without a key was applied"
loaded aes || fail "aes not loaded for an encrypted profile"
grep -q 'needs --key' "$tmp/err" || fail "no key error for an encrypted profile"
# A codec asked for by name (encode) is loaded by name.
"$ctl" --state-dir "$st" encode --gzip "$st/profiles/a.xml" "$tmp/enc.gz" >"$tmp/out" 2>"$tmp/err" \
  || fail "encode --gzip"
loaded gzip || fail "gzip not loaded by encode --gzip"
loaded aes && fail "aes loaded by encode --gzip"
gzip -dc "$tmp/enc.gz" | grep -q '<GPP_A>one</GPP_A>' || fail "encode --gzip output"

# An enabled applier is loaded (the daemon applies through it:
# test-appliers.sh, whose daemon starts with a cache), the others are not;
# listing the appliers loads them all, in load order.
cp "$st/device.conf" "$tmp/device.conf"
printf 'rendered\n' >"$tmp/in.tmpl"
printf '[template]\nEnabled=true\nTemplate=%s\nOutput=%s\n' "$tmp/in.tmpl" "$tmp/out.conf" \
  >>"$st/device.conf"
printf '<flat-profile><GPP_A>tpl</GPP_A></flat-profile>\n' >"$st/profiles/t.xml"
"$ctl" --state-dir "$st" resync "file://$st/profiles/t.xml" >"$tmp/out" 2>"$tmp/err" \
  || fail "resync with an enabled applier"
loaded template || fail "enabled applier not loaded"
for p in baresip linphone; do loaded "$p" && fail "disabled applier $p loaded"; done
G_MESSAGES_DEBUG= "$ctl" --state-dir "$st" appliers >"$tmp/out" 2>"$tmp/err" || fail "appliers"
[ "$(cut -f1,2 "$tmp/out" | tr '\t\n' ': ')" = "baresip:disabled linphone:disabled template:enabled " ] \
  || fail "appliers: $(cat "$tmp/out")"
cp "$tmp/device.conf" "$st/device.conf"

# A cache of an older format is rebuilt (it made every codec eager).
sed -i 's/^Version=.*/Version=1/' "$st/plugin-cache.ini"
resync || fail "resync with an old cache"
loaded gzip || fail "old cache not rebuilt"
grep -q '^Version=2$' "$st/plugin-cache.ini" || fail "cache format not written"
resync || fail "resync after the rebuild"
loaded gzip && fail "gzip loaded after the rebuild"

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
