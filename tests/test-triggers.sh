#!/bin/sh
# The trigger plugins inside the real daemon: provisiond --no-bus with the
# action-url or sip plugin listening on 127.0.0.1, a real tftpd-hpa serving
# the profiles and images, curl/xmllint/sipp as the peers. Nothing runs by
# itself (Resync_On_Reset=No, no periodic resync): every resync here is one
# a trigger asked for. Runs inside tests/in-netns (meson does).
#   test-triggers.sh CASE     CASE: action-url action-url-limits sip upgrade-url
# Environment (meson sets it): PROVISIOND PROVISIONCTL PROV_PLUGIN_PATH
# PROV_SCHEMA_DIR
set -eu
case=$1
: "${PROVISIOND:?}" "${PROVISIONCTL:?}" "${PROV_PLUGIN_PATH:?}" "${PROV_SCHEMA_DIR:?}"
export LC_ALL=C.UTF-8 no_proxy='*'
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/prov-test.sh"
src=$(dirname "$here")
scenarios=$src/plugins/sip/tests

prov_test_tmp triggers
st=$tmp/state tftproot=$tmp/tftp
mkdir -p "$st" "$tftproot"

param_is() { [ "$(offline get "$1" 2>/dev/null)" = "$2" ]; }
wait_param() { # wait_param NAME VALUE: the daemon applied it (bounded: 20 s)
  wait_until 20 "$1 = $2" param_is "$1" "$2"
}
expect_param() {
  got=$(offline get "$1") || fail "cannot read $1"
  [ "$got" = "$2" ] || fail "$1 is '$got', expected '$2'"
}
alive() { kill -0 "$daemon_pid" 2>/dev/null || fail "provisiond died"; }
# Resyncs the daemon finished (its log says so once per resync).
n_resyncs() { grep -c -E "resync (succeeded|failed)" "$tmp/daemon.log" || true; }
resyncs_are() { [ "$(n_resyncs)" = "$1" ]; }

