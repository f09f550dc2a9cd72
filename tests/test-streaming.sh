#!/bin/sh
# Streaming transports end to end (provisionctl --state-dir, tftpd-hpa on
# 127.0.0.1 without the tsize option, so that no size is known before the
# data): a firmware image over Max_Firmware_Size is refused while it
# arrives and leaves no partial file; a profile that stops parsing half
# way applies nothing, not even what came before the error.
#   test-streaming.sh SOURCE_ROOT BUILD_ROOT   (inside tests/in-netns)
set -eu
src=$1 build=$2
[ -x /usr/sbin/in.tftpd ] || { echo "SKIP: /usr/sbin/in.tftpd missing (tftpd-hpa)"; exit 77; }
. "$src/tests/lib/prov-test.sh"
prov_test_tmp streaming
ctl="$build/core/cli/provisionctl"
export PROV_SCHEMA_DIR="$src/schemas" LC_ALL=C.UTF-8
export PROV_PLUGIN_PATH="$build/plugins/tftp:$build/plugins/installer"
st="$tmp/state"
srv="$tmp/srv"
mkdir -p "$st" "$srv"
chmod 0755 "$srv"

start_tftpd "$srv"
port=$tport
cat >"$st/device.conf" <<CONF
[Device]
MAC=00:0e:08:ab:cd:ef
Vendor=Cisco
ProductName=CP-8845-3PCC
SoftwareVersion=1.0
[tftp]
TSize=false
[installer]
Command=cp %f $tmp/installed.img
CONF
run() { # run EXPECTED_EXIT ARGS… ; output in $tmp/out, $tmp/err
  want=$1; shift
  set +e; "$ctl" --state-dir "$st" "$@" >"$tmp/out" 2>"$tmp/err"; got=$?; set -e
  [ "$got" = "$want" ] || { cat "$tmp/out" "$tmp/err"; fail "'$*' exited $got, expected $want"; }
}

# Firmware: 3 MiB against a 1 MiB cap, in 512-byte blocks of unknown total.
head -c $((3 * 1024 * 1024)) /dev/urandom >"$srv/fw-2.0.img"
chmod 0644 "$srv/fw-2.0.img"
run 0 set Max_Firmware_Size=1048576
run 5 upgrade "tftp://127.0.0.1:$port/fw-2.0.img"
cat "$tmp/out" "$tmp/err"
grep -q "too large" "$tmp/out" "$tmp/err" || fail "over-cap firmware not refused as too large"
[ -e "$tmp/installed.img" ] && fail "the installer ran"
if [ -d "$st/firmware" ]; then
  left=$(find "$st/firmware" -type f)
  [ -z "$left" ] || fail "partial image left: $left"
fi
# Within the cap, the same path writes the whole image.
run 0 set Max_Firmware_Size=4194304
run 0 upgrade "tftp://127.0.0.1:$port/fw-2.0.img"
cmp "$srv/fw-2.0.img" "$st/firmware/fw-2.0.img" || fail "streamed image differs"
cmp "$srv/fw-2.0.img" "$tmp/installed.img" || fail "installed image differs"
[ -e "$st/firmware/fw-2.0.img.tmp" ] && fail "temporary left after success"

# Profile: 20000 values of GPP_B, then a tag that does not close, then more.
python3 - "$srv/broken.xml" "$srv/good.xml" <<'PY'
import sys
head = "<flat-profile>\n" + "".join(
    "<GPP_B>v%d</GPP_B>\n" % i for i in range(20000))
with open(sys.argv[1], "w") as f:
    f.write(head + "<GPP_A>half</GPP_B>\n" + "<GPP_C>after</GPP_C>\n</flat-profile>\n")
with open(sys.argv[2], "w") as f:
    f.write("<flat-profile>\n<GPP_A>before</GPP_A>\n<GPP_B>before</GPP_B>\n"
            "<GPP_C>before</GPP_C>\n</flat-profile>\n")
PY
chmod 0644 "$srv/broken.xml" "$srv/good.xml"
run 0 resync "tftp://127.0.0.1:$port/good.xml"
before=$(md5sum "$st/params.db")
run 4 resync "tftp://127.0.0.1:$port/broken.xml"
cat "$tmp/out" "$tmp/err"
grep -q "corrupt file: line 20002: .*GPP_A.*GPP_B" "$tmp/out" "$tmp/err" \
  || fail "parse error not reported with its line"
[ "$(md5sum "$st/params.db")" = "$before" ] || fail "params.db changed"
run 0 get GPP_A
[ "$(cat "$tmp/out")" = before ] || fail "GPP_A applied"
run 0 get GPP_C
[ "$(cat "$tmp/out")" = before ] || fail "GPP_C applied"
run 0 get GPP_B
[ "$(cat "$tmp/out")" = before ] || fail "GPP_B, before the error, applied"
echo "ok"
