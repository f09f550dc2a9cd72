#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes two large XML flat profiles for the parser benchmark.

  repeat.xml    ~18 MB, 1000 distinct names repeated (many resyncs' worth
                of one big template: the name dictionary stays small)
  distinct.xml  ~20 MB, 500,000 distinct names (worst case for names)

The content mimics real templates: `ua` and `group` attributes, empty and
self-closing elements, entities, comments, multi-line values, a wrapper
group. Output is deterministic (fixed seed).
"""

import os
import random
import sys

VALUES = [
    "Yes", "No", "127.0.0.1", "5060", "", "secret1001", "Ext 1001",
    "http://127.0.0.1/app/provision/?mac=$MA&amp;x=1",
    "(*xx|[3469]11|0|00|[2-9]xxxxxx|1xxx[2-9]xxxxxxS0|xxxxxxxxxxxx.)",
    "start=3/8/7/2:0:0;end=11/1/7/2:0:0;save=1", "GMT-05:00",
    "350@-19,440@-19;10(*/0/1+2)", "R&#233;pertoire", "&lt;:1352&gt;xx",
]


def element(rng, name):
    r = rng.random()
    ua = ' ua="%s"' % rng.choice(("na", "ro", "rw")) if r < 0.8 else ""
    if r < 0.15:
        return "  <%s%s/>\n" % (name, ua)
    value = rng.choice(VALUES)
    if r > 0.97:
        value = "\n    %s\n    %s\n  " % (value, rng.choice(VALUES))
    group = ' group="Ext_1/Proxy_and_Registration"' if r > 0.9 else ""
    return "  <%s%s%s>%s</%s>\n" % (name, ua, group, value, name)


def write_profile(path, names, target_bytes, seed):
    rng = random.Random(seed)
    size = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        def emit(text):
            nonlocal size
            out.write(text)
            size += len(text.encode("utf-8"))

        emit('<?xml version="1.0" encoding="UTF-8"?>\n<flat-profile>\n')
        i = 0
        while size < target_bytes:
            name = names[i % len(names)]
            if i % 997 == 0:
                emit("  <!-- section %d -->\n" % i)
            if i % 4999 == 0:
                emit("  <router-configuration>\n  <Time_Setup>"
                     "<Time_Zone>GMT-07:00</Time_Zone></Time_Setup>\n"
                     "  </router-configuration>\n")
            emit(element(rng, name))
            i += 1
        emit("</flat-profile>\n")
    return size, i


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(outdir, exist_ok=True)

    repeat_names = ["Param_%d_Setting_%d_" % (n % 37, n) for n in range(1000)]
    size, n = write_profile(os.path.join(outdir, "repeat.xml"), repeat_names,
                            18 * 1000 * 1000, 1)
    print("repeat.xml: %d bytes, %d parameters, 1000 names" % (size, n))

    # 500,000 elements of ~40 bytes each make ~20 MB, every name distinct.
    distinct_names = ["Prm_%06d_%s_" % (n, "abcdefgh"[n % 8]) for n in range(500000)]
    rng = random.Random(2)
    path = os.path.join(outdir, "distinct.xml")
    size = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        head = '<?xml version="1.0" encoding="UTF-8"?>\n<flat-profile>\n'
        out.write(head)
        size += len(head)
        for name in distinct_names:
            r = rng.random()
            if r < 0.1:
                line = '<%s ua="rw"/>\n' % name
            else:
                line = '<%s ua="na">%s</%s>\n' % (name, rng.choice(("Yes", "No", "5060", "1001", "")), name)
            out.write(line)
            size += len(line)
        out.write("</flat-profile>\n")
        size += len("</flat-profile>\n")
    print("distinct.xml: %d bytes, %d parameters, %d names"
          % (size, len(distinct_names), len(distinct_names)))


if __name__ == "__main__":
    main()
