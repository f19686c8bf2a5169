#!/usr/bin/env bash
# Why the SYN+ACK's read takes 10-20 µs in some tcplab processes and 1-2 µs in others (README,
# Performance): a C program sends SYNs with libpcap and reads each SYN+ACK at once, from libpcap's
# ring (two frame slots per 4 KB page at the usual snaplen, many at 200 bytes) and from a plain
# AF_PACKET socket. Its own namespaces and veth; everything is removed on exit.
#   sudo bench/ring-read.sh            # COUNT=300
set -euo pipefail
top="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$top/scripts/deps.sh"
is_root || { say "run as root: the benchmark builds namespaces"; exit 3; }
ensure_packages
command -v gcc >/dev/null 2>&1 || { say "installing gcc"; apt-get install -y -qq gcc >&2; }
COUNT=${COUNT:-300}
lib=$(ldconfig -p | awk '/libpcap\.so/ {print $NF; exit}')
out=$top/bench/out; mkdir -p "$out"
gcc -O2 -o "$out/ring-read" "$top/bench/ring-read.c" "$lib"

id=$$ A=tcplab-$$-r-lab B=tcplab-$$-r-peer IA=tcplabr${id}a IB=tcplabr${id}b
cleanup() { kill "${server:-}" 2>/dev/null || true; ip netns delete "$A" 2>/dev/null || true; ip netns delete "$B" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
ip netns add "$A"; ip netns add "$B"
ip link add "$IA" netns "$A" type veth peer name "$IB" netns "$B"
for x in "$A $IA" "$B $IB"; do
  set -- $x
  ip -n "$1" link set lo up; ip -n "$1" link set "$2" up
  ip netns exec "$1" ethtool -K "$2" tx off tso off gso off >/dev/null
done
ip -n "$B" addr add 10.77.9.2/24 dev "$IB"
mac=$(ip -n "$A" link show "$IA" | awk '/ether/ {print $2}')
pmac=$(ip -n "$B" link show "$IB" | awk '/ether/ {print $2}')
ip -n "$B" neigh add 10.77.9.1 lladdr "$mac" dev "$IB"   # the SYNs come from an address no kernel owns
ip netns exec "$B" sysctl -qw net.ipv4.tcp_synack_retries=0 net.ipv4.tcp_max_syn_backlog=65536
ip netns exec "$B" python3 -c 'import socket, time
s = socket.socket(); s.bind(("10.77.9.2", 7)); s.listen(65535); time.sleep(600)' &
server=$!
sleep 0.5
port=20000
for mode in "ring 65535" "ring 200" "socket 0" "ring 65535" "ring 200" "socket 0"; do
  set -- $mode
  ip netns exec "$A" "$out/ring-read" "$1" "$IA" "$COUNT" "$mac" "$pmac" "$2" "$port"
  port=$((port + COUNT))
done
