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

# optional OPTION PATH MODE: PATH installed when -DOPTION is on, absent
# when it is off (OPTIONS_OFF).
optional() {
  case " $OPTIONS_OFF " in
    *" $1 "*) [ ! -e "$dest$2" ] || fail "$2 installed with -D$1=false"; echo "ok no $2" ;;
    *) file "$2" "$3" ;;
  esac
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
optional systemd "$unit" 644
file "$DBUSPOLICYDIR/org.provisiond.Provisiond1.conf" 644
file "$activation" 644
file "$DBUSINTERFACESDIR/org.provisiond.Provisiond1.xml" 644
if [ -n "$POLKITACTIONSDIR" ]; then
  policy="$dest$POLKITACTIONSDIR/org.provisiond.provisiond1.policy"
  file "$POLKITACTIONSDIR/org.provisiond.provisiond1.policy" 644
  # One action per kind of operation, translated from po/ at build time.
  for action in read-secrets change-parameters resync; do
    grep -q "<action id=\"org.provisiond.provisiond1.$action\">" "$policy" ||
      fail "policy: no action $action"
  done
  [ "$(grep -c '<message xml:lang="ja">' "$policy")" = 3 ] ||
    fail "policy: the ja messages were not merged from po/ja.po"
  grep -q '<description xml:lang="ja">このデバイスの設定の再同期とファームウェアの更新</description>' \
    "$policy" || fail "policy: ja description"
  echo "ok polkit policy with translations"
else
  [ -z "$(find "$dest" -name '*.policy')" ] || fail "polkit policy installed with -Dpolkit=disabled"
fi
optional bash_completion "$BASHCOMPLETIONDIR/provisionctl" 644
optional nm_dispatcher "$NMDISPATCHERDIR/90-provisiond" 755
optional dhclient "$DHCLIENTHOOKSDIR/provisiond" 644
for page in man1/provisionctl.1 man5/provisiond.conf.5 man5/provisiond-device.5 \
            man7/org.provisiond.Provisiond1.7 man8/provisiond.8; do
  optional man "$MANDIR/$page" 644
done

# The unit and the activation file agree, and name the installed daemon.
if [ -e "$dest$unit" ]; then
  grep -qx "ExecStart=$SBINDIR/provisiond --system --state-dir=\${STATE_DIRECTORY} --cache-dir=\${CACHE_DIRECTORY} --device=\${CONFIGURATION_DIRECTORY}/device.conf" "$dest$unit" ||
    fail "unit: ExecStart (state in StateDirectory=, downloads in CacheDirectory=, the device file in /etc)"
  grep -qx "CacheDirectory=provisiond" "$dest$unit" || fail "unit: CacheDirectory"
  grep -qx "BusName=org.provisiond.Provisiond1" "$dest$unit" || fail "unit: BusName"
fi
# Every path built into the programs is absolute, whatever --prefix.
grep '^#define PROV_[A-Z]*DIR ' "$build/config.h" >"$tmp/dirs"
[ -s "$tmp/dirs" ] || fail "config.h: no PROV_*DIR"
! grep -v '^#define PROV_[A-Z]*DIR "/' "$tmp/dirs" ||
  fail "config.h: relative paths: $(grep -v '^#define PROV_[A-Z]*DIR "/' "$tmp/dirs")"
echo "ok config.h paths absolute"
grep -qx "Name=org.provisiond.Provisiond1" "$dest$activation" || fail "activation: Name"
grep -qx "Exec=$SBINDIR/provisiond --system" "$dest$activation" || fail "activation: Exec"
if [ -e "$dest$unit" ]; then
  # Activation goes through the alias the unit declares, which only an
  # enabled unit has (as ModemManager does): disabling stops activation.
  grep -qx "SystemdService=dbus-org.provisiond.Provisiond1.service" "$dest$activation" ||
    fail "activation: SystemdService must be the unit's alias"
  grep -qx "Alias=dbus-org.provisiond.Provisiond1.service" "$dest$unit" || fail "unit: Alias"
  [ ! -e "$dest$SYSTEMDUNITDIR/dbus-org.provisiond.Provisiond1.service" ] ||
    fail "the alias is installed: activation would work with the unit disabled"
  echo "ok activation through the unit's alias"
  # systemctl --root: enabling creates the alias, disabling removes it.
  case $SYSTEMDUNITDIR in
  /usr/lib/systemd/system | /lib/systemd/system | /usr/local/lib/systemd/system | /etc/systemd/system)
    if command -v systemctl >/dev/null; then
      alias_link="$dest/etc/systemd/system/dbus-org.provisiond.Provisiond1.service"
      systemctl --root="$dest" enable provisiond.service >/dev/null 2>&1 || fail "systemctl enable"
      [ -L "$alias_link" ] || fail "enabling did not create the alias"
      systemctl --root="$dest" disable provisiond.service >/dev/null 2>&1 || fail "systemctl disable"
      [ ! -e "$alias_link" ] && [ ! -L "$alias_link" ] || fail "disabling kept the alias"
      rm -rf "$dest/etc/systemd"
      echo "ok enable/disable adds/removes the activation alias"
    fi
    ;;
  esac
fi
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
