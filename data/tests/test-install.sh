#!/bin/sh
# `meson install` into a temporary DESTDIR puts every file where it belongs,
# with sane modes, and the installed provisionctl runs from there.
#   test-install.sh BUILD_ROOT
# The expected directories come from data/tests/meson.build in the
# environment (absolute paths under the prefix).
set -eu
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
dest="$tmp/dest"
umask 022

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; fail "meson install failed"; }

file() { # file PATH [MODE]: installed, a regular file, with MODE when given
  [ -f "$dest$1" ] || fail "not installed: $1"
  if [ -n "${2-}" ]; then
    mode=$(stat -c %a "$dest$1")
    [ "$mode" = "$2" ] || fail "$1 has mode $mode, expected $2"
  fi
  echo "ok $1"
}

# Programs and the library, with its headers and pkg-config file.
file "$BINDIR/provisionctl" 755
file "$SBINDIR/provisiond" 755
lib=$(find "$dest$LIBDIR" -maxdepth 1 -name 'libprovision.so.*.*' | head -n 1)
[ -n "$lib" ] || fail "libprovision.so.N.N.N not installed in $LIBDIR"
[ -L "$dest$LIBDIR/libprovision.so" ] || fail "libprovision.so (development link) not installed"
file "$INCLUDEDIR/provision-1/provision.h"
file "$INCLUDEDIR/provision-1/prov-abi.h"
file "$INCLUDEDIR/provision-1/prov-plugin.h"
file "$LIBDIR/pkgconfig/provision-1.pc"
got=$(PKG_CONFIG_PATH="$dest$LIBDIR/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" \
  pkg-config --variable=pluginsdir provision-1)
[ "$got" = "$PLUGINSDIR" ] || fail "provision-1.pc: pluginsdir is '$got', expected '$PLUGINSDIR'"

# Plugins: each built one, 0755 or 0644, never writable by group or others
# (the loader refuses those).
for plugin in $PLUGINS; do
  file "$PLUGINSDIR/$plugin"
done
find "$dest$PLUGINSDIR" -type f | while read -r so; do
  case $(stat -c %a "$so") in
    755 | 644) ;;
    *) fail "$so has mode $(stat -c %a "$so")" ;;
  esac
done
bad=$(find "$dest" -perm /022 ! -type l)
[ -z "$bad" ] || fail "group- or world-writable files installed: $bad"

# Schema, configuration and translation.
file "$SCHEMADIR/00-core.schema" 644
file "$PKGSYSCONFDIR/provisiond.conf" 644
file "$LOCALEDIR/ja/LC_MESSAGES/provisiond.mo" 644

# System integration.
unit="$SYSTEMDUNITDIR/provisiond.service"
activation="$DBUSSERVICESDIR/org.provisiond.Provisiond1.service"
file "$unit" 644
file "$DBUSPOLICYDIR/org.provisiond.Provisiond1.conf" 644
file "$activation" 644
file "$DBUSINTERFACESDIR/org.provisiond.Provisiond1.xml" 644
if [ -n "$POLKITACTIONSDIR" ]; then
  file "$POLKITACTIONSDIR/org.provisiond.provisiond1.policy" 644
else
  [ -z "$(find "$dest" -name '*.policy')" ] || fail "polkit policy installed with -Dpolkit=disabled"
fi
file "$BASHCOMPLETIONDIR/provisionctl" 644
file "$NMDISPATCHERDIR/90-provisiond" 755
file "$DHCLIENTHOOKSDIR/provisiond" 644
for page in man1/provisionctl.1 man5/provisiond.conf.5 man5/provisiond-device.5 \
            man8/provisiond.8; do
  file "$MANDIR/$page" 644
done

# The unit and the activation file agree, and name the installed daemon.
grep -qx "ExecStart=$SBINDIR/provisiond --system --state-dir=\${STATE_DIRECTORY}" "$dest$unit" ||
  fail "unit: ExecStart"
grep -qx "BusName=org.provisiond.Provisiond1" "$dest$unit" || fail "unit: BusName"
grep -qx "Name=org.provisiond.Provisiond1" "$dest$activation" || fail "activation: Name"
grep -qx "Exec=$SBINDIR/provisiond --system" "$dest$activation" || fail "activation: Exec"
grep -qx "SystemdService=provisiond.service" "$dest$activation" || fail "activation: SystemdService"
grep -qx "User=root" "$dest$activation" || fail "activation: User"

# Nothing for tests only.
extra=$(find "$dest" -name 'test-*' -o -name '*bench*' -o -name 'gvariant-check')
[ -z "$extra" ] || fail "test programs installed: $extra"

# The installed provisionctl runs with the installed library, schema and
# plugins, and finds the file plugin.
export LD_LIBRARY_PATH="$dest$LIBDIR" PROV_SCHEMA_DIR="$dest$SCHEMADIR" \
  PROV_PLUGIN_PATH="$dest$PLUGINSDIR" PROV_LOCALEDIR="$dest$LOCALEDIR"
unset PROV_PLUGIN_BLOCK
ctl="$dest$BINDIR/provisionctl"
mkdir "$tmp/state"
LC_ALL=C.UTF-8 "$ctl" --state-dir "$tmp/state" plugins >"$tmp/plugins" 2>"$tmp/err" ||
  { cat "$tmp/plugins" "$tmp/err"; fail "installed provisionctl plugins failed"; }
grep -q "^file .*$dest$PLUGINSDIR/libprov-plugin-file.so" "$tmp/plugins" ||
  { cat "$tmp/plugins" "$tmp/err"; fail "installed provisionctl does not list the file plugin"; }
echo "ok provisionctl plugins"
"$ctl" --version | grep -q '^provisionctl ' || fail "installed provisionctl --version"
"$dest$SBINDIR/provisiond" --version | grep -q '^provisiond ' || fail "installed provisiond --version"
if locale -a 2>/dev/null | grep -qi '^ja_JP.utf8$'; then
  LC_ALL=ja_JP.UTF-8 "$ctl" --state-dir "$tmp/state" get No_Such_Param 2>"$tmp/err" || true
  grep -q "そのようなパラメータはありません" "$tmp/err" ||
    { cat "$tmp/err"; fail "the installed catalog does not translate"; }
  echo "ok Japanese catalog"
fi
echo PASS
