# Real SIP peers for the applier tests and the demo, sourced after $tmp,
# $extra_pids, fail() and wait_until() exist (see tests/lib/prov-test.sh). The
# facts behind the settings are in ../shared/notes/sip-peers.md.
#   sip_peers_missing               prints what is not installed
#   start_kamailio USER:PASSWORD…   registrar with Digest on 127.0.0.1:$kam_port
#   set_sip_users USER:PASSWORD…    swaps the users in, live (htable.reload)
#   bound USER / unbound USER       USER has / has no binding in the registrar
#   start_baresip DIR               baresip with ctrl_tcp on 127.0.0.1:$ctrl_port
#   run_baresip DIR                 baresip with the config DIR has (its
#                                   ctrl_tcp_listen on 127.0.0.1:$ctrl_port)
PATH=$PATH:/usr/sbin
kam_modules=/usr/lib/x86_64-linux-gnu/kamailio/modules

sip_peers_missing() {
  for p in kamailio kamcmd baresip; do
    command -v "$p" >/dev/null 2>&1 || echo "$p"
  done
  [ -f "$kam_modules/htable.so" ] || echo "kamailio modules in $kam_modules"
  [ -f /usr/lib/baresip/modules/ctrl_tcp.so ] || echo "baresip's ctrl_tcp module"
}

udp_port() {
  python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
tcp_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# db_text table of the htable "users": key = user, value = password.
set_sip_users() {
  mkdir -p "$tmp/kamdb"
  {
    echo 'id(int,auto) key_name(str) key_type(int) value_type(int) key_value(str) expires(int)'
    for u in "$@"; do echo "0:${u%%:*}:0:0:${u#*:}:0"; done
  } >"$tmp/kamdb/users.new"
  mv "$tmp/kamdb/users.new" "$tmp/kamdb/users"
  if [ -S "$tmp/kam.ctl" ]; then
    kamcmd -s "unix:$tmp/kam.ctl" htable.reload users >"$tmp/kamcmd.out" 2>&1 \
      || fail "kamcmd htable.reload"
    # kamcmd exits 0 on errors; its output tells.
    ! grep -qi error "$tmp/kamcmd.out" || fail "htable.reload: $(cat "$tmp/kamcmd.out")"
  fi
}

start_kamailio() {
  kam_port=$(udp_port)
  set_sip_users "$@"
  cat >"$tmp/kamailio.cfg" <<KAMCFG
#!KAMAILIO
debug=2
log_stderror=yes
children=1
disable_tcp=yes
auto_aliases=no
listen=udp:127.0.0.1:$kam_port
mpath="$kam_modules/"
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "sl.so"
loadmodule "tm.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
loadmodule "db_text.so"
loadmodule "htable.so"
loadmodule "ctl.so"
modparam("ctl", "binrpc", "unix:$tmp/kam.ctl")
# No cache: a reload reads the file as it is now.
modparam("db_text", "db_mode", 1)
modparam("htable", "db_url", "text://$tmp/kamdb")
modparam("htable", "htable", "users=>size=4;dbtable=users;")
modparam("usrloc", "db_mode", 0)
request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (!is_method("REGISTER")) { sl_send_reply("405", "Method Not Allowed"); exit; }
  if (\$sht(users=>\$tU) == \$null) { sl_send_reply("403", "Forbidden"); exit; }
  if (!pv_auth_check("\$td", "\$sht(users=>\$tU)", "0", "1")) {
    xlog("L_NOTICE", "REGISTER challenged \$tU\n");
    auth_challenge("\$td", "0");
    exit;
  }
  consume_credentials();
  if (!save("location")) { sl_reply_error(); exit; }
  xlog("L_NOTICE", "REGISTER accepted \$tU\n");
}
KAMCFG
  kamailio -c -f "$tmp/kamailio.cfg" >"$tmp/kamailio-check.log" 2>&1 \
    || fail "kamailio rejects its configuration: $(tail -n 5 "$tmp/kamailio-check.log")"
  kamailio -DD -E -f "$tmp/kamailio.cfg" >"$tmp/kamailio.log" 2>&1 &
  kam_pid=$!
  extra_pids="$extra_pids $kam_pid"
  wait_until 15 "kamailio's control socket" test -S "$tmp/kam.ctl"
}

bindings() { kamcmd -s "unix:$tmp/kam.ctl" ul.dump 2>&1; }
bound() { bindings | grep -q "AoR: $1\$"; }
unbound() { ! bindings | grep -q "AoR: $1\$"; }
# How many REGISTERs of USER the registrar accepted so far.
accepted() { grep -c "REGISTER accepted $1\$" "$tmp/kamailio.log" || true; }

start_baresip() { # start_baresip DIR
  ctrl_port=$(tcp_port)
  mkdir -p "$1"
  cat >"$1/config" <<BSCFG
module_path /usr/lib/baresip/modules
sip_listen 127.0.0.1:$(udp_port)
net_interface 127.0.0.1
audio_player aufile,/dev/null
audio_source aufile,/dev/null
module g711.so
module_app account.so
module_app menu.so
module ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:$ctrl_port
BSCFG
  run_baresip "$1"
}

run_baresip() { # run_baresip DIR
  baresip -f "$1" </dev/null >>"$tmp/baresip.log" 2>&1 &
  baresip_pid=$!
  extra_pids="$extra_pids $baresip_pid"
  wait_until 15 "baresip's control socket" python3 -c \
    'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$ctrl_port"
}
