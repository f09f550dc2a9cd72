#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Reference activation service for provisiond's gds plugin.

The protocol is described in plugins/gds/README.md; this file is the
reference for people writing a service. Standard library only.

  activation-service.py --cert CERT --key KEY --codes CODES.json
                        [--host 127.0.0.1] [--port 0] [--port-file FILE]
                        [--require-client-cert CA] [--log FILE]

CODES.json maps each 16-digit code to what it activates:

  {"1234567890123456": {"profile_rule": "https://prov.example.com/$MA.xml",
                        "upgrade_rule": "https://prov.example.com/fw.loads",
                        "expires": 1767225600}}

"upgrade_rule" and "expires" (Unix time) are optional. Which codes were used
is kept in memory only: a restart makes them usable again.

--port-file receives the port once the service listens. --log appends one
JSON line per request (the code shortened to its last 4 digits).
"""

import argparse
import http.server
import json
import os
import re
import ssl
import sys
import threading
import time

CODE = re.compile(r"[0-9]{16}\Z")
MAC = re.compile(r"[0-9a-f]{12}\Z")
FIELDS = ("code", "mac", "product", "serial", "version")
MAX_BODY = 64 * 1024
HANDSHAKE_TIMEOUT = 30


def redact(code):
    return "..." + code[-4:] if isinstance(code, str) else None


def unique_object(pairs):
    names = [name for name, _ in pairs]
    if len(names) != len(set(names)):
        raise ValueError("duplicate name")
    return dict(pairs)


class Codes:
    """The code table, with single use enforced across request threads."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            table = json.load(f)
        for code, entry in table.items():
            if not CODE.match(code) or not isinstance(entry, dict):
                raise SystemExit(f"{path}: bad entry for code {redact(code)}")
            if not isinstance(entry.get("profile_rule"), str) or not entry["profile_rule"]:
                raise SystemExit(f"{path}: code {redact(code)} has no profile_rule")
            if not isinstance(entry.get("upgrade_rule", ""), str):
                raise SystemExit(f"{path}: code {redact(code)}: upgrade_rule is not a string")
            if not isinstance(entry.get("expires", 0), (int, float)):
                raise SystemExit(f"{path}: code {redact(code)}: expires is not a number")
        self.table = table
        self.used = set()
        self.lock = threading.Lock()

    def redeem(self, code):
        """Returns (status, answer) and spends the code on success."""
        with self.lock:
            entry = self.table.get(code)
            if entry is None:
                return 404, {"error": "invalid-code"}
            if code in self.used:
                return 409, {"error": "used-code"}
            if "expires" in entry and time.time() >= entry["expires"]:
                return 410, {"error": "expired-code"}
            self.used.add(code)
        answer = {"profile_rule": entry["profile_rule"]}
        if "upgrade_rule" in entry:
            answer["upgrade_rule"] = entry["upgrade_rule"]
        return 200, answer


def parse_request(headers, body):
    """The request's members, or None when it is malformed."""
    content_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return None
    try:
        request = json.loads(body.decode("utf-8"), object_pairs_hook=unique_object)
    except ValueError:
        return None
    if not isinstance(request, dict):
        return None
    if not all(isinstance(request.get(name), str) for name in FIELDS):
        return None
    if not CODE.match(request["code"]) or not MAC.match(request["mac"]):
        return None
    return request


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "activation-service/1"

    def do_POST(self):
        request = None
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            length = -1
        if 0 <= length <= MAX_BODY:
            request = parse_request(self.headers, self.rfile.read(length))
        if request is None:
            status, answer = 400, {"error": "bad-request"}
        else:
            status, answer = self.server.codes.redeem(request["code"])
        self.server.record(self, request, status, answer)
        self.answer(status, answer)

    def answer(self, status, answer):
        body = json.dumps(answer).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def client_common_name(self):
        certificate = self.connection.getpeercert()
        for rdn in (certificate or {}).get("subject", ()):
            for name, value in rdn:
                if name == "commonName":
                    return value
        return None


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, context, codes, log_path):
        super().__init__(address, Handler)
        self.context = context
        self.codes = codes
        self.log_path = log_path
        self.log_lock = threading.Lock()

    # The handshake runs in the request's thread, so that a slow or broken
    # client cannot hold up the others.
    def finish_request(self, request, client_address):
        request.settimeout(HANDSHAKE_TIMEOUT)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError):
            return  # a client that only checked the port
        except (ssl.SSLError, OSError) as e:
            sys.stderr.write(f"TLS handshake with {client_address[0]} failed: {e}\n")
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            tls.close()

    def record(self, handler, request, status, answer):
        if self.log_path is None:
            return
        request = request or {}
        line = {
            "status": status,
            "error": answer.get("error"),
            "code": redact(request.get("code")),
            "mac": request.get("mac"),
            "product": request.get("product"),
            "serial": request.get("serial"),
            "version": request.get("version"),
            "user_agent": handler.headers.get("User-Agent"),
            "client_cn": handler.client_common_name(),
        }
        with self.log_lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cert", required=True, help="server certificate chain (PEM)")
    parser.add_argument("--key", required=True, help="server private key (PEM)")
    parser.add_argument("--codes", required=True, help="JSON table of codes")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", help="write the port here once listening")
    parser.add_argument("--require-client-cert", metavar="CA",
                        help="demand a device certificate issued by this CA")
    parser.add_argument("--log", help="append one JSON line per request")
    args = parser.parse_args()

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(args.cert, args.key)
    if args.require_client_cert:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(args.require_client_cert)

    server = Server((args.host, args.port), context, Codes(args.codes), args.log)
    if args.port_file:
        # Atomically, so that a reader never sees half a number.
        tmp = args.port_file + ".tmp"
        with open(tmp, "w", encoding="ascii") as f:
            f.write(f"{server.server_address[1]}\n")
        os.replace(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
