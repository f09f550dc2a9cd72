#!/bin/sh
# The layering of the tree (core/meson.build draws the layers), from the
# `#include "…"` lines of every .c and .h under core/ and plugins/:
#   - a core file includes headers of its own layer and lower ones only:
#     sdk (with sdk/internal) < schedule < pipeline < features < client, daemon, cli;
#     daemon and cli do not include each other (but for what they share by
#     design, listed below with the reason);
#   - an installed header (core/sdk/*.h, core/client/*.h) includes installed
#     SDK headers only;
#   - a plugin's own sources include core/sdk/*.h and their own folder only;
#   - tests (core/tests, plugins/*/tests) include any core header but the
#     daemon's and the CLI's, and no plugin's but their own, except the
#     shared test libraries listed below;
#   - no include cycle between modules of the core (prov-x.c, prov-x.h and
#     prov-x-private.h are module prov-x).
# A bare header name is found by searching core/, plugins/ and tests/ (a
# generated one by its .in file or the meson.build that names it).
#   check-layers.sh SOURCE_ROOT              exit 1 naming file:line of each fault
#   check-layers.sh --self-test SOURCE_ROOT  proves each rule fails on a copy
set -eu
command -v python3 >/dev/null || { echo "SKIP: no python3" >&2; exit 77; }
exec python3 - "$0" "$@" <<'EOF'
import os, re, shutil, subprocess, sys, tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')

# core/meson.build's prov_layer_dirs, in order, then the programs on top.
RANK = {
    'core/sdk': 0, 'core/sdk/internal': 0, 'core/schedule': 1, 'core/pipeline': 2,
    'core/features': 3, 'core/client': 4, 'core/daemon': 4, 'core/cli': 4,
}

# What the CLI takes from core/daemon by design (daemon/meson.build).
DAEMON_CLI_SHARED = {
    'prov-dbus-generated.h': 'the D-Bus interface both ends speak (the CLI is its client)',
    'prov-dbus-names.h': 'the D-Bus names both ends use',
    'prov-activation.h': "prov_frontend_lib: what the daemon and the CLI's offline mode both do",
}

# Headers of one folder's tests that other tests may include (besides
# anything under tests/, the shared test library).
SHARED_TEST_LIBS = {
    'codec-test-util.h': 'plugins/gzip/tests: the codec test library, for the aes tests too',
}


def classify(path):
    """('core', folder) | ('core-test', None) | ('plugin', name) |
    ('plugin-test', name) | ('tests', None) | ('root', None)"""
    parts = path.split('/')
    if parts[0] == 'core':
        if len(parts) > 2 and parts[1] == 'tests':
            return ('core-test', None)
        return ('core', '/'.join(parts[:-1]))
    if parts[0] == 'plugins' and len(parts) > 2:
        if 'tests' in parts[2:-1]:
            return ('plugin-test', parts[1])
        return ('plugin', parts[1])
    if parts[0] == 'tests':
        return ('tests', None)
    return ('root', None)


def module_of(path):
    stem = os.path.splitext(os.path.basename(path))[0]
    return stem[:-len('-private')] if stem.endswith('-private') else stem


class Tree:
    def __init__(self, root):
        self.root = root
        self.sources = []  # relative paths of .c/.h under core/ and plugins/
        self.headers = {}  # basename -> [relative paths]
        self.meson = []    # (relative dir, text) of meson.build files
        for top in ('core', 'plugins', 'tests'):
            for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
                dirnames.sort()
                rel = os.path.relpath(dirpath, root)
                for name in sorted(filenames):
                    path = os.path.join(rel, name)
                    if name.endswith('.h'):
                        self.headers.setdefault(name, []).append(path)
                    elif name.endswith('.h.in'):
                        self.headers.setdefault(name[:-3], []).append(path[:-3])
                    elif name == 'meson.build':
                        with open(os.path.join(root, path), encoding='utf-8') as f:
                            self.meson.append((rel, f.read()))
                    if top != 'tests' and name.endswith(('.c', '.h')):
                        self.sources.append(path)

    def resolve(self, name, includer):
        """The path of header @name as @includer sees it, or None."""
        if name == 'config.h':
            return 'config.h'
        found = self.headers.get(name)
        if not found:
            # Generated: gnome.gdbus_codegen('prov-x', …) and the like.
            stem = name[:-2]
            found = [os.path.join(d, name) for d, text in self.meson
                     if re.search(r"""['"]%s(\.h)?['"]""" % re.escape(stem), text)]
        if not found:
            return None
        if len(found) == 1:
            return found[0]
        here = os.path.dirname(includer)
        for prefer in (lambda p: os.path.dirname(p) == here,
                       lambda p: p.split('/')[:2] == includer.split('/')[:2]):
            best = [p for p in found if prefer(p)]
            if len(best) == 1:
                return best[0]
        return None


