#!/bin/sh
# Peak RSS of the real provisionctl path against its peers, inside a
# private network namespace with nginx on 127.0.0.1:
#   - a 200 MB firmware image through `provisionctl upgrade` vs `curl -o`;
#   - a 20 MB profile resync (`provisionctl resync`) vs `xmllint --stream`.
# Prints the median peak RSS (KiB, /usr/bin/time -f %M) of RUNS runs each,
# interleaved, and the ratio.
#   tests/bench/run-stream-bench.sh [BUILD_DIR [RUNS]]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
runs=${2:-3}
if [ "${PROV_IN_NETNS:-}" != 1 ]; then
  exec "$top/tests/in-netns" "$0" "$build" "$runs"
fi

ctl=$build/core/cli/provisionctl
[ -x "$ctl" ] || { echo "run-stream-bench: build $ctl first" >&2; exit 1; }
for tool in curl xmllint python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "run-stream-bench: $tool missing" >&2; exit 1; }
done
. "$top/tests/lib/prov-test.sh"
prov_test_tmp stream-bench

# The namespace is ours alone: a fixed port is free.
port=8080
mkdir -p "$tmp/htdocs"
head -c $((200 * 1000 * 1000)) /dev/urandom >"$tmp/htdocs/fw-2.0.img"
python3 "$top/tests/bench/gen-profile.py" "$tmp/htdocs" >/dev/null
start_nginx_with "$port" "  server {
    listen 127.0.0.1:$port;
    root $tmp/htdocs;
  }" "  access_log off;
  sendfile on;"

python3 - "$build" "$top" "$tmp" "$port" "$runs" <<'PY'
import os, shutil, statistics, subprocess, sys, time

build, top, tmp = sys.argv[1:4]
port, runs = int(sys.argv[4]), int(sys.argv[5])
ctl = os.path.join(build, "core", "cli", "provisionctl")
base = f"http://127.0.0.1:{port}"
# Every plugin of the build, as an installed provisionctl loads them all.
plugins = ":".join(sorted(os.path.join(build, "plugins", d)
                          for d in os.listdir(os.path.join(build, "plugins"))
                          if os.path.isdir(os.path.join(build, "plugins", d))))
env = dict(os.environ, PROV_SCHEMA_DIR=os.path.join(top, "schemas"), LC_ALL="C.UTF-8",
           PROV_PLUGIN_PATH=plugins)

def state(n):
    """A fresh state directory: an upgrade to the same version is skipped."""
    st = os.path.join(tmp, f"state-{n}")
    shutil.rmtree(st, ignore_errors=True)
    os.makedirs(st)
    with open(os.path.join(st, "device.conf"), "w") as f:
        f.write("[Device]\nMAC=00:0e:08:ab:cd:ef\nSoftwareVersion=1.0\n"
                "[installer]\nCommand=true\n")
    subprocess.run([ctl, "--state-dir", st, "set", "Max_Profile_Size=33554432"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return st

def peak_kib(cmd):
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit(f"run-stream-bench: {' '.join(cmd)} failed:\n{out.stderr}")
    return int(out.stderr.strip().splitlines()[-1])

cases = [
    ("200 MB firmware", 2.0,
     lambda n: [ctl, "--state-dir", state(n), "upgrade", f"{base}/fw-2.0.img"],
     lambda n: ["curl", "-s", "-f", "-o", os.path.join(tmp, "curl.img"), f"{base}/fw-2.0.img"]),
]
for name in ("distinct.xml", "repeat.xml"):
    size = os.path.getsize(os.path.join(tmp, "htdocs", name)) / 1e6
    cases.append((f"{size:.0f} MB profile ({name})", 1.5,
                  lambda n, name=name: [ctl, "--state-dir", state(n), "resync", f"{base}/{name}"],
                  lambda n, name=name: ["xmllint", "--stream", "--noout",
                                        os.path.join(tmp, "htdocs", name)]))

print(f"peak RSS, median of {runs} interleaved runs (KiB)")
print(f"{'case':34} {'provisionctl':>12} {'peer':>10} {'ratio':>6} {'target':>6}")
for label, target, ours, theirs in cases:
    a, b = [], []
    for i in range(runs):
        if i % 2 == 0:
            a.append(peak_kib(ours(i))); b.append(peak_kib(theirs(i)))
        else:
            b.append(peak_kib(theirs(i))); a.append(peak_kib(ours(i)))
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"{label:34} {ma:12.0f} {mb:10.0f} {ma / mb:6.2f} {target:5.1f}x")
PY
