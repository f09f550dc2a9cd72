#!/usr/bin/env python3
# Every symbol libprovision exports is documented: in Provision-1.gir (made
# by g-ir-scanner from the doc comments of core/sdk and core/client) each
# exported function, and the type of each exported _get_type, carries a
# <doc> and a version attribute (which comes from the comment's `Since:`).
# Every other type, constant and callback of the GIR too. A function the
# scanner skips (`(skip)`) has no GIR entry: its doc comment is then looked
# for in the sources, with a `Since:` line.
#   check-gir-docs.py GIR SYMBOLS_FILE SOURCE_DIR…
import os
import re
import sys
import xml.etree.ElementTree as ET

NS = {'g': 'http://www.gtk.org/introspection/core/1.0',
      'c': 'http://www.gtk.org/introspection/c/1.0',
      'glib': 'http://www.gtk.org/introspection/glib/1.0'}
C_ID = '{%s}identifier' % NS['c']
C_TYPE = '{%s}type' % NS['c']
GET_TYPE = '{%s}get-type' % NS['glib']
DOC = '{%s}doc' % NS['g']


def has_doc(el):
    d = el.find(DOC)
    return d is not None and (d.text or '').strip() != ''


def source_comments(dirs):
    """name → text of its gtk-doc comment block, from *.c and *.h."""
    blocks = {}
    for d in dirs:
        for f in sorted(os.listdir(d)):
            if not f.endswith(('.c', '.h')):
                continue
            with open(os.path.join(d, f), encoding='utf-8') as fh:
                text = fh.read()
            for m in re.finditer(r'/\*\*\s*\n\s*\*\s*([A-Za-z_][A-Za-z0-9_:-]*):?(.*?)\*/', text, re.S):
                blocks[m.group(1).rstrip(':')] = m.group(2)
    return blocks


def main():
    gir, symbols_file, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(symbols_file, encoding='utf-8') as fh:
        symbols = [line.strip() for line in fh
                   if line.strip() and not line.startswith('#')]
    root = ET.parse(gir).getroot()
    ns = root.find('g:namespace', NS)
    by_id = {}
    by_get_type = {}
    for el in ns.iter():
        if el.get(C_ID):
            by_id[el.get(C_ID)] = el
        if el.get(GET_TYPE):
            by_get_type[el.get(GET_TYPE)] = el
    comments = source_comments(dirs)
    problems = []
    for sym in symbols:
        el = by_id.get(sym) or by_get_type.get(sym)
        if el is None:
            block = comments.get(sym)
            if block is None:
                problems.append('%s: no doc comment (and not in the GIR)' % sym)
            elif not re.search(r'^\s*\*\s*Since:\s*\S', block, re.M):
                problems.append('%s: no Since: in its doc comment' % sym)
            continue
        what = sym if el.get(C_ID) == sym else '%s (type of %s)' % (el.get(C_TYPE) or el.get('name'), sym)
        if not has_doc(el):
            problems.append('%s: no doc comment' % what)
        if not el.get('version'):
            problems.append('%s: no Since:' % what)
    # The rest of what the GIR shows: types, constants, callbacks.
    for tag in ('class', 'interface', 'record', 'enumeration', 'bitfield', 'callback',
                'constant'):
        for el in ns.findall('g:' + tag, NS):
            if el.get('{%s}is-gtype-struct-for' % NS['glib']):
                continue
            name = el.get(C_TYPE) or el.get(C_ID) or el.get('name')
            if not has_doc(el):
                problems.append('%s %s: no doc comment' % (tag, name))
            if not el.get('version'):
                problems.append('%s %s: no Since:' % (tag, name))
    for p in problems:
        print('FAIL: ' + p)
    if problems:
        print('%d problems in the API documentation of %d exported symbols' % (len(problems), len(symbols)))
        sys.exit(1)
    print('PASS: %d exported symbols documented, with Since:' % len(symbols))


main()
