#!/usr/bin/env bash
# Records real kernel TCP traffic between two lab namespaces into a pcap: many short connections
# (some reusing a client port, every tenth reset), bulk transfers over a lossy link (1 % of the
# sink's inbound segments dropped with iptables' statistic match), a slow reader (zero windows),
# and an idle connection with keepalive probes. Used for the analysis benchmark and the sample
# capture captures/kernel-mix.pcap.
#   sudo bench/make-capture.sh OUT.pcap [SCALE] [SNAPLEN] [4|6]   SCALE 1 ≈ 4k packets, 300 ≈ 1M;
#   the last argument picks IPv4 (default) or IPv6 between the namespaces.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lab-net.sh"
dest=$(readlink -f "${1:?usage: make-capture.sh OUT.pcap [SCALE] [SNAPLEN] [4|6]}")
scale=${2:-1}
snaplen=${3:-128}
case "${4:-4}" in
  4) server=10.77.2.2 tables=iptables ;;
  6) server=fd77:2::2 tables=ip6tables ;;
  *) say "the address family is 4 or 6, not $4"; exit 2 ;;
esac
command -v python3 >/dev/null || { say "installing python3 (drives the kernel traffic)"; apt-get install -y -qq python3 >&2; }
lab_net_up

ip netns exec "$PEER" "$tables" -A INPUT -p tcp --dport 5002 -m statistic --mode random --probability 0.01 \
  -m comment --comment tcplab -j DROP
bench_bg ip netns exec "$PEER" python3 "$top/bench/kernel-traffic.py" serve "$server"
wait_for_listener 5005
bench_bg ip netns exec "$LAB" tcpdump -i "$A" -s "$snaplen" -w "$dest" -U -n tcp 2>"$out/make-capture.tcpdump.err"
for _ in $(seq 50); do grep -q listening "$out/make-capture.tcpdump.err" 2>/dev/null && break; sleep 0.1; done
sleep 0.3

say "driving traffic (scale $scale, at most $((60 + scale)) s)"
ip netns exec "$LAB" python3 "$top/bench/kernel-traffic.py" drive "$server" $((60 + scale)) "$scale"
sleep 1
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
say "$(capinfos -c "$dest" 2>/dev/null | tail -1 | tr -s ' ') in $dest"
# tcpdump drops what its buffer cannot hold when the traffic is fast (9 % of a scale-300 run here); the
# capture then has gaps, which readers flag as unseen segments: say so rather than leave it in the log.
dropped=$(awk '/dropped by kernel/ {print $1}' "$out/make-capture.tcpdump.err")
[ "${dropped:-0}" -gt 0 ] && say "tcpdump dropped $dropped packets its buffer could not hold: the capture has gaps there (Wireshark: \"previous segment not captured\", \"ACKed unseen segment\")"
exit 0
