#!/bin/bash
# bash completion of provisionctl: commands, options, and parameter names
# taken from `provisionctl dump` of the state directory on the command line;
# the completion and provisionctl(1) list what provisionctl's command table
# has, no more, no less.
#   test-completion.sh SOURCE_ROOT BUILD_ROOT
set -eu
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ctl="$build/core/cli/provisionctl"
export PROV_SCHEMA_DIR="$src/schemas" PROV_PLUGIN_PATH="$build/plugins/file" LC_ALL=C.UTF-8

# bash-completion's helpers when installed, else minimal stand-ins.
if [ -r /usr/share/bash-completion/bash_completion ]; then
  # shellcheck disable=SC1091
  . /usr/share/bash-completion/bash_completion
else
  echo "bash-completion is not installed: using stand-ins for its helpers"
  # shellcheck disable=SC2034 # the variables are the completion function's
  _init_completion() {
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
  }
  _filedir() { COMPREPLY=(FILES); }
  compopt() { :; }
  complete() { :; }
fi
# shellcheck disable=SC1091
. "$src/data/provisionctl.bash-completion"

mkdir "$tmp/state"
"$ctl" --state-dir "$tmp/state" set 'GPP_C=x' >/dev/null

complete_line() { # complete_line WORD... : completions of the last word
  COMP_WORDS=("$ctl" "$@")
  COMP_CWORD=$#
  COMP_LINE="${COMP_WORDS[*]}"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _provisionctl "$ctl" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  [ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
expect() { # expect WANT GOT WHAT
  [ "$1" = "$2" ] || fail "$3: expected [$1], got [$2]"
}

expect "encode expand " "$(complete_line --state-dir "$tmp/state" e)" "commands"
expect "decode dump " "$(complete_line d)" "commands without options"
expect "--session --state-dir --system " "$(complete_line --s)" "global options"
expect "--json " "$(complete_line --j)" "--json"
expect "Profile_Rule Profile_Rule_B Profile_Rule_C Profile_Rule_D " \
  "$(complete_line --state-dir "$tmp/state" get Profile_R)" "get"
expect "Resync_Periodic= " "$(complete_line --state-dir "$tmp/state" set Resync_Per)" "set"
expect "GPP_C " "$(complete_line "--state-dir=$tmp/state" get GPP_C)" "get with --state-dir="
expect "" "$(complete_line --state-dir "$tmp/state" set Resync_Periodic=)" "set value"
expect "md5 pbkdf2 sha256 " "$(complete_line encode --kdf '')" "encode --kdf"
expect "--gzip --help --iter --kdf --key " "$(complete_line encode --)" "encode options"
expect "--help " "$(complete_line resync --h)" "a command's --help"
expect "--count --help " "$(complete_line monitor --)" "monitor options"
expect "--address " "$(complete_line --a)" "--address"

# The completion and the man page follow provisionctl's command table, as
# `provisionctl --help` and `provisionctl COMMAND --help` show it.
options_of() { # the long options a --help output lists
  sed -n 's/^  \(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z-]*\).*/\2/p' | sort | tr '\n' ' '
}
commands=$("$ctl" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p')
[ -n "$commands" ] || fail "provisionctl --help lists no commands"
expect "$(printf '%s\n' $commands | sort | tr '\n' ' ')" "$(complete_line '')" "the commands"
expect "$("$ctl" --help | options_of)" "$(complete_line --)" "the global options"
man=$src/data/man/provisionctl.1.in
man_commands=$(sed -n '/^\.SH COMMANDS/,/^\.SH [^C]/{/^\.TP/{n;s/^\.B[IR]* \([a-z][a-z]*\).*/\1/p}}' "$man")
expect "$(printf '%s\n' $commands | sort | tr '\n' ' ')" \
  "$(printf '%s\n' $man_commands | sort | tr '\n' ' ')" "the commands of provisionctl(1)"
for option in $("$ctl" --help | options_of); do
  grep -q "^\.B[IR]* .*$(echo "$option" | sed 's/-/\\\\-/g')" "$man" || fail "provisionctl(1) lacks $option"
done
for command in $commands; do
  options=$("$ctl" "$command" --help | options_of)
  expect "$options" "$(complete_line "$command" --)" "the options of $command"
  for option in $options; do
    [ "$option" = --help ] && continue
    sed -n '/^\.SH COMMANDS/,/^\.SH [^C]/p' "$man" | grep -q -- "$(echo "$option" | sed 's/-/\\\\-/g')" ||
      fail "provisionctl(1) does not describe $command $option"
  done
done
bash -n "$src/data/provisionctl.bash-completion" || fail "syntax"
if command -v shellcheck >/dev/null; then
  shellcheck "$src/data/provisionctl.bash-completion" || fail "shellcheck"
fi
echo PASS
