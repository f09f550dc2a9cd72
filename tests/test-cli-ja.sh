#!/bin/sh
# No English is left in what provisionctl shows a person in Japanese: each
# command of the table (`provisionctl --help`), its --help and a wrong usage,
# run against a prepared state directory under LANGUAGE=ja; the words left
# after identifiers (parameter names, URLs, paths, options, macros,
# key=value pairs) are removed must be on the allow-list below.
#   test-cli-ja.sh SOURCE_ROOT BUILD_ROOT
set -eu
src=$1 build=$2
. "$src/tests/lib/prov-test.sh"
prov_test_tmp cli-ja
ctl="$build/core/cli/provisionctl"
export PROV_SCHEMA_DIR="$src/schemas" PROV_PLUGIN_PATH="$build/plugins/file" PROV_LOCALEDIR="$build/po"
locale -a 2>/dev/null | grep -qi '^ja_JP.utf8$' ||
  fail "locale ja_JP.UTF-8 is not installed (.ci/install-deps generates it)"

# Names, values and metavariables that are the same in every language.
allowed=" provisionctl provisiond JSON CA XML AES SIP PBKDF KDF RULE NAME VALUE CODE FILE DIR PATH
  ADDRESS KEY IN OUT ARG N gzip sha md pbkdf ne eq file tftp plain device conf "

st="$tmp/state"
mkdir -p "$st/profiles"
cp "$src/data/examples/device.conf" "$st/"
printf '<flat-profile>\n<GPP_A>1</GPP_A>\n<GPP_SB>s3cret</GPP_SB>\n</flat-profile>\n' >"$st/profiles/basic.xml"
# A success and a failure in the status.
LC_ALL=C.UTF-8 "$ctl" --state-dir "$st" resync "file://$st/profiles/basic.xml" >/dev/null 2>&1
LC_ALL=C.UTF-8 "$ctl" --state-dir "$st" resync "file://$st/profiles/missing.xml" >/dev/null 2>&1 &&
  fail "the resync of a missing file succeeded"

english_words() { # the ASCII words of standard input that are not identifiers
  grep -v '^\[[0-9]*\] ' | # the device's syslog messages (data/syslog.md) keep their format
    sed -e 's#[a-z][a-z0-9+]*://[^ )]*##g' -e 's#[^ ]*/[^ ]*##g' -e 's/--[a-z-]*//g' \
      -e 's/\$[A-Z_]*//g' -e 's/[A-Za-z0-9]*_[A-Za-z0-9_]*//g' -e 's/[A-Za-z]*=[^ ]*//g' \
      -e 's/[0-9-]*T[0-9:]*[+-][0-9:]*//g' -e 's/\<[0-9a-f]*[0-9][0-9a-f]*\>//g' -e 's/\(^\| \)-[A-Za-z]\>//g' |
    grep -o '[A-Za-z][A-Za-z]*' || true
}

check() { # check ARG... : runs provisionctl in Japanese
  set +e
  LANGUAGE=ja LC_ALL=ja_JP.UTF-8 "$ctl" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  set -e
  [ "${1-}" = --state-dir ] && [ "${3-}" = dump ] && : >"$tmp/out" # a profile, not text
  for word in $(cat "$tmp/out" "$tmp/err" | english_words); do
    case $allowed in
      *" $word "*) ;;
      *)
        cat "$tmp/out" "$tmp/err" >&2
        fail "'provisionctl $*' shows the English word '$word' in Japanese"
        ;;
    esac
  done
}

commands=$(LC_ALL=C.UTF-8 "$ctl" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p')
[ -n "$commands" ] || fail "provisionctl --help lists no commands"
allowed="$allowed $(printf '%s ' $commands)"
check --help
check
check 0
check --state-dir "$st/missing" status
for command in $commands; do
  check "$command" --help
  check --state-dir "$st" "$command" --no-such-option
  case $command in
    resync) set -- "file://$st/profiles/missing.xml" ;;
    activate) set -- 12 ;;
    upgrade) set -- "file://$st/profiles/fw.1.0.img" ;;
    get) set -- GPP_A No_Such_Param ;;
    set) set -- GPP_A=2 Resync_Periodc=5 ;;
    expand) set -- '( $SWVER ne 1 )? /x.cfg | tftp://a/$MA.cfg' ;;
    decode) set -- "$st/profiles/basic.xml" ;;
    encode) set -- --gzip "$st/profiles/basic.xml" "$tmp/basic.gz" ;;
    *) set -- ;;
  esac
  check --state-dir "$st" "$command" "$@"
  check --state-dir "$st" "$command" 1 2 3 4 5
done
echo PASS
