#!/bin/sh
# Unpacks Debian's atftpd (a TFTP server with RFC 7440 windowsize) into
# DESTDIR without installing it: it conflicts with tftpd-hpa, which the tests
# also need. Idempotent: does nothing when the binary is already there.
#   tests/peers/install-atftpd.sh [DESTDIR]   (default /opt/provisiond-peers)
set -eu
destdir=${1:-/opt/provisiond-peers}
if [ -x "$destdir/usr/sbin/atftpd" ]; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
if ! apt-get download atftpd >/dev/null 2>&1; then
  # A fresh machine may not have package lists yet.
  apt-get update >/dev/null
  apt-get download atftpd
fi
mkdir -p "$destdir"
dpkg-deb -x atftpd_*.deb "$destdir"
test -x "$destdir/usr/sbin/atftpd"
echo "atftpd unpacked into $destdir"
