#!/bin/sh
# Each optional part of the install (-Dsystemd, -Dman, -Dbash_completion,
# -Dnm_dispatcher, -Ddhclient, -Dpolkit, -Dintrospection, -Ddocs) in both
# positions: turned off, it removes exactly its own files from what `meson
# install` installs (-Dintrospection=disabled also the API reference, which
# is made from the GIR; meson
# introspect --installed of a configured tree, no build needed); then a
# build with all of them off compiles, and its `meson install --destdir`
# has none of their files and still the daemon, CLI, library and plugin.
#   tests/test-options.sh [WORK_DIR]     (run by .ci/run; a few minutes)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The files each option governs, as patterns of installed paths.
pattern() {
  case $1 in
    systemd) echo '/systemd/system/provisiond\.service$' ;;
    man) echo '/man/man[1578]/\(provision[a-z.-]*\|org\.provisiond\.Provisiond1\)\.[1578]$' ;;
    bash_completion) echo '/completions/provisionctl$' ;;
    nm_dispatcher) echo '/dispatcher\.d/90-provisiond$' ;;
    dhclient) echo '/dhclient-exit-hooks\.d/provisiond$' ;;
    polkit) echo '/polkit-1/actions/org\.provisiond\.provisiond1\.policy$' ;;
    introspection) echo '/Provision-1\.\(gir\|typelib\)$\|/doc/provision-1\(/.*\)\?$' ;;
    docs) echo '/doc/provision-1\(/.*\)\?$' ;;
  esac
}
options="systemd man bash_completion nm_dispatcher dhclient polkit introspection docs"
off() {
  case $1 in
    polkit | introspection | docs) echo "-D$1=disabled" ;;
    *) echo "-D$1=false" ;;
  esac
}

installed() { # installed DIR: the paths `meson install` would write, sorted
  meson introspect --installed "$1" |
    python3 -c 'import json, sys; print("\n".join(sorted(json.load(sys.stdin).values())))'
}
# -Ddocs=auto, not enabled: it follows -Dintrospection=disabled instead of
# failing; the check of the full list below proves that it is on.
command -v gi-docgen >/dev/null || fail "gi-docgen is not installed (.ci/install-deps)"
setup() { # setup DIR OPTIONS…: configure only, quietly
  d=$1; shift
  meson setup "$d" "$src" -Dtests=false -Dpolkit=enabled -Dintrospection=enabled -Ddocs=auto "$@" >"$work/setup.log" 2>&1 ||
    { cat "$work/setup.log"; fail "meson setup $*"; }
}

setup "$work/all"
installed "$work/all" >"$work/all.list"
for opt in $options; do
  grep -q "$(pattern "$opt")" "$work/all.list" || fail "-D$opt on: its files are not installed"
done
for opt in $options; do
  setup "$work/$opt" "$(off "$opt")"
  installed "$work/$opt" >"$work/$opt.list"
  grep -v "$(pattern "$opt")" "$work/all.list" >"$work/expected"
  if ! diff -u "$work/expected" "$work/$opt.list" >"$work/diff"; then
    cat "$work/diff" >&2
    fail "$(off "$opt") changes more than its own files (- missing, + extra)"
  fi
  echo "ok $(off "$opt")"
  rm -rf "${work:?}/$opt"
done

# Everything off, built and installed.
offs=""
for opt in $options; do offs="$offs $(off "$opt")"; done
# shellcheck disable=SC2086 # one argument per option
setup "$work/none" -Dplugins=file $offs
ninja -C "$work/none" >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log"; fail "build with every option off"; }
meson install -C "$work/none" --destdir "$work/dest" --no-rebuild --quiet >/dev/null
find "$work/dest" -type f >"$work/none.list"
for opt in $options; do
  ! grep -q "$(pattern "$opt")" "$work/none.list" || fail "$(off "$opt"): $(grep "$(pattern "$opt")" "$work/none.list")"
done
for want in /sbin/provisiond /bin/provisionctl /libprov-plugin-file.so /include/provision-1/provision.h; do
  grep -q "$want\$" "$work/none.list" || fail "every option off: $want not installed"
done
readelf -d "$(grep '/sbin/provisiond$' "$work/none.list")" | grep -q polkit &&
  fail "-Dpolkit=disabled: provisiond still links polkit"
echo "PASS"
