#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes a seed corpus per fuzz target into OUTDIR/<target>/, generated
from the test fixtures of the tree: the example profiles of data/examples,
the string literals of the unit tests, the sipp scenarios of the sip
plugin, and packets and containers built here (gzip, `openssl enc`).
Nothing is copied into the source tree.

usage: make-seeds.py SOURCE_ROOT OUTDIR
"""
import glob
import gzip
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys

SRC = sys.argv[1]
OUT = sys.argv[2]

LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
ESCAPE = re.compile(r'\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)', re.S)
SIMPLE = {'n': b'\n', 'r': b'\r', 't': b'\t', '\\': b'\\', '"': b'"', "'": b"'",
          'a': b'\a', 'b': b'\b', 'f': b'\f', 'v': b'\v', '?': b'?'}


def unescape(text):
    out = bytearray()
    pos = 0
    for m in ESCAPE.finditer(text):
        out += text[pos:m.start()].encode('utf-8')
        esc = m.group(1)
        if esc[0] == 'x':
            out.append(int(esc[1:], 16) & 0xff)
        elif esc[0].isdigit():
            out.append(int(esc, 8) & 0xff)
        else:
            out += SIMPLE.get(esc, esc.encode('utf-8'))
        pos = m.end()
    out += text[pos:].encode('utf-8')
    return bytes(out)


def literals(*patterns):
    """The string literals of the C files, adjacent ones joined as C does."""
    found = []
    for pattern in patterns:
        for path in sorted(glob.glob(os.path.join(SRC, pattern))):
            with open(path, encoding='utf-8', errors='replace') as f:
                code = re.sub(r'/\*.*?\*/', ' ', f.read(), flags=re.S)
            joined = None
            last_end = None
            for m in LITERAL.finditer(code):
                if joined is not None and code[last_end:m.start()].strip() == '':
                    joined += unescape(m.group(1))
                else:
                    if joined is not None:
                        found.append(joined)
                    joined = unescape(m.group(1))
                last_end = m.end()
            if joined is not None:
                found.append(joined)
    return [s for s in dict.fromkeys(found) if s]


def files(*patterns):
    out = []
    for pattern in patterns:
        for path in sorted(glob.glob(os.path.join(SRC, pattern))):
            with open(path, 'rb') as f:
                out.append(f.read())
    return out


def write(target, seeds):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    for seed in dict.fromkeys(seeds):
        name = hashlib.sha1(seed).hexdigest()
        with open(os.path.join(d, name), 'wb') as f:
            f.write(seed)
    print(f'{target}: {len(os.listdir(d))} seeds')


profiles = files('data/examples/*.xml') + \
    [s for s in literals('core/tests/test-profile.c', 'core/tests/test-engine.c',
                         'core/tests/test-interop.c', 'tests/bench/*.c') if b'<' in s]
write('fuzz-profile', profiles)

maps = [s for s in literals('core/tests/test-engine.c', 'core/tests/test-alias.c')
        if b'/flat-profile/' in s and b'\n' not in s]
maps.append(b'/device/flat-profile/GPP_A = /flat-profile/GPP_B ;')
write('fuzz-alias', [m + b'\n' + p for m in maps for p in profiles[:8]])

strings = literals('core/tests/test-rule.c', 'core/tests/test-macro.c',
                   'core/tests/test-condition.c', 'core/tests/test-schedule.c',
                   'core/tests/test-schema.c', 'core/tests/test-upgrader.c')
write('fuzz-rule', strings)
write('fuzz-rule-mask', strings + literals('core/daemon/test-daemon-util.c'))

store = [s for s in literals('core/tests/test-store.c') if b'\t' in s or b'provisiond-store' in s]
store_seeds = []
for s in store:
    store_seeds.append(b'\x01' + s)        # the file as written
    body = s.split(b'provisiond-store 1\n', 1)[-1]
    body = re.sub(rb'(^|\n)end [^\n]*\n?$', b'\\1', body)
    store_seeds.append(b'\x00' + body)    # the end line computed
store_seeds.append(b'\x00rw\tGPP_A\tvalue\nna\tGPP_SA\ts3cr3t\n-\tX\ta\\tb\\\\c\\n\n')
write('fuzz-store', store_seeds)

compressed = []
for p in profiles[:16]:
    z = gzip.compress(p, mtime=0)
    compressed += [z, z[:len(z) // 2], z[:-4] + b'\xff\xff\xff\x7f']
write('fuzz-gzip', compressed)

encrypted = []
if shutil.which('openssl'):
    for p in profiles[:6] + compressed[:3]:
        for opts in (['-md', 'sha256'], ['-md', 'md5'], ['-pbkdf2', '-iter', '1']):
            encrypted.append(subprocess.run(
                ['openssl', 'enc', '-aes-256-cbc', '-salt', '-k', 'fuzz'] + opts,
                input=p, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                check=True).stdout)
encrypted.append(b'Salted__' + bytes(8) + bytes(32))
write('fuzz-aes', encrypted)

sip = []
for xml in files('plugins/sip/tests/*.xml'):
    for block in re.findall(rb'<!\[CDATA\[(.*?)\]\]>', xml, re.S):
        lines = [line.strip() for line in block.strip().splitlines()]
        text = b'\r\n'.join(lines) + b'\r\n\r\n'
        for field, value in ((b'[service]', b'1001'), (b'[remote_ip]', b'127.0.0.1'),
                             (b'[remote_port]', b'5060'), (b'[transport]', b'UDP'),
                             (b'[local_ip]', b'127.0.0.1'), (b'[local_port]', b'5061'),
                             (b'[branch]', b'z9hG4bK-1'), (b'[pid]', b'42'),
                             (b'[call_number]', b'1'), (b'[call_id]', b'1-42@127.0.0.1'),
                             (b'[authentication]',
                              b'Authorization: Digest username="1001", realm="provisiond", '
                              b'nonce="abc", uri="sip:1001@127.0.0.1", '
                              b'response="0123456789abcdef0123456789abcdef", qop=auth, '
                              b'nc=00000001, cnonce="x"')):
            text = text.replace(field, value)
        sip.append(text)
sip += [s for s in literals('plugins/sip/tests/*.c') if b'SIP/2.0' in s or b'Digest' in s]
write('fuzz-sip', sip)


def oack(*pairs):
    return struct.pack('>H', 6) + b''.join(k + b'\0' + v + b'\0' for k, v in pairs)


write('fuzz-tftp', [
    struct.pack('>HH', 3, 1) + b'<flat-profile/>',
    struct.pack('>HH', 3, 65535),
    struct.pack('>HH', 4, 7),
    struct.pack('>HH', 5, 1) + b'File not found\0',
    struct.pack('>HH', 5, 8) + b'\0',
    oack((b'blksize', b'1428'), (b'tsize', b'3321'), (b'timeout', b'5'),
         (b'windowsize', b'16')),
    oack((b'BLKSIZE', b'65464')),
    oack((b'tsize', b'18446744073709551615')),
    struct.pack('>H', 1) + b'/basic.txt\0octet\0blksize\0' + b'1428\0',
])

action = literals('plugins/action-url/tests/*.c')
queries = [s for s in action if b'\n' not in s and b'<' not in s and len(s) < 200]
bodies = [s for s in action if b'Execute' in s]
write('fuzz-action-url', [q + b'\n' + b for q in queries[:40] for b in bodies[:6]]
      + [q + b'\n' for q in queries])

gds = [s for s in literals('plugins/gds/tests/*.c') if s.lstrip().startswith(b'{')]
write('fuzz-gds', [bytes([i]) + s for s in gds for i in range(3)])
