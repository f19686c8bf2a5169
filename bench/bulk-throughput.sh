#!/usr/bin/env bash
# Bulk throughput, kernel -> receiver, over one veth with offloads off (MSS-sized segments), in one
# run: the kernel peer sends SIZE bytes (a fixed stream) to tcplab's userspace endpoint, then the
# same to the lab namespace's own kernel (bash /dev/tcp). Both receivers' SHA-256 must equal the
# sender's. tcplab records every frame to its capture meanwhile, as always.
#   sudo bench/bulk-throughput.sh          # SIZE=200MB by default
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lab-net.sh"
SIZE=${SIZE:-200MB}
lab_net_up

bench_bg ip netns exec "$PEER" java -jar "$jar" peer listen --port 7 --send-bytes "$SIZE" 2>"$out/peer.err"
wait_for_listener 7

say "tcplab receives $SIZE"
ip netns exec "$LAB" java ${JAVA_OPTS:-} -jar "$jar" connect --iface "$A" --peer 10.77.2.2:7 --src 10.77.2.1 --send '' \
  --delayed-ack --msl 10ms --format quiet --timeout 600s --capture "$out/bulk-tcplab.pcap" \
  >"$out/bulk-tcplab.out" 2>"$out/bulk-tcplab.err" || true
tcplab_line=$(grep -o 'transfer: .*' "$out/bulk-tcplab.out" | tail -1)
tcplab_sha=$(grep -o 'SHA-256 of what arrived [0-9a-f]*' "$out/bulk-tcplab.err" | awk '{print $NF}')

say "the kernel receives $SIZE"
t0=$(date +%s.%N)
kernel_sha=$(ip netns exec "$LAB" bash -c 'exec 3<>/dev/tcp/10.77.2.2/7; sha256sum <&3' | awk '{print $1}')
t1=$(date +%s.%N)
sleep 0.5
sent_sha=$(grep -o 'SHA-256 [0-9a-f]*' "$out/peer.err" | tail -1 | awk '{print $2}')
bytes=$(grep -o 'sent [0-9]* bytes' "$out/peer.err" | tail -1 | awk '{print $2}')

echo
echo "Kernel -> receiver, $bytes bytes over one veth, offloads off"
echo "  tcplab:  ${tcplab_line#transfer: }"
awk -v b="$bytes" -v t0="$t0" -v t1="$t1" 'BEGIN { s = t1 - t0;
  printf "  kernel:  %.1f Mbit/s over %.3f s (bash /dev/tcp into sha256sum, whole connection)\n", b * 8 / s / 1e6, s }'
echo "  SHA-256 sent $sent_sha"
echo "          tcplab $([ "$tcplab_sha" = "$sent_sha" ] && echo same || echo "DIFFERS: $tcplab_sha")," \
     "kernel $([ "$kernel_sha" = "$sent_sha" ] && echo same || echo "DIFFERS: $kernel_sha")"
