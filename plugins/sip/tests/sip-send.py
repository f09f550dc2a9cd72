#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Crafted UDP traffic for test-sip: what sipp cannot send.

  sip-send.py replay  PORT USER PASSWORD   challenge, answer, then replay
  sip-send.py noqop   PORT USER PASSWORD   an RFC 2069 answer (no qop)
  sip-send.py garbage PORT                 random bytes, cut and odd requests
  sip-send.py burst   PORT COUNT           COUNT datagrams as fast as possible

Only ever talks to 127.0.0.1. Exits 0 when every answer was the expected
one, 1 otherwise (the reason on stderr).
"""
import hashlib
import os
import random
import re
import socket
import sys
import time

HOST = "127.0.0.1"
WAIT = 5.0  # seconds for one answer


def fail(message):
    print("sip-send: " + message, file=sys.stderr)
    sys.exit(1)


def notify(port, lport, call_id, cseq, branch, event="check-sync", extra=""):
    return (
        f"NOTIFY sip:phone@{HOST}:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {HOST}:{lport};branch=z9hG4bK{branch}\r\n"
        f"From: <sip:server@{HOST}>;tag=py{call_id}\r\n"
        f"To: <sip:phone@{HOST}>\r\n"
        f"Call-ID: {call_id}@{HOST}\r\n"
        f"CSeq: {cseq} NOTIFY\r\n"
        f"Event: {event}\r\n"
        f"{extra}"
        "Content-Length: 0\r\n\r\n"
    ).encode()


def branch_of(text):
    match = re.search(r"branch=([^;\s]+)", text)
    return match.group(1) if match else None


def exchange(sock, port, data):
    """Sends @data until its answer comes, retransmitting every 500 ms as a
    SIP client over UDP does (T1): datagrams may be lost on a busy socket.
    Answers to other requests (late duplicates) are skipped."""
    branch = branch_of(data.decode(errors="replace"))
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        sock.sendto(data, (HOST, port))
        resend = min(deadline, time.monotonic() + 0.5)
        while time.monotonic() < resend:
            sock.settimeout(max(0.01, resend - time.monotonic()))
            try:
                answer, _ = sock.recvfrom(65535)
            except socket.timeout:
                break
            text = answer.decode(errors="replace")
            if branch_of(text) == branch:
                return int(text.split(" ", 2)[1]), text
    fail("no answer")


def expect(sock, port, data, code):
    got, text = exchange(sock, port, data)
    if got != code:
        fail(f"expected {code}, got {got}:\n{text}")
    return text


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def authorization(challenge, user, password, uri, qop=True):
    realm = re.search(r'realm="([^"]*)"', challenge).group(1)
    nonce = re.search(r'nonce="([^"]*)"', challenge).group(1)
    ha1 = md5(f"{user}:{realm}:{password}")
    ha2 = md5(f"NOTIFY:{uri}")
    if not qop:
        response = md5(f"{ha1}:{nonce}:{ha2}")
        return (f'Authorization: Digest username="{user}", realm="{realm}", '
                f'nonce="{nonce}", uri="{uri}", response="{response}"\r\n')
    cnonce = os.urandom(8).hex()
    response = md5(f"{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}")
    return (f'Authorization: Digest username="{user}", realm="{realm}", '
            f'nonce="{nonce}", uri="{uri}", response="{response}", algorithm=MD5, '
            f'qop=auth, nc=00000001, cnonce="{cnonce}"\r\n')


def open_socket():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((HOST, 0))
    return sock, sock.getsockname()[1]


def authorised_flow(port, user, password, qop):
    sock, lport = open_socket()
    uri = f"sip:phone@{HOST}:{port}"
    challenge = expect(sock, port, notify(port, lport, "r1", 1, "a1"), 401)
    auth = authorization(challenge, user, password, uri, qop)
    request = notify(port, lport, "r1", 2, "a2", extra=auth)
    expect(sock, port, request, 200)
    return sock, lport, request, auth


def replay(port, user, password):
    sock, lport, request, auth = authorised_flow(port, user, password, True)
    # A retransmission of the same request: the same answer, no new resync.
    expect(sock, port, request, 200)
    # The same credentials in a new request: the nonce is spent.
    text = expect(sock, port, notify(port, lport, "r2", 1, "b1", extra=auth), 401)
    if "stale=TRUE" not in text:
        fail("a replayed valid answer should be told stale=TRUE")
    # And with a different Call-ID, Event and CSeq.
    expect(sock, port, notify(port, lport, "r3", 7, "c1", event="resync", extra=auth), 401)


def noqop(port, user, password):
    authorised_flow(port, user, password, False)


def garbage(port):
    sock, lport = open_socket()
    rng = random.Random(1234)
    for _ in range(300):
        size = rng.randint(1, 2048)
        sock.sendto(rng.randbytes(size), (HOST, port))
    valid = notify(port, lport, "g1", 1, "g1")
    for cut in (1, 10, 40, 90, 150):
        sock.sendto(valid[:cut], (HOST, port))
    sock.sendto(b"\r\n\r\n", (HOST, port))
    sock.sendto(b"SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", (HOST, port))
    sock.sendto(valid[:-4] + b"X" * 9000 + b"\r\n\r\n", (HOST, port))
    # Answerable but wrong: a 400, a 405 and a 489 come back.
    length = notify(port, lport, "g3", 1, "g3")
    expect(sock, port, length.replace(b"Content-Length: 0", b"Content-Length: 99"), 400)
    cseq = notify(port, lport, "g4", 1, "g4")
    expect(sock, port, cseq.replace(b"CSeq: 1 NOTIFY", b"CSeq: x NOTIFY"), 400)
    options = notify(port, lport, "g5", 1, "g5").replace(b"NOTIFY", b"OPTIONS")
    expect(sock, port, options, 405)
    expect(sock, port, notify(port, lport, "g6", 1, "g6", event="ua-profile"), 489)


def burst(port, count):
    sock, lport = open_socket()
    sock.setblocking(False)
    rng = random.Random(99)
    deadline = time.monotonic() + 30
    sent = 0
    for i in range(count):
        if time.monotonic() > deadline:
            break
        kind = i % 4
        if kind == 0:
            data = notify(port, lport, f"burst{i}", 1, f"x{i}")
        elif kind == 1:
            data = rng.randbytes(rng.randint(1, 512))
        elif kind == 2:
            data = notify(port, lport, f"burst{i}", 1, f"y{i}").replace(b"NOTIFY", b"OPTIONS")
        else:
            data = notify(port, lport, f"burst{i}", 1, f"z{i}", event="presence")
        try:
            sock.sendto(data, (HOST, port))
            sent += 1
        except BlockingIOError:
            pass  # our own buffer is full: the datagram is lost, as on a network
    print(f"sip-send: sent {sent} of {count}")


def main():
    if len(sys.argv) < 3:
        fail(__doc__)
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "replay":
        replay(port, sys.argv[3], sys.argv[4])
    elif mode == "noqop":
        noqop(port, sys.argv[3], sys.argv[4])
    elif mode == "garbage":
        garbage(port)
    elif mode == "burst":
        burst(port, int(sys.argv[3]))
    else:
        fail("unknown mode " + mode)


if __name__ == "__main__":
    main()
