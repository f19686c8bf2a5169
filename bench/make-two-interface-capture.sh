#!/usr/bin/env bash
# A capture of the same packets on two interfaces at once, as `dumpcap -i lo -i any` makes it: three short
# echo connections on loopback (127.0.0.1, port 45678), each packet seen on lo and again on any.
#   sudo bench/make-two-interface-capture.sh OUT.pcapng
# Loopback only; dumpcap stops after 4 s, the connections are made within the first 2.
set -euo pipefail
out=${1:?usage: make-two-interface-capture.sh OUT.pcapng}
command -v dumpcap >/dev/null || { echo "needs dumpcap (Debian: wireshark-common or tshark)" >&2; exit 3; }
rm -f "$out"
dumpcap -q -i lo -i any -f "tcp port 45678" -a duration:4 -w "$out" 2>/dev/null &
capturing=$!
sleep 1.5   # dumpcap opens both interfaces
python3 - <<'PY'
import socket, threading
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 45678))
server.listen()
server.settimeout(5)
def echo():
    for _ in range(3):
        c, _ = server.accept()
        c.sendall(c.recv(100))
        c.close()
t = threading.Thread(target=echo)
t.start()
for i in range(3):
    s = socket.create_connection(("127.0.0.1", 45678), timeout=5)
    s.sendall(b"hello %d\n" % i)
    s.recv(100)
    s.close()
t.join()
PY
wait "$capturing"
chmod 644 "$out"
echo "$out: $(capinfos -c -M "$out" | awk '/Number of packets/ {print $NF}') packets"
