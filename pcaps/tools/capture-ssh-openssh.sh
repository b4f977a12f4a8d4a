#!/usr/bin/env bash
# Records real SSH handshakes between Debian 12's OpenSSH 9.2 client and server inside a private network
# namespace (nothing else on the machine is captured, nothing leaves it). The client has no key and no
# password (BatchMode), so each session ends after the key exchange and a refused authentication:
# banners, both KEXINITs, then encrypted packets. Sessions, one TCP flow each:
#   1. sshd on 22, a default client
#   2. sshd on 2200 (OpenBMC's serial-console SSH port), a client restricted to aes128-ctr/hmac-sha2-256
# Needs root (network namespace, tcpdump) and the openssh-server package. Usage: capture-ssh-openssh.sh OUT.pcap
set -euo pipefail
out=$(realpath -m "${1:?usage: $0 OUT.pcap}")
work=$(mktemp -d)
ns=mgmtwatch-ssh-$$
cleanup() {
  # Every process this script started runs inside the namespace: stop exactly those.
  ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
  sleep 0.5
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N "" -f hostkey
cat > sshd_config <<CONF
HostKey $work/hostkey
PidFile none
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
CONF
ip netns add "$ns"
run() { ip netns exec "$ns" "$@"; }
run ip link set lo up
run tcpdump -i lo -U -s 0 -w "$out" tcp port 22 or tcp port 2200 >/dev/null 2>&1 &
sleep 1
run /usr/sbin/sshd -D -e -f sshd_config -p 22 -p 2200 >/dev/null 2>&1 &
sleep 1
client() {
  run timeout 10 ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o IdentitiesOnly=yes -o IdentityFile=/nonexistent "$@" admin@127.0.0.1 true >/dev/null 2>&1 || true
  sleep 0.5
}
client -p 22
client -p 2200 -o Ciphers=aes128-ctr -o MACs=hmac-sha2-256
sleep 1
echo "wrote $out"