def check(root):
    tree = Tree(root)
    faults = []
    edges = {}  # module -> {module: "file:line"}
    n_includes = 0

    for src in tree.sources:
        kind, where = classify(src)
        with open(os.path.join(root, src), encoding='utf-8', errors='replace') as f:
            lines = f.read().split('\n')
        for lineno, line in enumerate(lines, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            n_includes += 1
            name = m.group(1)
            at = '%s:%d' % (src, lineno)
            target = tree.resolve(name, src)
            if target is None:
                faults.append('%s: cannot find "%s" (or it is ambiguous) under core/, plugins/, '
                              'tests/' % (at, name))
                continue
            if target == 'config.h':
                continue
            tkind, twhere = classify(target)
            tdir = os.path.dirname(target)
            if kind == 'core':
                if where not in RANK:
                    faults.append('%s: %s is no layer of core/meson.build (add it to the '
                                  'layers and to this script)' % (at, where))
                    continue
                if tkind != 'core':
                    faults.append('%s: %s includes %s of %s, which is not core' %
                                  (at, where, name, tdir))
                    continue
                if twhere not in RANK:
                    continue  # reported for the file itself
                if RANK[twhere] > RANK[where]:
                    faults.append('%s: %s includes %s of the higher layer %s' %
                                  (at, where, name, twhere))
                elif {where, twhere} == {'core/daemon', 'core/cli'}:
                    if not (where == 'core/cli' and name in DAEMON_CLI_SHARED):
                        faults.append('%s: %s includes %s of %s: daemon and cli do not '
                                      'include each other' % (at, where, name, twhere))
                if (where in ('core/sdk', 'core/client') and src.endswith('.h') and twhere != 'core/sdk'):
                    faults.append('%s: installed SDK header includes %s of %s, which is not '
                                  'installed' % (at, name, twhere))
                if module_of(src) != module_of(target):
                    edges.setdefault(module_of(src), {}).setdefault(module_of(target), at)
            elif kind == 'plugin':
                own = target.startswith('plugins/%s/' % where) and tkind == 'plugin'
                if own or twhere == 'core/sdk':
                    continue
                if tkind in ('plugin', 'plugin-test'):
                    faults.append('%s: plugin %s includes %s of plugin %s' %
                                  (at, where, name, twhere))
                else:
                    faults.append('%s: plugin %s includes %s of %s: a plugin includes only '
                                  'core/sdk headers and its own' % (at, where, name, tdir))
            else:  # core-test, plugin-test
                if tkind in ('tests', 'root') or name in SHARED_TEST_LIBS:
                    continue
                if tkind == 'core' and twhere not in ('core/daemon', 'core/cli'):
                    continue
                if tkind in ('plugin', 'plugin-test') and twhere == where:
                    continue
                if tkind == 'core-test' and kind == 'core-test':
                    continue
                faults.append('%s: test includes %s of %s (not a shared test library; tests '
                              'include core headers, their own and tests/)' % (at, name, tdir))

    # Include cycles between core modules: Tarjan's strongly connected
    # components, then one cycle through each.
    index, low, stack, on_stack, sccs = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, {})):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                sccs.append(set(scc))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    for scc in sccs:
        start = min(scc)
        # Shortest way back to start inside the component.
        prev, queue = {start: None}, [start]
        while queue:
            v = queue.pop(0)
            for w in sorted(edges.get(v, {})):
                if w in scc and w not in prev:
                    prev[w] = v
                    queue.append(w)
        back = [v for v in sorted(scc) if start in edges.get(v, {})][0]
        path = [back]
        while prev[path[-1]] is not None:
            path.append(prev[path[-1]])
        path.reverse()
        path.append(start)
        steps = ', '.join('%s -> %s (%s)' % (a, b, edges[a][b]) for a, b in zip(path, path[1:]))
        others = sorted(scc - set(path))
        faults.append('include cycle: %s: %s%s' % (
            ' -> '.join(path), steps,
            '; the cycle also takes in ' + ', '.join(others) if others else ''))
    return faults, len(tree.sources), n_includes