profile() { # profile FILE NAME VALUE [NAME VALUE…]: a flat profile in the TFTP root
  file=$tftproot/$1
  shift
  {
    printf '<flat-profile>\n'
    while [ $# -gt 0 ]; do printf '  <%s>%s</%s>\n' "$1" "$2" "$1"; shift 2; done
    printf '</flat-profile>\n'
  } >"$file.tmp"
  mv "$file.tmp" "$file"
}


# The device file: the example identity plus the groups given.
device() { # device GROUP-TEXT
  cp "$src/data/examples/device.conf" "$st/device.conf"
  printf '\n%s\n' "$1" >>"$st/device.conf"
}

start_daemon() {
  : >"$tmp/daemon.log"
  G_MESSAGES_DEBUG=provisiond "$PROVISIOND" --no-bus --state-dir "$st" >>"$tmp/daemon.log" 2>&1 &
  daemon_pid=$!
  wait_until 10 "the daemon to start" grep -q "without D-Bus" "$tmp/daemon.log"
  lacks WARNING "$tmp/daemon.log" # e.g. "trigger sip: …": it did not start
}

# Base parameters: nothing runs by itself, no retry after a failure.
offline set Resync_On_Reset=No Resync_Periodic=0 Resync_Random_Delay=0 \
  Resync_Error_Retry_Delay=0 >/dev/null
start_tftpd "$tftproot"

# ---- action-url ------------------------------------------------------------

pass=s3cret-Adm1n
aport=
http() { # http USER:PASS PATH [CURL-ARGS…]: status code on stdout, body in $tmp/body
  creds=$1 path=$2
  shift 2
  curl -sS --max-time 10 --digest -u "$creds" -o "$tmp/body" -w '%{http_code}' "$@" \
    "http://127.0.0.1:$aport$path" || fail "curl $path failed"
}
expect_http() { # expect_http CODE USER:PASS PATH [CURL-ARGS…]
  want=$1
  shift
  got=$(http "$@")
  [ "$got" = "$want" ] || { cat "$tmp/body" >&2; fail "$2: HTTP $got, expected $want"; }
}
status_xpath() { # the value of an XPath on /admin/status
  expect_http 200 "admin:$pass" /admin/status
  xmllint --noout "$tmp/body" || fail "/admin/status is not XML"
  xmllint --xpath "$1" "$tmp/body"
}

start_action_url() { # start_action_url [MORE-DEVICE-TEXT]
  aport=$(free_port tcp)
  device "[action-url]
Listen=127.0.0.1:$aport
${1:-}"
  offline set "Admin_Passwd=$pass" >/dev/null
  start_daemon
}

action_url() {
  start_action_url
  base="tftp://127.0.0.1:$tport"
  # The seed's profile, spaces and all.
  printf '<flat-profile><GPP_A> 12345678 </GPP_A></flat-profile>\n' >"$tftproot/basic.txt"
  profile evil.txt GPP_A evil
  profile marker.txt GPP_C marker-1
  profile second.txt GPP_B exec-b7
  profile disable.txt Provision_Enable No
  expect_param GPP_A ""

  # The seed's exercise: the phone fetches basic.txt and applies it.
  expect_http 200 "admin:$pass" "/admin/resync?$base/basic.txt"
  has "resync requested" "$tmp/body"
  wait_param GPP_A 12345678
  wait_until 10 "the first resync to finish" resyncs_are 1

  # Wrong password: 401 with a challenge, nothing fires. The next valid
  # request is a marker: once it is applied, a fired resync of evil.txt
  # would have run before it.
  expect_http 401 admin:wrong "/admin/resync?$base/evil.txt" -D "$tmp/headers"
  grep -qi '^WWW-Authenticate: Digest' "$tmp/headers" || fail "401 without a Digest challenge"
  expect_http 401 admin:wrong "/admin/resync?xuser=admin&xpassword=wrong&$base/evil.txt"
  expect_http 401 x:y "/admin/status" --no-digest
  expect_http 200 "admin:$pass" "/admin/resync?$base/marker.txt"
  wait_param GPP_C marker-1
  wait_until 10 "the marker resync to finish" resyncs_are 2
  [ "$(grep -c "action-url requests a resync" "$tmp/daemon.log")" = 2 ] \
    || fail "a refused request fired a resync"
  expect_param GPP_A 12345678
  [ "$(status_xpath 'string(/ProvisionStatus/Resync[1]/@url)')" = "$base/marker.txt" ] \
    || fail "the newest resync is not the marker"
  [ "$(status_xpath 'string(/ProvisionStatus/Resync[2]/@url)')" = "$base/basic.txt" ] \
    || fail "the resync before the marker is not basic.txt"

  # Cisco's Execute object.
  cat >"$tmp/execute.xml" <<EOF
<CP-8845-3PCCExecute><ExecuteItem URL="Resync:$base/second.txt"/></CP-8845-3PCCExecute>
EOF
  expect_http 200 "admin:$pass" /CGI/Execute -H 'Content-Type: text/xml' \
    --data-binary "@$tmp/execute.xml"
  xmllint --noout "$tmp/body" || fail "the Execute answer is not XML"
  [ "$(xmllint --xpath 'string(/CiscoIPPhoneResponse/ResponseItem/@Status)' "$tmp/body")" = 0 ] \
    || { cat "$tmp/body" >&2; fail "Execute did not succeed"; }
  wait_param GPP_B exec-b7
  wait_until 10 "the Execute resync to finish" resyncs_are 3

  # A rule with secrets: an encrypted profile with its --key passphrase
  # (which must reach the engine as given) and a password in the URL.
  profile enc.xml GPP_D enc-d4
  openssl enc -aes-256-cbc -pbkdf2 -salt -pass pass:s3kr1t-key-99 -in "$tftproot/enc.xml" \
    -out "$tftproot/enc.bin" || fail "openssl enc failed"
  expect_http 200 "admin:$pass" \
    "/admin/resync?%5B--key%20s3kr1t-key-99%5Dtftp://u:pw-in-url@127.0.0.1:$tport/enc.bin"
  wait_param GPP_D enc-d4
  wait_until 10 "the resync with secrets to finish" resyncs_are 4
  lacks s3kr1t-key-99 "$tmp/daemon.log"

  # /admin/status: the last three resyncs, newest first, as XML, and never
  # a parameter value, the password or a secret of a rule.
  expect_http 200 "admin:$pass" /admin/status
  cp "$tmp/body" "$tmp/status.xml"
  xmllint --noout "$tmp/status.xml" || fail "/admin/status is not XML"
  [ "$(xmllint --xpath 'count(/ProvisionStatus/Resync)' "$tmp/status.xml")" = 3 ] \
    || { cat "$tmp/status.xml" >&2; fail "status does not hold three resyncs"; }
  for i in 1 2 3; do
    [ "$(xmllint --xpath "string(/ProvisionStatus/Resync[$i]/@outcome)" "$tmp/status.xml")" \
      = success ] || { cat "$tmp/status.xml" >&2; fail "resync $i is not a success"; }
  done
  for i in "1 tftp://u:…@127.0.0.1:$tport/enc.bin" "2 $base/second.txt" \
    "3 $base/marker.txt"; do
    [ "$(xmllint --xpath "string(/ProvisionStatus/Resync[${i%% *}]/@url)" "$tmp/status.xml")" \
      = "${i#* }" ] || { cat "$tmp/status.xml" >&2; fail "resync ${i%% *} is not ${i#* }"; }
  done
  for secret in "$pass" 12345678 exec-b7 marker-1 enc-d4 s3kr1t-key-99 pw-in-url; do
    lacks "$secret" "$tmp/status.xml"
  done

  # Provision_Enable = No (set by a profile, read at each request): resyncs
  # are refused at once and nothing is fetched or applied.
  expect_http 200 "admin:$pass" "/admin/resync?$base/disable.txt"
  wait_param Provision_Enable No
  wait_until 10 "the disabling resync to finish" resyncs_are 5
  expect_http 403 "admin:$pass" "/admin/resync?$base/evil.txt"
  expect_http 403 "admin:$pass" /admin/resync
  sed "s|second.txt|evil.txt|" "$tmp/execute.xml" >"$tmp/execute-evil.xml"
  expect_http 403 "admin:$pass" /CGI/Execute -H 'Content-Type: text/xml' \
    --data-binary "@$tmp/execute-evil.xml"
  # The refusal is the answer itself: no trigger fired before it.
  [ "$(grep -c "action-url requests a resync" "$tmp/daemon.log")" = 5 ] \
    || fail "a refused request fired a resync"
  # Status stays readable, unchanged.
  [ "$(status_xpath 'string(/ProvisionStatus/Resync[1]/@url)')" = "$base/disable.txt" ] \
    || fail "a resync ran after Provision_Enable = No"
  resyncs_are 5 || fail "a resync ran after Provision_Enable = No"
  expect_param GPP_A 12345678
  alive
}

# ---- sip -------------------------------------------------------------------

sipp_run() { # sipp_run SCENARIO USER PASSWORD [RULE]: sipp's exit status
  set +e
  timeout 40 /usr/bin/sipp -sf "$scenarios/$1" "127.0.0.1:$sport" -m 1 -i 127.0.0.1 -bind_local \
    -p "$(free_port udp)" -s phone -au "$2" -ap "$3" -key rule "${4:-none}" -nostdin \
    -timeout 20s -timeout_error \
    -max_retrans 6 -default_behaviors abortunexp -trace_err \
    -error_file "$tmp/sipp-errors.log" >>"$tmp/sipp.log" 2>&1
  rc=$?
  set -e
  return $rc
}
sipp_ok() { sipp_run "$@" || fail "sipp $1 as $2 failed"; }
fired_are() { [ "$(grep -c "sip requests a resync" "$tmp/daemon.log" || true)" = "$1" ]; }
# An OPTIONS request answered with 405: every datagram before it was handled.
sip_ping() {
  python3 - "$sport" <<'EOF' || fail "no answer to OPTIONS"
import socket, sys, time
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
lport = s.getsockname()[1]
branch = "z9hG4bKping%d" % time.monotonic_ns()
req = (f"OPTIONS sip:phone@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{lport};branch={branch}\r\n"
       f"From: <sip:t@127.0.0.1>;tag=p\r\nTo: <sip:phone@127.0.0.1>\r\nCall-ID: {branch}\r\n"
       "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").encode()
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    s.sendto(req, ("127.0.0.1", port))
    s.settimeout(0.5)
    try:
        answer = s.recv(65535).decode(errors="replace")
    except socket.timeout:
        continue
    if branch in answer and answer.startswith("SIP/2.0 405 "):
        sys.exit(0)
sys.exit(1)
EOF
}

sip() {
  sport=$(free_port udp)
  device "[sip]
ListenAddress=127.0.0.1
ListenPort=$sport"
  offline set Resync_From_SIP=Yes User_ID_1_=1001 Password_1_=line-one-secret \
    "Profile_Rule=tftp://127.0.0.1:$tport/sip.txt" >/dev/null
  profile sip.txt GPP_A sip-1
  start_daemon
  expect_param GPP_A ""

  # NOTIFY check-sync, 401, the Digest answer, 200: the configured rule runs.
  sipp_ok notify-auth.xml 1001 line-one-secret
  wait_param GPP_A sip-1
  wait_until 10 "the first resync to finish" resyncs_are 1

  # Cisco's XML-Service NOTIFY: the Execute object's rule is fetched and
  # applied, after the same challenge.
  profile xml.txt GPP_D xml-1
  sipp_ok notify-xml-service.xml 1001 line-one-secret "tftp://127.0.0.1:$tport/xml.txt"
  wait_param GPP_D xml-1
  wait_until 10 "the XML-Service resync to finish" resyncs_are 2
  grep -q "sip requests a resync.*xml.txt" "$tmp/daemon.log" \
    || fail "the daemon did not log the XML-Service rule"

  # A wrong password gets 403 and nothing fires. An OPTIONS answered after
  # them is the marker: the daemon handles datagrams in order, and fires in
  # the same turn as it answers.
  profile sip.txt GPP_A sip-2
  sipp_ok notify-wrong-password.xml 1001 not-the-secret
  sipp_ok notify-wrong-password.xml 1002 line-one-secret
  sip_ping
  fired_are 2 || fail "a wrong password fired a resync"
  # The expectation can fail: the right password is not refused.
  if sipp_run notify-wrong-password.xml 1001 line-one-secret; then
    fail "the right password was refused"
  fi
  wait_param GPP_A sip-2
  wait_until 10 "the second resync to finish" resyncs_are 3
  fired_are 3 || fail "one NOTIFY fired more than once"

  # 2000 garbage datagrams as fast as they go, then a valid flow: the
  # daemon is alive and still resyncs.
  python3 - "$sport" <<'EOF'
import os, random, socket, sys
port = int(sys.argv[1])
rng = random.Random(5060)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
valid = (b"NOTIFY sip:phone@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK%d\r\n"
         b"From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:phone@127.0.0.1>\r\nCall-ID: g%d\r\n"
         b"CSeq: 1 NOTIFY\r\nEvent: check-sync\r\nContent-Length: 0\r\n\r\n")
for i in range(2000):
    kind = i % 4
    if kind == 0:
        data = os.urandom(rng.randint(0, 1400))
    elif kind == 1:
        whole = valid % (i, i)
        data = whole[: rng.randint(0, len(whole))]
    elif kind == 2:
        whole = bytearray(valid % (i, i))
        for _ in range(8):
            whole[rng.randrange(len(whole))] = rng.randrange(256)
        data = bytes(whole)
    else:
        data = b"NOTIFY sip:x SIP/2.0\r\nContent-Length: 99999999\r\nAuthorization: Digest " \
            + b"a=" * rng.randint(0, 600) + b"\r\n\r\n"
    try:
        s.sendto(data, ("127.0.0.1", port))
    except OSError:
        pass
EOF
  alive
  profile sip.txt GPP_A sip-3
  sipp_ok notify-auth.xml 1001 line-one-secret
  wait_param GPP_A sip-3
  wait_until 10 "the resync after the burst to finish" resyncs_are 4
  fired_are 4 || fail "garbage fired a resync"
  alive

  # Resync_From_SIP = No (set by the profile, read at each request): 403
  # before any challenge, and nothing fires.
  profile sip.txt GPP_A sip-4 Resync_From_SIP No
  sipp_ok notify-auth.xml 1001 line-one-secret
  wait_param Resync_From_SIP No
  wait_until 10 "the disabling resync to finish" resyncs_are 5
  profile sip.txt GPP_A sip-5
  sipp_ok notify-refused.xml 1001 line-one-secret
  if sipp_run notify-auth.xml 1001 line-one-secret; then
    fail "a NOTIFY was obeyed with Resync_From_SIP = No"
  fi
  sip_ping
  fired_are 5 || fail "a NOTIFY fired with Resync_From_SIP = No"
  resyncs_are 5 || fail "a resync ran with Resync_From_SIP = No"
  expect_param GPP_A sip-4
  alive
}

# ---- action-url-limits -----------------------------------------------------

# The daemon's descriptors.
n_fds() { ls "/proc/$daemon_pid/fd" | wc -l; }
fds_at_most() { [ "$(n_fds)" -le "$1" ]; }

action_url_limits() {
  start_action_url "RequestTimeout=0.5
MaxConnectionsPerSource=4"
  base="tftp://127.0.0.1:$tport"
  profile basic.txt GPP_A via-basic
  profile after.txt GPP_B after-flood

  # /CGI/Execute with HTTP Basic, as Cisco's CGI tools send it.
  printf '<CiscoIPPhoneExecute><ExecuteItem URL="Resync:%s/basic.txt"/></CiscoIPPhoneExecute>\n' \
    "$base" >"$tmp/execute.xml"
  code=$(curl -sS --max-time 10 --basic -u "admin:$pass" -o "$tmp/body" -w '%{http_code}' \
    --data-binary "@$tmp/execute.xml" "http://127.0.0.1:$aport/CGI/Execute") || fail "curl failed"
  [ "$code" = 200 ] || { cat "$tmp/body" >&2; fail "Basic Execute: HTTP $code"; }
  wait_param GPP_A via-basic
  wait_until 10 "the Execute resync to finish" resyncs_are 1

  # 1100 connections from one client: half requests, requests whose answer
  # is never read, silent ones; then the client closes them all. The
  # daemon's descriptors come back to where they were.
  before=$(n_fds)
  start=$(date +%s)
  python3 - "$aport" 1100 <<'EOF' || fail "the flood client failed"
import resource, socket, sys
port, count = int(sys.argv[1]), int(sys.argv[2])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, count + 64)), hard))
clients = []
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    if i % 3 == 0:
        s.sendall(b"GET /admin/status HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    elif i % 3 == 1:
        s.sendall(b"GET /admin/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    clients.append(s)
for s in clients:
    s.close()
EOF
  echo "flood of 1100 connections: $(($(date +%s) - start)) s"
  wait_until 10 "the daemon's descriptors to come back to $before" fds_at_most "$before"
  alive

  # A slowloris (a header byte every 50 ms) is cut after RequestTimeout.
  python3 - "$aport" <<'EOF' || fail "the slow client was not cut off in time"
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"GET /admin/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
start = time.monotonic()
s.settimeout(0.05)
while time.monotonic() - start < 10:
    try:
        s.sendall(b"x")
        if s.recv(512) == b"":
            break
    except socket.timeout:
        continue
    except OSError:
        break
took = time.monotonic() - start
print("slowloris cut after %.2f s" % took)
sys.exit(0 if 0.4 <= took < 5 else 1)
EOF

  # Failed logins: 10 wrong passwords, then 429 at once for every attempt,
  # the right password included, and nothing fires.
  # (--no-digest: one request per attempt.)
  for i in 1 2 3 4 5 6 7 8 9 10; do
    expect_http 401 admin:wrong "/admin/resync?xuser=admin&xpassword=wrong$i&$base/after.txt" \
      --no-digest
  done
  expect_http 429 admin:wrong "/admin/resync?xuser=admin&xpassword=wrong&$base/after.txt" \
    --no-digest -D "$tmp/headers"
  grep -qi '^Retry-After: [0-9]' "$tmp/headers" || fail "429 without Retry-After"
  expect_http 429 "admin:$pass" "/admin/resync?$base/after.txt"
  [ "$(grep -c "action-url requests a resync" "$tmp/daemon.log")" = 1 ] \
    || fail "a refused request fired a resync"
  alive
}

# ---- upgrade-url -----------------------------------------------------------

upgrade_url() {
  start_action_url "[installer]
Command=cp %f $tmp/installed.img"
  base="tftp://127.0.0.1:$tport"
  # An image of several TFTP windows with an odd tail.
  head -c 307207 /dev/urandom >"$tftproot/fw-2.0.img"
  expect_http 200 "admin:$pass" "/admin/upgrade?$base/fw-2.0.img"
  has "upgrade requested" "$tmp/body"
  upgraded() {
    [ "$(status_xpath 'string(/ProvisionStatus/Upgrade[1]/@outcome)' 2>/dev/null)" = success ]
  }
  wait_until 30 "the upgrade to succeed" upgraded
  cmp "$tftproot/fw-2.0.img" "$tmp/installed.img" || fail "the installer got other bytes"
  [ "$(status_xpath 'string(/ProvisionStatus/Upgrade[1]/@url)')" = "$base/fw-2.0.img" ] \
    || fail "the upgrade status names another URL"
  grep -q "action-url requests an upgrade: $base/fw-2.0.img" "$tmp/daemon.log" \
    || fail "the daemon did not log the upgrade request"
  # A rule that does not parse is refused, nothing runs.
  expect_http 400 "admin:$pass" "/admin/upgrade?%5B--nosuch%20x%5D$base/fw-2.0.img"
  [ "$(grep -c "requests an upgrade" "$tmp/daemon.log")" = 1 ] || fail "a refused upgrade fired"
  alive
  relative_rules
}

# A rule without a server uses the host that asked (SPEC §7, the seed):
# /admin/resync?/x.txt is tftp://<peer>/x.txt, port 69, where a second
# tftpd-hpa serves the same root; a relative Upgrade_Rule uses the server
# the profile came from (here the first tftpd's port).
relative_rules() {
  /usr/sbin/in.tftpd --foreground -4 --address ":69" --secure --user root \
    "$tftproot" >"$tmp/tftpd69.log" 2>&1 &
  extra_pids="$extra_pids $!"
  wait_until 10 "tftpd on 69" tftp_answers 69
  before=$(n_resyncs)
  profile rel.txt GPP_A relative-1
  expect_http 200 "admin:$pass" "/admin/resync?/rel.txt"
  wait_param GPP_A relative-1
  wait_until 10 "the relative resync to finish" resyncs_are $((before + 1))
  [ "$(status_xpath 'string(/ProvisionStatus/Resync[1]/@url)')" = "tftp://127.0.0.1/rel.txt" ] \
    || fail "the relative resync did not use the requester"
  # What a real template ships (ua="ua") applies, with a warning in the log.
  printf '<flat-profile>\n<GPP_B ua="ua">warned</GPP_B>\n</flat-profile>\n' >"$tftproot/warn.txt"
  expect_http 200 "admin:$pass" "/admin/resync?/warn.txt"
  wait_param GPP_B warned
  wait_until 10 "the profile warning" grep -q \
    'profile warning: tftp://127.0.0.1/warn.txt: line 2: invalid ua="ua" on GPP_B ignored' \
    "$tmp/daemon.log"

  # The profile's server: the relative Upgrade_Rule a profile sets.
  head -c 70001 /dev/urandom >"$tftproot/fw-3.0.img"
  profile up.txt Upgrade_Rule /fw-3.0.img
  expect_http 200 "admin:$pass" "/admin/resync?$base/up.txt"
  wait_param Upgrade_Rule /fw-3.0.img
  # The upgrade that follows the resync uses Upgrade_Rule.
  upgraded3() {
    [ "$(status_xpath 'string(/ProvisionStatus/Upgrade[1]/@url)' 2>/dev/null)" = "$base/fw-3.0.img" ]
  }
  expect_http 200 "admin:$pass" "/admin/upgrade"
  wait_until 30 "the relative Upgrade_Rule to run" upgraded3
  [ "$(status_xpath 'string(/ProvisionStatus/Upgrade[1]/@outcome)')" = success ] \
    || fail "the relative Upgrade_Rule failed: $(status_xpath 'string(/ProvisionStatus/Upgrade[1]/@error)')"
  cmp "$tftproot/fw-3.0.img" "$tmp/installed.img" || fail "the installer got other bytes (3.0)"

  # /admin/upgrade?/fw-4.0.img: the requester again.
  head -c 5000 /dev/urandom >"$tftproot/fw-4.0.img"
  upgraded4() {
    [ "$(status_xpath 'string(/ProvisionStatus/Upgrade[1]/@url)' 2>/dev/null)" = \
      "tftp://127.0.0.1/fw-4.0.img" ]
  }
  expect_http 200 "admin:$pass" "/admin/upgrade?/fw-4.0.img"
  wait_until 30 "the relative upgrade to run" upgraded4
  [ "$(status_xpath 'string(/ProvisionStatus/Upgrade[1]/@outcome)')" = success ] \
    || fail "the relative upgrade failed"
  cmp "$tftproot/fw-4.0.img" "$tmp/installed.img" || fail "the installer got other bytes (4.0)"
  alive
}

case $case in
  action-url) action_url ;;
  action-url-limits) action_url_limits ;;
  sip) sip ;;
  upgrade-url) upgrade_url ;;
  *) fail "unknown case" ;;
esac
kill "$daemon_pid"
wait "$daemon_pid" || fail "provisiond exited with status $?"
daemon_pid=
echo "PASS ($case)"
