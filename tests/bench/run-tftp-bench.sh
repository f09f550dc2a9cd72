#!/bin/sh
# Benchmark of the TFTP plugin (through prov-tftp-get) beside curl and the
# tftp-hpa client, on loopback inside a private network namespace, against
# tftpd-hpa and atftpd. Not a test: prints median times and ratios.
#   tests/bench/run-tftp-bench.sh [BUILDDIR] [RUNS]
# Needs: tftpd-hpa, tftp-hpa, curl, atftpd (tests/peers/install-atftpd.sh).
#
# The cases run interleaved, RUNS rounds of one run each, and each gets the
# median of its rounds: run back to back (as hyperfine does), a change in
# the machine's load would favour one client over another. Servers and
# clients share one CPU (taskset): lock-step TFTP is one wake-up per block,
# and across CPUs of a virtual machine those wake-ups cost more than the
# protocol, twice as much from one run to the next.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
runs=${2:-10}
if [ "${PROV_IN_NETNS:-}" != 1 ]; then
  exec "$src/tests/in-netns" "$0" "$build" "$runs"
fi

get=$build/plugins/tftp/prov-tftp-get
atftpd=${PROV_ATFTPD:-/opt/provisiond-peers/usr/sbin/atftpd}
for tool in "$get" /usr/sbin/in.tftpd "$atftpd" "$(command -v tftp || echo tftp)" \
            "$(command -v curl || echo curl)"; do
  if [ ! -x "$tool" ]; then
    echo "run-tftp-bench: $tool is missing" >&2
    exit 1
  fi
done

pin=
if command -v taskset > /dev/null; then
  pin="taskset -c 0"
fi

work=$(mktemp -d)
pids=
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
mkdir -m 755 "$work/srv"
head -c 10485760 /dev/urandom > "$work/srv/big.bin"
echo ready > "$work/srv/ready.txt"
chmod 644 "$work/srv/"*

# Ports in the namespace's own ephemeral range: nothing else runs here.
hpa_port=$(shuf -i 40000-49999 -n 1)
at_port=$(shuf -i 50000-59999 -n 1)
# tftpd-hpa cannot bind a loopback address in a namespace without another
# interface; on every address of this namespace it is loopback only.
$pin /usr/sbin/in.tftpd --foreground --address ":$hpa_port" -4 --secure --user root \
  "$work/srv" > "$work/hpa.log" 2>&1 &
pids="$pids $!"
$pin "$atftpd" --daemon --no-fork --no-multicast --bind-address 127.0.0.1 --port "$at_port" \
  --user root --group root --logfile - "$work/srv" > "$work/atftpd.log" 2>&1 &
pids="$pids $!"
for port in "$hpa_port" "$at_port"; do
  i=0
  until "$get" -q -T 1 -t 0.1 -o "$work/ready" "tftp://127.0.0.1:$port/ready.txt" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -ge 50 ]; then
      echo "run-tftp-bench: no server on port $port" >&2
      cat "$work/hpa.log" "$work/atftpd.log" >&2
      exit 1
    fi
  done
done

hpa=tftp://127.0.0.1:$hpa_port/big.bin
at=tftp://127.0.0.1:$at_port/big.bin
out=$work/out.bin

# name|command
cat > "$work/cases" <<EOF
ours-512|$pin $get -q -b 512 -w 1 -o $out $hpa
curl-512|$pin curl -s -o $out --tftp-blksize 512 $hpa
tftp-hpa-512|$pin tftp -m binary 127.0.0.1 $hpa_port -c get big.bin $out
ours-1468|$pin $get -q -b 1468 -w 1 -o $out $hpa
curl-1468|$pin curl -s -o $out --tftp-blksize 1468 $hpa
ours-at-512|$pin $get -q -b 512 -w 1 -o $out $at
curl-at-512|$pin curl -s -o $out --tftp-blksize 512 $at
ours-at-1468|$pin $get -q -b 1468 -w 1 -o $out $at
curl-at-1468|$pin curl -s -o $out --tftp-blksize 1468 $at
ours-at-512-w16|$pin $get -q -b 512 -w 16 -o $out $at
ours-at-1468-w8|$pin $get -q -b 1468 -w 8 -o $out $at
ours-at-1468-w16|$pin $get -q -b 1468 -w 16 -o $out $at
ours-at-1468-w64|$pin $get -q -b 1468 -w 64 -o $out $at
EOF

# Every case must produce the file, byte for byte, before it is timed.
while IFS='|' read -r name cmd; do
  rm -f "$out"
  if ! sh -c "$cmd" || ! cmp -s "$out" "$work/srv/big.bin"; then
    echo "run-tftp-bench: $name did not fetch the file intact" >&2
    exit 1
  fi
done < "$work/cases"

now_ns() { date +%s%N; }

echo "10 MiB over loopback, median of $runs interleaved rounds${pin:+, on one CPU} (seconds):"
: > "$work/times"
round=0
while [ "$round" -lt "$runs" ]; do
  while IFS='|' read -r name cmd; do
    t0=$(now_ns)
    sh -c "$cmd"
    t1=$(now_ns)
    echo "$name $(( (t1 - t0) / 1000 ))" >> "$work/times"
  done < "$work/cases"
  round=$((round + 1))
done
while IFS='|' read -r name cmd; do
  t=$(awk -v n="$name" '$1 == n { print $2 }' "$work/times" | sort -n | awk '
    { a[NR] = $1 }
    END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.4f", m / 1e6 }')
  eval "t_$(echo "$name" | tr -- '-' '_')=$t"
  printf '  %-18s %8s\n' "$name" "$t"
done < "$work/cases"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "ratios (below 1 = ours faster):"
echo "  ours/curl     512  tftpd-hpa: $(ratio "$t_ours_512" "$t_curl_512")"
echo "  ours/curl    1468  tftpd-hpa: $(ratio "$t_ours_1468" "$t_curl_1468")"
echo "  ours/tftp-hpa 512  tftpd-hpa: $(ratio "$t_ours_512" "$t_tftp_hpa_512")"
echo "  ours/curl     512  atftpd:    $(ratio "$t_ours_at_512" "$t_curl_at_512")"
echo "  ours/curl    1468  atftpd:    $(ratio "$t_ours_at_1468" "$t_curl_at_1468")"
echo "speed-up of windowsize (above 3 = target met):"
echo "  plain 512 (tftpd-hpa) / 1468 w16 (atftpd): $(ratio "$t_ours_512" "$t_ours_at_1468_w16")"
echo "  plain 512 (atftpd)    / 1468 w16 (atftpd): $(ratio "$t_ours_at_512" "$t_ours_at_1468_w16")"
echo "  plain 512 (atftpd)    /  512 w16 (atftpd): $(ratio "$t_ours_at_512" "$t_ours_at_512_w16")"
