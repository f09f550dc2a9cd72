#!/bin/sh
# Every XML file of data/ and schemas/ is well-formed (xmllint --noout),
# found at test time so that new files are covered; the polkit policy is
# also valid against polkit's DTD when polkitd is installed.
#   test-xml.sh SOURCE_ROOT
set -eu
src=$1
command -v xmllint >/dev/null || { echo "xmllint is not installed (libxml2-utils)"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
list=$(mktemp)
trap 'rm -f "$list"' EXIT

# XML by name, or by content: the D-Bus policy is a .conf file.
find "$src/data" "$src/schemas" -type f | sort | while read -r file; do
  case $file in
    *.xml | *.policy | *.xml.in | *.policy.in) echo "$file" ;;
    *)
      if head -c 64 "$file" | LC_ALL=C grep -q '^[[:space:]]*<[?!a-zA-Z]'; then
        echo "$file"
      fi
      ;;
  esac
done >"$list"

n=0
while read -r file; do
  xmllint --noout --nonet "$file" || fail "$file is not well-formed XML"
  echo "ok $file"
  n=$((n + 1))
done <"$list"
for must in data/org.provisiond.Provisiond1.conf data/org.provisiond.provisiond1.policy.in \
            schemas/org.provisiond.Provisiond1.xml; do
  grep -qx "$src/$must" "$list" || fail "$must was not checked"
done
echo "$n XML files well-formed"

# Translations are merged from po/ at build time, never written by hand.
! grep -q 'xml:lang' "$src"/data/*.policy.in || fail "translations written into the policy"

dtd=/usr/share/polkit-1/policyconfig-1.dtd
if [ -r "$dtd" ]; then
  for policy in "$src"/data/*.policy.in; do
    xmllint --noout --nonet --dtdvalid "$dtd" "$policy" || fail "$policy is not a valid polkit policy"
  done
  echo "polkit policy valid"
else
  echo "$dtd missing (polkitd not installed): polkit policy not validated"
fi
