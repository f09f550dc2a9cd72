#!/usr/bin/env python3
# Provision-1 through GObject Introspection (PyGObject), against the typelib
# and libprovision of the build: the public API completes a relative URL,
# loads the file plugin and fetches a profile over file:// with it, and a
# path outside the plugin's roots is refused with a PROV_ERROR.
#   test-gi.py PLUGINS_DIR       (GI_TYPELIB_PATH and LD_LIBRARY_PATH set by meson)
import os
import sys
import tempfile

try:
    import gi
except ImportError:
    print('SKIP: this python has no PyGObject (python3-gi)')
    sys.exit(77)
gi.require_version('Provision', '1')
from gi.repository import GLib, Provision  # noqa: E402


def fetch(transport, url, state_dir):
    f = Provision.Fetch.new(url)
    f.set_state_dir(state_dir)
    loop = GLib.MainLoop()
    out = {}

    def done(source, result):
        try:
            out['body'] = source.fetch_finish(result).get_data()
        except GLib.Error as e:
            out['error'] = e
        loop.quit()

    def timeout():
        out['error'] = 'timed out'
        loop.quit()
        return GLib.SOURCE_REMOVE

    transport.fetch_async(f, None, done)
    guard = GLib.timeout_add_seconds(20, timeout)
    loop.run()
    if out.get('error') != 'timed out':
        GLib.source_remove(guard)
    return out


def main():
    plugins_dir = sys.argv[1]
    assert Provision.url_complete('/f.xml', 'tftp://10.0.0.1:69/prov') == \
        'tftp://10.0.0.1:69/prov/f.xml'
    try:
        Provision.url_complete('basic.txt', None)
        raise AssertionError('a URL without scheme or / was accepted')
    except GLib.Error as e:
        assert e.domain == 'prov-error-quark', e.domain

    registry = Provision.Registry.new()
    assert registry.load_path(plugins_dir, None) >= 1, 'no plugin loaded from ' + plugins_dir
    transport = registry.lookup_transport('file')
    assert transport is not None, 'the file plugin serves no file://'

    with tempfile.TemporaryDirectory() as state:
        os.mkdir(os.path.join(state, 'profiles'))
        profile = b'<flat-profile><GPP_A>from python</GPP_A></flat-profile>\n'
        with open(os.path.join(state, 'profiles', 'basic.xml'), 'wb') as f:
            f.write(profile)
        out = fetch(transport, 'file://' + os.path.join(state, 'profiles', 'basic.xml'), state)
        assert out.get('body') == profile, out
        with open(os.path.join(state, 'outside.xml'), 'wb') as f:
            f.write(profile)
        out = fetch(transport, 'file://' + os.path.join(state, 'outside.xml'), state)
        assert isinstance(out.get('error'), GLib.Error), out
        assert out['error'].domain == 'prov-error-quark', out['error'].domain
    print('PASS')


main()
