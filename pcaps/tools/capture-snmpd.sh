#!/usr/bin/env bash
# Records real SNMP traffic between Debian's Net-SNMP agent (snmpd) and its command-line tools on the
# loopback interface, UDP port 161: v1 and v2c reads, a walk, a GetBulk, a v2c SET with the read-write
# community, an SNMPv3 authPriv read (USM discovery first), an unknown v3 user, and five GetRequests
# with wrong communities sent the way onesixtyone does (no retries, no replies). Needs root (binds
# port 161, captures on lo) and the Debian packages snmpd, snmp and tcpdump.
# Usage: capture-snmpd.sh OUT.pcap
set -euo pipefail
out=$(realpath -m "${1:?usage: $0 OUT.pcap}")
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
cat > snmpd.conf <<'CONF'
agentAddress udp:127.0.0.1:161
rocommunity bmc-ro-2026 127.0.0.1
rwcommunity bmc-rw-2026 127.0.0.1
createUser bmcadmin SHA "authpass-2026" AES "privpass-2026"
rwuser bmcadmin priv
sysName bmc-07
sysLocation rack 12
CONF
export SNMP_PERSISTENT_DIR="$work/state" MIBS=""
mkdir -p "$SNMP_PERSISTENT_DIR"
/usr/sbin/snmpd -f -Lf "$work/snmpd.log" -C -c "$work/snmpd.conf" -p "$work/snmpd.pid" &
sleep 2
tcpdump -i lo -U -w "$out" udp port 161 or udp port 162 >/dev/null 2>&1 &
sleep 1
q() { timeout 20 "$@" >/dev/null 2>&1 || true; }
sys=1.3.6.1.2.1.1
q snmpget -v1 -c bmc-ro-2026 127.0.0.1 $sys.1.0
q snmpget -v2c -c bmc-ro-2026 127.0.0.1 $sys.5.0 $sys.3.0
q snmpwalk -v2c -c bmc-ro-2026 127.0.0.1 $sys
q snmpbulkget -v2c -c bmc-ro-2026 -Cr5 127.0.0.1 1.3.6.1.2.1.2.2.1.2
q snmpset -v2c -c bmc-rw-2026 127.0.0.1 $sys.6.0 s "rack 13"
q snmpget -v3 -l authPriv -u bmcadmin -a SHA -A authpass-2026 -x AES -X privpass-2026 127.0.0.1 $sys.5.0
q snmpget -v3 -l authNoPriv -u nosuchuser -a SHA -A whatever-2026 127.0.0.1 $sys.5.0
for c in public private cisco admin manager; do
    q snmpget -v2c -c "$c" -r 0 -t 0.3 127.0.0.1 $sys.5.0
done
sleep 1
