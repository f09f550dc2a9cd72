#!/bin/sh
# A [linphone] ReloadCommand for linphonec: the running one unregisters (it
# does not on exit) and stops; a new one starts with the provisioned file as
# its factory config, which wins over the same keys of its own rc.
# linphonec writes the proxies it ran with into its own rc, so that rc
# starts each time as a fresh copy of BASE_RC: a line the provisioned file
# no longer has must not come back from there. Commands reach linphonec on
# its stdin, a FIFO that a holder process keeps open.
#   linphonec-reload.sh BASE_RC PROVISIONED_RC
# Files beside BASE_RC: .run (working rc), .in (FIFO), .pid (linphonec and
# holder), .log (output).
# LINPHONEC_PIPE=1: linphonec also listens on its control socket
# (/tmp/linphonec-<uid>), for a [linphone] Control=. Such a linphonec
# (5.1.65) does not send the un-REGISTER of `unregister` before it quits,
# so its lines stay bound at the registrar until they expire.
set -u
base=$1 provisioned=$2
if [ -s "$base.pid" ]; then
  read -r pid holder <"$base.pid"
  if kill -0 "$pid" 2>/dev/null; then
    printf 'unregister\n' >"$base.in"
    # The un-REGISTER needs its answer (and a Digest round) before quit.
    i=0
    while ! grep -q '^unregistered' "$base.log" && [ "$i" -lt 40 ]; do
      sleep 0.05; i=$((i + 1))
    done
    printf 'quit\n' >"$base.in"
    # Its shutdown can hang ("Terminating..." and no exit, on quit and on
    # SIGTERM alike): 3 s, then SIGKILL by its pid.
    i=0
    while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 60 ]; do sleep 0.05; i=$((i + 1)); done
    kill -KILL "$pid" 2>/dev/null
    # Gone (or a zombie) before the new one starts: a Control= poll right
    # after this script must not get its answer from the old linphonec.
    i=0
    while [ "$i" -lt 100 ]; do
      state=$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) || break
      [ "$state" != Z ] || break
      sleep 0.02; i=$((i + 1))
    done
  fi
  kill "$holder" 2>/dev/null
fi
rm -f "$base.in" "$base.log"
mkfifo -m 600 "$base.in" || exit 1
cp "$base" "$base.run" || exit 1
sleep 1000000 >"$base.in" 2>/dev/null </dev/null &
holder=$!
linphonec ${LINPHONEC_PIPE:+--pipe} -c "$base.run" -b "$provisioned" <"$base.in" >"$base.log" 2>&1 &
echo "$! $holder" >"$base.pid"
