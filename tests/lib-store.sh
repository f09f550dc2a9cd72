# shellcheck shell=sh
# Reading the store's files in shell tests, sourced: the value a state
# directory's store holds for a name, secrets included (provisionctl masks
# those), escapes left as stored. The base `params.db` and then the journal
# `params.db.journal` (later records win): `<access>\t<name>[\t<value>]\t<crc>`
# lines, "x" as the access of a removed entry (core/pipeline/prov-store-file.c).
stored_value() { # stored_value STATE_DIR NAME; exit status 1 when not stored
  cat "$1/params.db" "$1/params.db.journal" 2>/dev/null | awk -F '\t' -v name="$2" '
    /^provisiond-|^end |^commit / { next }
    $2 == name { found = $1 != "x"; value = NF > 3 ? $3 : "" }
    END { if (found) print value; exit !found }'
}
