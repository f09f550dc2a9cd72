#!/usr/bin/env python3
# Provision-1 through GObject Introspection (PyGObject), against the typelib
# and libprovision of the build: the public API completes a relative URL,
# loads the file plugin and fetches a profile over file:// with it, and a
# path outside the plugin's roots is refused with a PROV_ERROR; a device's
# values expand a rule's macros; the client API resyncs a file:// profile
# into a state directory (the parameter is stored, a secret reads back
# masked) and a missing profile fails with FILE_NOT_FOUND, changing nothing.
#   test-gi.py PLUGINS_DIR       (GI_TYPELIB_PATH, LD_LIBRARY_PATH and
#                                 PROV_SCHEMA_DIR set by meson)
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


def run(start, finish):
    """Runs an async call to its end in a main loop, bounded by 20 s."""
    loop = GLib.MainLoop()
    out = {}

    def done(source, result):
        try:
            out['value'] = finish(result)
        except GLib.Error as e:
            out['error'] = e
        loop.quit()

    def timeout():
        out['error'] = 'timed out'
        loop.quit()
        return GLib.SOURCE_REMOVE

    start(done)
    guard = GLib.timeout_add_seconds(20, timeout)
    loop.run()
    if out.get('error') != 'timed out':
        GLib.source_remove(guard)
    return out


DEVICE = """[Device]
MAC=00:11:22:AA:BB:CC
SeriesNumber=PY8845
SoftwareVersion=1.2.3
"""


def expand_rule():
    device = Provision.Device.new_from_data(DEVICE)
    expanded = device.expand_rule('( $SWVER ne 1.2.3 )? file:///p/$PSN/$MA.xml | /$(MAU:6)/$A.cfg')
    # The device's variables are filled in; $A is the engine's and stays.
    assert expanded == '( 1.2.3 ne 1.2.3 )? file:///p/PY8845/001122aabbcc.xml | /AABBCC/$A.cfg', \
        expanded


def client_resync(plugins_dir):
    with tempfile.TemporaryDirectory() as state:
        os.mkdir(os.path.join(state, 'profiles'))
        with open(os.path.join(state, 'device.conf'), 'w', encoding='utf-8') as f:
            f.write(DEVICE)
        with open(os.path.join(state, 'profiles', 'PY8845.xml'), 'wb') as f:
            f.write(b'<flat-profile><GPP_A>resynced from python</GPP_A>'
                    b'<GPP_SA>s3cret</GPP_SA></flat-profile>\n')
        client = Provision.Client.new(state, None, plugins_dir)
        assert client.get_parameter('GPP_A') == '', client.get_parameter('GPP_A')
        assert client.get_parameter('No_Such_Parameter') is None

        # The engine expands the rule with the device's $PSN.
        rule = 'file://' + os.path.join(state, 'profiles', '$PSN.xml')
        out = run(lambda cb: client.resync_async(rule, None, cb), client.resync_finish)
        assert out.get('value') is True, out
        assert client.get_parameter('GPP_A') == 'resynced from python', client.get_parameter('GPP_A')
        assert client.get_parameter('GPP_SA') == '********', 'a secret read back unmasked'
        # Stored in the state directory: a second client reads it back.
        again = Provision.Client.new(state, None, plugins_dir)
        assert again.get_parameter('GPP_A') == 'resynced from python'

        missing = 'file://' + os.path.join(state, 'profiles', 'missing.xml')
        out = run(lambda cb: client.resync_async(missing, None, cb), client.resync_finish)
        assert isinstance(out.get('error'), GLib.Error), out
        assert out['error'].domain == 'prov-error-quark', out['error'].domain
        assert out['error'].code == Provision.Error.FILE_NOT_FOUND, out['error']
        assert client.get_parameter('GPP_A') == 'resynced from python'


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

    expand_rule()
    client_resync(plugins_dir)
    print('PASS')


main()