def self_test(script, src_root):
    """Each rule, broken once in a copy of the tree, fails with its message."""
    cases = [
        ('core/sdk/prov-fetch.c', '#include "prov-engine.h"',
         'core/sdk/prov-fetch.c:{line}: core/sdk includes prov-engine.h of the higher layer '
         'core/pipeline'),
        ('core/schedule/prov-clock.c', '#include "prov-upgrader.h"',
         'core/schedule/prov-clock.c:{line}: core/schedule includes prov-upgrader.h of the higher '
         'layer core/features'),
        ('core/sdk/prov-fetch.h', '#include "prov-macro.h"',
         'core/sdk/prov-fetch.h:{line}: installed SDK header includes prov-macro.h of '
         'core/sdk/internal, which is not installed'),
        ('core/daemon/prov-dhcp.c', '#include "prov-cli.h"',
         'core/daemon/prov-dhcp.c:{line}: core/daemon includes prov-cli.h of core/cli: daemon '
         'and cli do not include each other'),
        ('plugins/file/prov-file-plugin.c', '#include "prov-store.h"',
         'plugins/file/prov-file-plugin.c:{line}: plugin file includes prov-store.h of '
         'core/pipeline: a plugin includes only core/sdk headers and its own'),
        ('plugins/gzip/prov-gzip-plugin.c', '#include "prov-http-plugin.h"',
         'plugins/gzip/prov-gzip-plugin.c:{line}: plugin gzip includes prov-http-plugin.h of '
         'plugin http'),
        ('plugins/gzip/tests/test-gzip.c', '#include "prov-dbus-service.h"',
         'plugins/gzip/tests/test-gzip.c:{line}: test includes prov-dbus-service.h of '
         'core/daemon'),
        ('plugins/aes/tests/test-aes.c', '#include "prov-http-session.h"',
         'plugins/aes/tests/test-aes.c:{line}: test includes prov-http-session.h of plugins/http'),
        ('core/pipeline/prov-store.c', '#include "prov-alias.h"',
         'include cycle: prov-alias -> prov-store -> prov-alias'),
    ]
    tmp = tempfile.mkdtemp(prefix='check-layers-')
    try:
        copy = os.path.join(tmp, 'tree')

        def fresh():
            shutil.rmtree(copy, ignore_errors=True)
            for top in ('core', 'plugins', 'tests'):
                shutil.copytree(os.path.join(src_root, top), os.path.join(copy, top),
                                ignore=shutil.ignore_patterns('*.o', '__pycache__'))

        def run():
            p = subprocess.run(['sh', script, copy], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            return p.returncode, p.stdout

        fresh()
        rc, out = run()
        if rc != 0:
            sys.exit('FAIL: the unchanged copy does not pass:\n' + out)
        for path, line, expected in cases:
            fresh()
            with open(os.path.join(copy, path), encoding='utf-8') as f:
                text = f.read().split('\n')
            # After the file's own includes, where a careless edit would go.
            at = max(i for i, l in enumerate(text) if INCLUDE.match(l) or l.startswith('#pragma'))
            text.insert(at + 1, line)
            with open(os.path.join(copy, path), 'w', encoding='utf-8') as f:
                f.write('\n'.join(text))
            rc, out = run()
            want = expected.format(line=at + 2)
            if rc != 1 or want not in out:
                sys.exit('FAIL: %s in %s: exit %d, expected "%s" in:\n%s' %
                         (line, path, rc, want, out))
            print('ok: %s in %s fails: %s' % (line, path, want))
        print('PASS: %d injected faults each fail with their message' % len(cases))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    script, args = sys.argv[1], sys.argv[2:]
    if args and args[0] == '--self-test':
        self_test(script, args[1] if len(args) > 1 else '.')
        return
    root = args[0] if args else '.'
    faults, n_files, n_includes = check(root)
    for fault in faults:
        print(fault)
    if faults:
        print('FAIL: %d layering faults (tests/check-layers.sh, core/meson.build)' % len(faults))
        sys.exit(1)
    print('PASS: %d files, %d includes, no layering fault or include cycle' %
          (n_files, n_includes))


main()
EOF
