#!/usr/bin/env bash
# Why reading the SYN+ACK from libpcap's ring took 10-20 µs in some tcplab processes and 1-2 µs in others
# (docs/performance.md): a C program sends SYNs with libpcap and reads each SYN+ACK at once, from
# libpcap's ring (two frame slots per 4 KB page at the usual snaplen, many at 200 bytes) and from a
# plain AF_PACKET socket, as tcplab now reads. The lab network of bench/lab-net.sh; removed on exit.
#   sudo bench/ring-read.sh            # COUNT=300
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lab-net.sh"
command -v gcc >/dev/null 2>&1 || { say "installing gcc"; apt-get install -y -qq gcc >&2; }
COUNT=${COUNT:-300}
lib=$(ldconfig -p | awk '/libpcap\.so/ {print $NF; exit}')
gcc -O2 -o "$out/ring-read" "$top/bench/ring-read.c" "$lib"
lab_net_up
mac=$(ip -n "$LAB" link show "$A" | awk '/ether/ {print $2}')
pmac=$(ip -n "$PEER" link show "$B" | awk '/ether/ {print $2}')
ip -n "$PEER" neigh add 10.77.2.1 lladdr "$mac" dev "$B"   # the SYNs come from an address no kernel owns
ip netns exec "$PEER" sysctl -qw net.ipv4.tcp_synack_retries=0 net.ipv4.tcp_max_syn_backlog=65536
bench_bg ip netns exec "$PEER" python3 -c 'import socket, time
s = socket.socket(); s.bind(("10.77.2.2", 7)); s.listen(65535); time.sleep(600)'
wait_for_listener 7
port=20000
for mode in "ring 65535" "ring 200" "socket 0" "ring 65535" "ring 200" "socket 0"; do
  set -- $mode
  ip netns exec "$LAB" "$out/ring-read" "$1" "$A" "$COUNT" "$mac" "$pmac" "$2" "$port"
  port=$((port + COUNT))
done
