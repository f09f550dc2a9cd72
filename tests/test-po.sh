#!/bin/sh
# The ja translation is complete: every message of the sources in
# po/POTFILES.in has a non-fuzzy translation whose format matches.
#   test-po.sh SOURCE_ROOT
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 -o "$tmp/provisiond.pot" \
  $(grep -v '^#' po/POTFILES.in)
for lang in $(cat po/LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching -o "$tmp/$lang.po" "po/$lang.po" "$tmp/provisiond.pot"
  msgfmt --check -o /dev/null "$tmp/$lang.po"
  untranslated=$(msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep -c '^msgid ' || true)
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$tmp/$lang.po" | grep -c '^msgid ' || true)
  if [ "$untranslated" -gt 1 ] || [ "$fuzzy" -gt 0 ]; then
    echo "FAIL: po/$lang.po: $((untranslated - 1)) untranslated, $fuzzy fuzzy:" >&2
    msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep '^msgid ' >&2
    exit 1
  fi
done
echo PASS
