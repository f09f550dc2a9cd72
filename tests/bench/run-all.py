#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every row of the README's performance table, in one run (run-all.sh).

Each row times whole processes on both sides: the real provisionctl (or
provisiond over D-Bus) with every plugin of the build, against the real
peer (curl, xmllint, tftp-hpa, openssl) on the same data, in the same
namespace. The two sides alternate run by run (who goes first swaps each
round), so a change in the machine's load hits both. A row prints the
median wall time with [min-max], the ratio of the medians (below 1:
provisiond is faster) and the peak RSS of each side (ru_maxrss of the
process and the children it waited for, from wait4).

  tests/bench/run-all.sh [BUILD_DIR [RUNS]]      (runs inside tests/in-netns)

Environment: BENCH_ONLY=regex (rows whose key matches), BENCH_BIG_MB
(size of the big firmware row, 200; 0 leaves it out).
"""

import datetime
import gzip
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "build"))
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 11
ONLY = re.compile(os.environ.get("BENCH_ONLY", ""))
BIG_MB = int(os.environ.get("BENCH_BIG_MB", "200"))
CTL = os.path.join(BUILD, "core", "cli", "provisionctl")
DAEMON = os.path.join(BUILD, "core", "daemon", "provisiond")
BENCH_DBUS = os.path.join(BUILD, "tests", "bench", "bench-dbus")
BENCH_FLOOR = os.path.join(BUILD, "tests", "bench", "bench-floor")
SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
KEY = "bench-key"

work = tempfile.mkdtemp(prefix="prov-bench-")
children = []


def die(msg):
    sys.exit(f"run-all: {msg}")


def tool(name, *extra):
    for path in (shutil.which(name), *extra):
        if path and os.access(path, os.X_OK):
            return path
    die(f"{name} is not installed")


def start(argv, log):
    proc = subprocess.Popen(argv, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    children.append(proc)
    return proc


def cleanup():
    for proc in reversed(children):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
    shutil.rmtree(work, ignore_errors=True)


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, check, seconds=10):
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            die(f"{what} did not start")
        time.sleep(0.02)


def run_timed(argv_list, rss=False):
    """Runs the commands one after the other; returns their wall time.

    With @rss, returns the largest peak RSS (KiB) of them instead, measured
    by GNU time: ru_maxrss of a child of this big Python process would start
    at this process's own peak (exec keeps the high-water mark)."""
    peak = 0
    t0 = time.perf_counter()
    for argv in argv_list:
        if isinstance(argv, str):
            argv = ["/bin/sh", "-c", argv]
        if rss:
            argv = ["/usr/bin/time", "-f", "%M", "-o", os.path.join(work, "rss"), *argv]
        proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if proc.returncode != 0:
            err = proc.stderr.decode(errors="replace").strip()[-400:]
            die(f"{' '.join(argv)} exited {proc.returncode}: {err}")
        if rss:
            with open(os.path.join(work, "rss")) as f:
                peak = max(peak, int(f.read().split()[-1]))
    return peak if rss else time.perf_counter() - t0


