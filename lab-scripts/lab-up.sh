#!/usr/bin/env bash
# A persistent lab network for hands-on work with tcpdump, ss and Wireshark, until lab-down.sh:
# namespaces tcplab-lab and tcplab-peer joined by the veth pair tcplab-a / tcplab-b (offloads off:
# MSS-sized segments, correct checksums), with a kernel echo server on 10.77.9.2:7 in tcplab-peer.
#   sudo lab-scripts/lab-up.sh
# Then, for example:
#   sudo ip netns exec tcplab-lab tcpdump -ni tcplab-a -w /tmp/hands-on.pcap &
#   sudo ip netns exec tcplab-lab ./tcplab connect --iface tcplab-a --peer 10.77.9.2:7 --src 10.77.9.10
#   sudo ip netns exec tcplab-lab bash -c 'exec 3<>/dev/tcp/10.77.9.2/7; echo hi >&3; head -1 <&3'   # the kernel as client
#   sudo ip netns exec tcplab-lab ss -tano state time-wait                        # that client's TIME_WAIT
#   sudo ip netns exec tcplab-peer ss -tano                                       # the server's sockets
set -euo pipefail
top="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$top/scripts/deps.sh"
is_root || { say "run as root: this builds network namespaces"; exit 3; }
ensure_packages
ensure_jar "$top"
if ip netns list | grep -qw tcplab-lab; then
  say "the lab network is already up (sudo lab-scripts/lab-down.sh removes it)"; exit 0
fi
ip netns add tcplab-lab
ip netns add tcplab-peer
ip link add tcplab-a netns tcplab-lab type veth peer name tcplab-b netns tcplab-peer
for x in "tcplab-lab tcplab-a 10.77.9.1/24" "tcplab-peer tcplab-b 10.77.9.2/24"; do
  set -- $x
  ip -n "$1" link set lo up
  ip -n "$1" addr add "$3" dev "$2"
  ip -n "$1" link set "$2" up
  ip netns exec "$1" ethtool -K "$2" tx off tso off gso off >/dev/null
done
nohup ip netns exec tcplab-peer java -jar "$top/target/tcplab.jar" peer listen --port 7 \
  >/run/tcplab-lab-peer.log 2>&1 &
echo $! >/run/tcplab-lab-peer.pid
for _ in $(seq 100); do ip netns exec tcplab-peer ss -tlnH | grep -q ':7 ' && break; sleep 0.1; done
say "up: tcplab-lab (10.77.9.1 on tcplab-a) <-veth-> tcplab-peer (10.77.9.2 on tcplab-b), echo server on 10.77.9.2:7"
say "tcplab's endpoint uses an address no interface owns, e.g. --src 10.77.9.10; lab-down.sh removes everything"
# The header's examples, printed: the README promises commands to start from.
cat >&2 <<EOF
To start from:
  sudo ip netns exec tcplab-lab tcpdump -ni tcplab-a -w /tmp/hands-on.pcap &
  sudo ip netns exec tcplab-lab $top/tcplab connect --iface tcplab-a --peer 10.77.9.2:7 --src 10.77.9.10
  sudo ip netns exec tcplab-lab bash -c 'exec 3<>/dev/tcp/10.77.9.2/7; echo hi >&3; head -1 <&3'   # the kernel as client
  sudo ip netns exec tcplab-lab ss -tano state time-wait   # that client's TIME_WAIT: Linux's 60 s, counting down
  sudo ip netns exec tcplab-peer ss -tano                  # the server's sockets
EOF
