#!/usr/bin/env bash
# Records real IPMI traffic between Debian's ipmi_sim (a BMC simulator, package openipmi) and ipmitool
# on the loopback interface, UDP port 623: a normal RMCP+ session, a wrong password, cipher suite 0,
# and an IPMI 1.5 session with authentication type NONE. Needs root (binds port 623, captures on lo).
# Usage: capture-ipmi-sim.sh OUT.pcap
set -euo pipefail
out=$(realpath -m "${1:?usage: $0 OUT.pcap}")
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
cat > lan.conf <<'CONF'
name "test-bmc"
set_working_mc 0x20
  startlan 1
    addr 127.0.0.1 623
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid a123456789abcdefa123456789abcdef
  endlan
  serial 15 localhost 9002 codec VM
  startcmd "true"
  startnow false
  user 1 true  ""        "test" user     10       none md2 md5 straight
  user 2 true  "ipmiusr" "test" admin    10       none md2 md5 straight
CONF
cat > sim.emu <<'EMU'
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sel_enable 0x20 1000 0x0a
mc_enable 0x20
EMU
ipmi_sim -c lan.conf -f sim.emu -n -s "$work/state" >/dev/null 2>&1 &
sleep 2
tcpdump -i lo -U -w "$out" udp port 623 >/dev/null 2>&1 &
sleep 1
ipmi() { timeout 30 ipmitool "$@" >/dev/null 2>&1 || true; }
ipmi -I lanplus -H 127.0.0.1 -U ipmiusr -P test mc info
sleep 1
ipmi -I lanplus -H 127.0.0.1 -U ipmiusr -P wrong -R 1 mc info
sleep 1
ipmi -I lanplus -H 127.0.0.1 -U ipmiusr -P test -C 0 mc info
sleep 1
ipmi -I lan -H 127.0.0.1 -U ipmiusr -P test -A NONE mc info
sleep 1
kill %2
wait %2 2>/dev/null || true
echo "wrote $out"
