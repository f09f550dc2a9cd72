#!/bin/sh
# Times prov-http-get (the http plugin) against curl fetching a 10 MB file
# from nginx over HTTP and HTTPS on 127.0.0.1, inside a private network
# namespace; prints the median of each and their ratio (< 1: we are faster).
#   tests/bench/run-http-bench.sh [BUILD_DIR [RUNS]]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
runs=${2:-15}
if [ "${PROV_IN_NETNS:-}" != 1 ]; then
  exec "$top/tests/in-netns" "$0" "$build" "$runs"
fi

get=$build/plugins/http/prov-http-get
[ -x "$get" ] || { echo "run-http-bench: build $get first" >&2; exit 1; }
for tool in nginx curl openssl python3; do
  if ! command -v "$tool" >/dev/null && [ ! -x "/usr/sbin/$tool" ]; then
    echo "run-http-bench: $tool missing" >&2
    exit 1
  fi
done
. "$top/tests/lib/prov-test.sh"
prov_test_tmp http-bench

# The namespace is ours alone: fixed ports are free.
http_port=8080
https_port=8443
mkdir -p "$tmp/htdocs"
head -c $((10 * 1024 * 1024)) /dev/urandom > "$tmp/htdocs/10m.bin"
echo ok > "$tmp/htdocs/tiny.txt"
make_server_cert "$tmp" "Bench CA"
start_nginx_with "$http_port $https_port" "  server {
    listen 127.0.0.1:$http_port;
    listen 127.0.0.1:$https_port ssl;
    ssl_certificate $tmp/server.pem;
    ssl_certificate_key $tmp/server.key;
    root $tmp/htdocs;
  }" "  access_log off;
  sendfile on;"

python3 - "$get" "$tmp" "$http_port" "$https_port" "$runs" <<'PY'
import filecmp, os, statistics, subprocess, sys, time

get, tmp = sys.argv[1], sys.argv[2]
http_port, https_port, runs = (int(arg) for arg in sys.argv[3:6])
ca = os.path.join(tmp, "ca.pem")
out = os.path.join(tmp, "out.bin")

cases = {
    "http": f"http://127.0.0.1:{http_port}/10m.bin",
    "https": f"https://127.0.0.1:{https_port}/10m.bin",
    # 3 bytes: what a process pays before the first byte (start-up, TLS set-up).
    "http 3 B": f"http://127.0.0.1:{http_port}/tiny.txt",
    "https 3 B": f"https://127.0.0.1:{https_port}/tiny.txt",
}

def command(tool, scheme, dest, fetches=1):
    url = cases[scheme]
    tls = scheme.startswith("https")
    if tool == "prov-http-get":
        cmd = [get, "--max-size", "0", "--repeat", str(fetches), "-o", dest, url]
        return cmd + (["--ca-file", ca] if tls else [])
    # Connection: close makes curl connect anew each time, as the plugin does.
    cmd = ["curl", "-s", "-f"] + (["--cacert", ca] if tls else [])
    if fetches > 1:
        cmd += ["-H", "Connection: close"]
    for _ in range(fetches):
        cmd += ["-o", dest, url]
    return cmd

def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - start

# Both tools must deliver the exact file before they are timed.
for scheme in ("http", "https"):
    for tool in ("prov-http-get", "curl"):
        subprocess.run(command(tool, scheme, out), check=True)
        if not filecmp.cmp(out, os.path.join(tmp, "htdocs", "10m.bin"), shallow=False):
            sys.exit(f"run-http-bench: {tool} {scheme}: payload differs")

print(f"10 MB over loopback, {runs} runs each, median wall time of a whole process")
print(f"{'':10} {'prov-http-get':>14} {'curl':>10} {'ratio':>7}")

def report(label, times):
    ours = statistics.median(times["prov-http-get"]) * 1000
    theirs = statistics.median(times["curl"]) * 1000
    print(f"{label:10} {ours:11.1f} ms {theirs:7.1f} ms {ours / theirs:7.2f}")

for scheme in cases:
    times = {"prov-http-get": [], "curl": []}
    for i in range(runs):
        # Alternate who goes first, so neither always gets the warm cache.
        order = ("prov-http-get", "curl") if i % 2 == 0 else ("curl", "prov-http-get")
        for tool in order:
            times[tool].append(timed(command(tool, scheme, "/dev/null")))
    report(scheme, times)

# A daemon pays process start-up and TLS library set-up once: the cost of
# one more 10 MB fetch in a running process is (time of 1+N) - (time of 1) / N.
extra = 4
print(f"one more 10 MB fetch in a running process (median of {runs} x ({1 + extra} - 1) / {extra})")
for scheme in ("http", "https"):
    times = {"prov-http-get": [], "curl": []}
    for i in range(runs):
        order = ("prov-http-get", "curl") if i % 2 == 0 else ("curl", "prov-http-get")
        for tool in order:
            one = timed(command(tool, scheme, "/dev/null"))
            many = timed(command(tool, scheme, "/dev/null", 1 + extra))
            times[tool].append(max(many - one, 0) / extra)
    report(scheme + " +1", times)
PY
status=$?
exit $status
