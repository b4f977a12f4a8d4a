#!/usr/bin/env bash
# Records real TLS handshakes between Debian's `openssl s_client` and `openssl s_server` (OpenSSL 3.0)
# inside a private network namespace, so nothing else on the machine is captured and nothing leaves it.
# Sessions, one TCP flow each:
#   1. TLS 1.3 to 443 with SNI bmc01.example.net and ALPN h2,http/1.1, the client's bytes passed on by a
#      small relay in 100-byte writes (TCP_NODELAY): the ClientHello spans three TCP segments, as large
#      hellos (post-quantum key shares) do on real links. Only the relay-to-server connection is captured.
#   2. TLS 1.2 to 443 without SNI (-noservername)
#   3. TLS 1.2 to 8443 with SNI, ECDHE-RSA-AES256-GCM-SHA384 only
#   4. TLS 1.3 to 10443 (no well-known port: found by content) with SNI
#   5. a TLS 1.3-only client against a TLS 1.2-only server on 443: the server answers with an alert
# Needs root (network namespace, tcpdump). Usage: capture-tls-openssl.sh OUT.pcap
set -euo pipefail
out=$(realpath -m "${1:?usage: $0 OUT.pcap}")
work=$(mktemp -d)
ns=mgmtwatch-tls-$$
cleanup() {
  # Every process this script started runs inside the namespace: stop exactly those.
  ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
  sleep 0.5
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 3650 \
  -subj "/CN=bmc01.example.net" >/dev/null 2>&1
ip netns add "$ns"
run() { ip netns exec "$ns" "$@"; }
run ip link set lo up
run tcpdump -i lo -U -s 0 -w "$out" tcp port 443 or tcp port 8443 or tcp port 10443 >/dev/null 2>&1 &
sleep 1
server() { # port, extra s_server options
  local port=$1; shift
  run openssl s_server -accept "$port" -cert cert.pem -key key.pem -naccept 1 -quiet "$@" >/dev/null 2>&1 &
  sleep 0.5
}
client() { # port, s_client options
  local port=$1; shift
  echo | run timeout 10 openssl s_client -connect "127.0.0.1:$port" "$@" >/dev/null 2>&1 || true
  sleep 0.5
}
cat > relay.py <<'PY'
import socket, sys, threading, time
listen, target = int(sys.argv[1]), int(sys.argv[2])
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", listen)); ls.listen(1)
c, _ = ls.accept()
s = socket.create_connection(("127.0.0.1", target))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
def back():
    while (d := s.recv(65536)):
        c.sendall(d)
    c.close()
threading.Thread(target=back, daemon=True).start()
while (d := c.recv(65536)):
    for i in range(0, len(d), 100):
        s.sendall(d[i:i + 100]); time.sleep(0.005)
s.shutdown(socket.SHUT_WR); time.sleep(0.5)
PY
server 443 -alpn h2
run python3 relay.py 9443 443 >/dev/null 2>&1 &
sleep 0.5
client 9443 -tls1_3 -servername bmc01.example.net -alpn h2,http/1.1
server 443
client 443 -tls1_2 -noservername
server 8443
client 8443 -tls1_2 -servername bmc02.example.net -cipher ECDHE-RSA-AES256-GCM-SHA384
server 10443
client 10443 -tls1_3 -servername bmc03.example.net
server 443 -tls1_2
client 443 -tls1_3 -servername bmc04.example.net
sleep 1
echo "wrote $out"