def ms(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


def summary(times):
    return f"{ms(statistics.median(times))} [{ms(min(times))}–{ms(max(times))}]"


def mib(kib):
    return f"{kib / 1024:.0f} MiB" if kib >= 10240 else f"{kib / 1024:.1f} MiB"


rows = []


def interleave(runs, ours, peer, prepare, rss=False):
    """Runs both sides @runs times, who goes first swapping each round;
    their times (or peak RSS) by side."""
    out = {"ours": [], "peer": []}
    for i in range(runs):
        for side in (("ours", "peer") if i % 2 == 0 else ("peer", "ours")):
            if side == "ours" and prepare:
                prepare(i)
            out[side].append(run_timed((ours if side == "ours" else peer)(i), rss=rss))
    return out


def rss_row(key, what, ours, peer, peer_name, runs=3, prepare=None):
    """A row of peak RSS (GNU time's %M), sides interleaved; ratio of the medians."""
    if not ONLY.search(key):
        return
    kib = interleave(runs, ours, peer, prepare, rss=True)

    def rss_summary(values):
        return f"{mib(statistics.median(values))} [{mib(min(values))}–{mib(max(values))}]"
    row = (what, rss_summary(kib["ours"]), f"{peer_name} {rss_summary(kib['peer'])}",
           f"{statistics.median(kib['ours']) / statistics.median(kib['peer']):.2f}")
    rows.append(row)
    print(" | ".join(row), flush=True)


def bench(key, what, ours, peer, peer_name, runs=None, prepare=None):
    """@ours, @peer: functions of the run number giving a list of argv."""
    if not ONLY.search(key):
        return
    runs = runs or RUNS
    # Both sides must work before they are timed (and warm the page cache).
    # The untimed first run of each side measures its peak RSS.
    if prepare:
        prepare(-1)
    rss = {"ours": run_timed(ours(-1), rss=True), "peer": run_timed(peer(-1), rss=True)}
    t = interleave(runs, ours, peer, prepare)
    ratio = statistics.median(t["ours"]) / statistics.median(t["peer"])
    row = (what, f"{summary(t['ours'])}, {mib(rss['ours'])}",
           f"{peer_name} {summary(t['peer'])}, {mib(rss['peer'])}", f"{ratio:.2f}")
    rows.append(row)
    print(" | ".join(row), flush=True)


def write(path, data, mode=0o644):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def small_profile():
    """About 2 KB: what a phone's per-MAC profile holds."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<flat-profile>"]
    i = 0
    while sum(len(line) + 1 for line in lines) < 2000:
        lines.append(f'  <GPP_{"ABCDEFGHIJKLMNOP"[i % 16]} ua="rw">value {i}</GPP_'
                     f'{"ABCDEFGHIJKLMNOP"[i % 16]}>')
        i += 1
    lines += ["  <Resync_Periodic>3600</Resync_Periodic>", "</flat-profile>", ""]
    return "\n".join(lines).encode()


def big_profile(size):
    """A profile of @size bytes, parameter names repeating (a template)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<flat-profile>\n']
    n, i = len(out[0]), 0
    while n < size:
        line = f'  <Bench_{i % 1000}_ ua="rw">value-{i:08d}-abcdefghijklmnop</Bench_{i % 1000}_>\n'
        out.append(line)
        n += len(line)
        i += 1
    out.append("</flat-profile>\n")
    return "".join(out).encode()


def make_state(name, device_extra="", store_params=None):
    st = os.path.join(work, name)
    os.makedirs(st, mode=0o700)
    write(os.path.join(st, "device.conf"), (
        "[Device]\nMAC=00:0e:08:ab:cd:ef\nVendor=Bench\nProductName=B-1\nSeriesNumber=1\n"
        "SerialNumber=1\nSoftwareVersion=1.0.0\nHardwareVersion=1\n"
        f"[installer]\nCommand=true\n[file]\nRoots={work}\n" + device_extra).encode(), 0o600)
    run_timed([[CTL, "--state-dir", st, "set", "Max_Profile_Size=1073741824",
                "Max_Firmware_Size=4294967296"]])
    if store_params:
        # A store of many parameters: one big set through a profile file.
        body = "".join(f"  <Filler_{n:06d}_ ua=\"rw\">v{n}</Filler_{n:06d}_>\n"
                       for n in range(store_params))
        path = os.path.join(work, f"{name}-fill.xml")
        write(path, f"<flat-profile>\n{body}</flat-profile>\n".encode())
        run_timed([[CTL, "--state-dir", st, "resync", "file://" + path]])
        os.unlink(path)
    return st


def make_certs():
    def ssl(*args):
        subprocess.run(["openssl", *args], cwd=work, check=True, capture_output=True)
    ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Bench CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    ssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    write(os.path.join(work, "server.ext"),
          b"subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext")
    with open(os.path.join(work, "bundle.pem"), "wb") as out:
        for src in (SYSTEM_BUNDLE, os.path.join(work, "ca.pem")):
            with open(src, "rb") as f:
                out.write(f.read())


def start_nginx(root):
    nginx = tool("nginx", "/usr/sbin/nginx")
    http, https = free_port(), free_port()
    os.makedirs(os.path.join(work, "nginx", "tmp"))
    conf = os.path.join(work, "nginx.conf")
    write(conf, f"""master_process off;
pid {work}/nginx/nginx.pid;
error_log {work}/nginx/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {work}/nginx/tmp/body;
  proxy_temp_path {work}/nginx/tmp/proxy;
  fastcgi_temp_path {work}/nginx/tmp/fastcgi;
  uwsgi_temp_path {work}/nginx/tmp/uwsgi;
  scgi_temp_path {work}/nginx/tmp/scgi;
  sendfile on;
  keepalive_requests 100000;
  server {{
    listen 127.0.0.1:{http};
    listen 127.0.0.1:{https} ssl;
    ssl_certificate {work}/server.pem;
    ssl_certificate_key {work}/server.key;
    root {root};
  }}
}}
""".encode())
    start([nginx, "-p", os.path.join(work, "nginx"), "-e", os.path.join(work, "nginx", "error.log"),
           "-c", conf, "-g", "daemon off;"], os.path.join(work, "nginx.log"))

    def up():
        try:
            socket.create_connection(("127.0.0.1", https), timeout=1).close()
            return True
        except OSError:
            return False
    wait_for("nginx", up)
    return http, https


def start_tftpd(root):
    port = free_port(socket.SOCK_DGRAM)
    start(["/usr/sbin/in.tftpd", "--foreground", "--address", f":{port}", "-4", "--secure",
           "--user", "root", root], os.path.join(work, "tftpd.log"))
    wait_for("tftpd-hpa", lambda: subprocess.run(
        ["curl", "-s", "-o", "/dev/null", f"tftp://127.0.0.1:{port}/small.xml"]).returncode == 0)
    return port


def start_daemon(st):
    conf = os.path.join(work, "bus.conf")
    write(conf, f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={work}/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/>
  </policy>
</busconfig>
""".encode())
    addr = os.path.join(work, "bus.addr")
    proc = subprocess.Popen(["dbus-daemon", "--nofork", "--print-address",
                             f"--config-file={conf}"], stdout=open(addr, "w"),
                            stderr=open(os.path.join(work, "bus.log"), "w"))
    children.append(proc)
    wait_for("dbus-daemon", lambda: os.path.getsize(addr) > 0)
    with open(addr) as f:
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = f.readline().strip()
    daemon = start([DAEMON, "--session", "--state-dir", st], os.path.join(work, "daemon.log"))
    subprocess.run(["gdbus", "wait", "--session", "--timeout", "10",
                    "org.provisiond.Provisiond1"], check=True)
    return daemon


def vm_hwm(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    for path in (CTL, DAEMON, BENCH_FLOOR):
        if not os.access(path, os.X_OK):
            die(f"build {path} first")
    for name in ("curl", "xmllint", "openssl", "zcat", "tftp", "dbus-daemon", "gdbus"):
        tool(name)
    plugins = sorted(os.path.join(BUILD, "plugins", d) for d in os.listdir(os.path.join(BUILD, "plugins"))
                     if os.path.isdir(os.path.join(BUILD, "plugins", d)))
    os.environ.update(PROV_SCHEMA_DIR=os.path.join(TOP, "schemas"),
                      PROV_PLUGIN_PATH=":".join(plugins), LC_ALL="C.UTF-8", no_proxy="*")
    os.environ.pop("DBUS_SYSTEM_BUS_ADDRESS", None)

    srv = os.path.join(work, "srv")
    os.makedirs(srv)
    os.chmod(work, 0o755)
    os.chmod(srv, 0o755)
    write(os.path.join(srv, "small.xml"), small_profile())
    write(os.path.join(srv, "10m.xml"), big_profile(10 * 1000 * 1000))
    write(os.path.join(srv, "fw.img"), os.urandom(10 * 1024 * 1024))
    make_certs()
    http, https = start_nginx(srv)
    tftp = start_tftpd(srv)
    small = os.path.join(srv, "small.xml")
    out = os.path.join(work, "peer.out")
    cores = os.cpu_count()
    print(f"provisiond benchmarks, {datetime.date.today()}, {cores} cores, {RUNS} runs per row"
          f" (fewer for the big rows), {os.uname().release}", flush=True)

    st = make_state("state")
    # As if Custom_CA_Rule had installed it: trusted on top of the system bundle.
    shutil.copy(os.path.join(work, "ca.pem"), os.path.join(st, "custom-ca.pem"))

    def ctl(*args):
        return lambda i: [[CTL, "--state-dir", st, *args]]

    def fetch_parse(*curl_args):
        return lambda i: [["curl", "-s", "-f", "-o", out, *curl_args], ["xmllint", "--noout", out]]

    # ---- start-up: what every provisionctl process pays before any work
    bench("floor-ctl", "start-up only: `provisionctl --version`", lambda i: [[CTL, "--version"]],
          lambda i: [["xmllint", "--version"]], "`xmllint --version`")
    bench("floor-glib", "start-up only: a program that links GLib, GIO, GModule and libxml2"
          " and returns (`tests/bench/bench-floor.c`)", lambda i: [[BENCH_FLOOR]],
          lambda i: [["xmllint", "--version"]], "`xmllint --version`")

    # ---- small profiles: start-up, plugins, trust, transfer, parse, apply
    bench("small-file", "resync of a 2 KB profile, `file://`", ctl("resync", "file://" + small),
          lambda i: [["xmllint", "--noout", small]], "`xmllint --noout`")
    bench("small-file-curl", "the same", ctl("resync", "file://" + small),
          fetch_parse("file://" + small), "`curl file://` + `xmllint --noout`")
    bench("small-tftp", "resync of a 2 KB profile, TFTP (tftpd-hpa)",
          ctl("resync", f"tftp://127.0.0.1:{tftp}/small.xml"),
          fetch_parse(f"tftp://127.0.0.1:{tftp}/small.xml"), "`curl tftp://` + `xmllint --noout`")
    bench("small-tftp-hpa", "the same", ctl("resync", f"tftp://127.0.0.1:{tftp}/small.xml"),
          lambda i: [["tftp", "-m", "binary", "127.0.0.1", str(tftp), "-c", "get", "small.xml", out],
                     ["xmllint", "--noout", out]], "`tftp` (tftp-hpa) + `xmllint --noout`")
    bench("small-http", "resync of a 2 KB profile, HTTP (nginx)",
          ctl("resync", f"http://127.0.0.1:{http}/small.xml"),
          fetch_parse(f"http://127.0.0.1:{http}/small.xml"), "`curl` + `xmllint --noout`")
    bench("small-https", "resync of a 2 KB profile, HTTPS, system bundle + custom CA",
          ctl("resync", f"https://127.0.0.1:{https}/small.xml"),
          fetch_parse("--cacert", os.path.join(work, "bundle.pem"),
                      f"https://127.0.0.1:{https}/small.xml"),
          "`curl --cacert <bundle + CA>` + `xmllint --noout`")

    # ---- the daemon, warm: provisionctl asks it over D-Bus
    if ONLY.search("daemon-https") or ONLY.search("dbus"):
        dst = make_state("daemon-state")
        shutil.copy(os.path.join(work, "ca.pem"), os.path.join(dst, "custom-ca.pem"))
        daemon = start_daemon(dst)
        bench("daemon-https", "the same, resync by a running daemon (`provisionctl --session`)",
              lambda i: [[CTL, "--session", "resync", f"https://127.0.0.1:{https}/small.xml"]],
              fetch_parse("--cacert", os.path.join(work, "bundle.pem"),
                          f"https://127.0.0.1:{https}/small.xml"),
              "`curl --cacert <bundle + CA>` + `xmllint --noout`")
        if ONLY.search("dbus") and os.access(BENCH_DBUS, os.X_OK):
            res = subprocess.run([BENCH_DBUS, "2000"], check=True, capture_output=True, text=True)
            print(res.stdout.strip(), flush=True)
            m = dict(line.split("=", 1) for line in res.stdout.split() if "=" in line)
            rows.append(("D-Bus `GetParameters` of 2 names, round trip (2000 calls, one client)",
                         f"{m['get_us']} µs", f"`Peer.Ping` {m['ping_us']} µs",
                         f"{float(m['get_us']) / float(m['ping_us']):.2f}"))
            print(" | ".join(rows[-1]), flush=True)
        rows.append(("peak RSS of the daemon after these rows", mib(vm_hwm(daemon.pid)), "", ""))

    # ---- big profiles
    ten = os.path.join(srv, "10m.xml")
    fresh = {}

    def fresh_state(key):
        def prepare(i):
            if key in fresh:
                shutil.rmtree(fresh[key])
            fresh[key] = make_state(f"{key}-{i + 1}")
        return prepare

    bench("big-file", "resync of a 10 MB profile (1000 names repeated) into an empty store, `file://`",
          lambda i: [[CTL, "--state-dir", fresh["big-file"], "resync", "file://" + ten]],
          lambda i: [["xmllint", "--noout", ten]], "`xmllint --noout`", runs=max(3, RUNS // 2),
          prepare=fresh_state("big-file"))
    bench("big-tftp", "the same over TFTP (blksize 1468, window 16; tftpd-hpa does 1)",
          lambda i: [[CTL, "--state-dir", fresh["big-tftp"], "resync",
                      f"tftp://127.0.0.1:{tftp}/10m.xml"]],
          fetch_parse("--tftp-blksize", "1468", f"tftp://127.0.0.1:{tftp}/10m.xml"),
          "`curl tftp://` + `xmllint --noout`", runs=max(3, RUNS // 2), prepare=fresh_state("big-tftp"))
    bench("big-http", "the same over HTTP",
          lambda i: [[CTL, "--state-dir", fresh["big-http"], "resync",
                      f"http://127.0.0.1:{http}/10m.xml"]],
          fetch_parse(f"http://127.0.0.1:{http}/10m.xml"), "`curl` + `xmllint --noout`",
          runs=max(3, RUNS // 2), prepare=fresh_state("big-http"))

    # The worst case for names (gen-profile.py): 500,000 distinct ones.
    if ONLY.search("big-distinct") or ONLY.search("rss-profile"):
        subprocess.run([sys.executable, os.path.join(TOP, "tests", "bench", "gen-profile.py"), srv],
                       check=True, capture_output=True)
        distinct = os.path.join(srv, "distinct.xml")
        bench("big-distinct", "resync of a 20 MB profile of 500,000 distinct names into an empty"
              " store, `file://`",
              lambda i: [[CTL, "--state-dir", fresh["big-distinct"], "resync", "file://" + distinct]],
              lambda i: [["xmllint", "--noout", distinct]], "`xmllint --noout`", runs=3,
              prepare=fresh_state("big-distinct"))
        # Peak memory of a profile streamed in over HTTP: against libxml2's
        # own streaming reader, which keeps nothing but its name dictionary.
        for name, what in (("distinct", "20 MB profile of 500,000 distinct names"),
                           ("repeat", "18 MB profile of 1000 names repeated")):
            key = f"rss-profile-{name}"
            rss_row(key, f"peak RSS of a resync over HTTP of a {what}, into an empty store",
                    lambda i, name=name, key=key: [[CTL, "--state-dir", fresh[key], "resync",
                                                    f"http://127.0.0.1:{http}/{name}.xml"]],
                    lambda i, name=name: [["xmllint", "--stream", "--noout",
                                           os.path.join(srv, f"{name}.xml")]],
                    "`xmllint --stream --noout`", prepare=fresh_state(key))
        for name in ("distinct", "repeat"):
            os.unlink(os.path.join(srv, f"{name}.xml"))

    # ---- decode: gzip + openssl enc, as a server makes them
    if ONLY.search("decode"):
        enc = os.path.join(work, "profile.enc")
        write(os.path.join(work, "profile.gz"), gzip.compress(big_profile(30 * 1000 * 1000), 6))
        subprocess.run(["openssl", "enc", "-aes-256-cbc", "-pbkdf2", "-pass", f"pass:{KEY}",
                        "-in", os.path.join(work, "profile.gz"), "-out", enc], check=True)
        bench("decode", "resync of a 30 MB profile, gzip + AES (`-pbkdf2`), into an empty store",
              lambda i: [[CTL, "--state-dir", fresh["decode"], "resync",
                          f"[--key {KEY}]file://{enc}"]],
              lambda i: [f"openssl enc -d -aes-256-cbc -pbkdf2 -pass 'pass:{KEY}' -in {enc}"
                         f" | zcat | xmllint --noout -"],
              "`openssl enc -d \\| zcat \\| xmllint --noout -`", runs=max(3, RUNS // 2),
              prepare=fresh_state("decode"))

    # ---- firmware: the whole upgrade path; a new version each run
    def upgrade(scheme, port, name):
        return lambda i: [[CTL, "--state-dir", st, "upgrade",
                           f"{scheme}://127.0.0.1:{port}/{name}-{i + 3}.0.0.img"]]

    for i in range(-1, RUNS + 1):
        os.link(os.path.join(srv, "fw.img"), os.path.join(srv, f"fw-{i + 3}.0.0.img"))
    bench("fw-http", "`upgrade`, 10 MiB firmware over HTTP", upgrade("http", http, "fw"),
          lambda i: [["curl", "-s", "-f", "-o", out, f"http://127.0.0.1:{http}/fw.img"]], "`curl -o`")
    bench("fw-https", "the same over HTTPS", upgrade("https", https, "fw"),
          lambda i: [["curl", "-s", "-f", "--cacert", os.path.join(work, "bundle.pem"), "-o", out,
                      f"https://127.0.0.1:{https}/fw.img"]], "`curl --cacert … -o`")
    bench("fw-tftp", "the same over TFTP", upgrade("tftp", tftp, "fw"),
          lambda i: [["curl", "-s", "-f", "--tftp-blksize", "1468", "-o", out,
                      f"tftp://127.0.0.1:{tftp}/fw.img"]], "`curl tftp:// -o`")
    if BIG_MB > 0 and ONLY.search("fw-big"):
        big = os.path.join(srv, "big.img")
        with open(big, "wb") as f:
            for _ in range(BIG_MB):
                f.write(os.urandom(1024 * 1024))
        for i in range(-1, 4):
            os.link(big, os.path.join(srv, f"big-{i + 3}.0.0.img"))
        bench("fw-big", f"`upgrade`, {BIG_MB} MiB firmware over HTTP", upgrade("http", http, "big"),
              lambda i: [["curl", "-s", "-f", "-o", out, f"http://127.0.0.1:{http}/big.img"],
                         ["sync", out]], "`curl -o` + `sync`", runs=3)
        os.unlink(out)

    # ---- the store: cost of a change and of a read, by store size
    if ONLY.search("store"):
        big_st = make_state("store-100k", store_params=100000)
        small_st = make_state("store-small", store_params=3)

        def set10(state):
            return lambda i: [[CTL, "--state-dir", state, "set",
                               *(f"GPP_{c}=run {i} {c}" for c in "ABCDEFGHIJ")]]
        bench("store-set", "`set` of 10 parameters into a 100,000-parameter store",
              set10(big_st), set10(small_st), "the same into a 4-parameter store")
        bench("store-get", "`get` of one parameter from a 100,000-parameter store",
              lambda i: [[CTL, "--state-dir", big_st, "get", "GPP_A"]],
              lambda i: [[CTL, "--state-dir", small_st, "get", "GPP_A"]],
              "the same from a 4-parameter store")

    print()
    print(f"Measured {datetime.date.today()} on {cores} cores (`nproc`), {RUNS} runs per row"
          " (big rows fewer), sides interleaved; median [min–max], peak RSS; ratio of the medians,"
          " below 1 = provisiond faster. `tests/bench/run-all.sh`.")
    print()
    print("| what | provisiond | peer | ratio |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup()
