#!/usr/bin/env bash
# Reaction time of the third handshake segment, SYN+ACK -> ACK, stamped by tcpdump (the kernel's
# clock) at both ends of one veth: on the client's side (the SYN+ACK arriving, our ACK leaving: the
# reaction as the issue defines it) and on the peer's side (what the peer experiences). Clients, in
# the same run on the same veth: tcplab's userspace endpoint (LAUNCHES processes x REPEAT
# connections; the first of each process is "first after launch") and the lab namespace's own
# kernel doing connect() from bash (KERNEL connections).
#
# A veth delivers synchronously: the peer kernel processes our SYN and sends its SYN+ACK in softirq
# inside our own send(2) of the SYN, so the SYN+ACK "arrives" while we are still in that call and
# can be seen only after it returns. The kernel client has no such wait: its ACK is made in the same
# softirq. A real NIC has no such coupling; the numbers below include it.
#   sudo bench/handshake-reaction.sh            # defaults: LAUNCHES=5 REPEAT=20 KERNEL=50
#   (JAVA=/path/to/java and JAVA_OPTS=... run tcplab on another JVM or with other flags)
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lab-net.sh"
LAUNCHES=${LAUNCHES:-5} REPEAT=${REPEAT:-20} KERNEL=${KERNEL:-50}
cap=$out/handshake-peer-side.pcap; capA=$out/handshake-client-side.pcap
lab_net_up

bench_bg ip netns exec "$PEER" java -jar "$jar" peer listen --port 7 2>/dev/null
wait_for_listener 7
bench_bg ip netns exec "$PEER" tcpdump -i "$B" -w "$cap" -s 128 --time-stamp-precision=nano -U tcp 2>"$out/tcpdump.err"
bench_bg ip netns exec "$LAB" tcpdump -i "$A" -w "$capA" -s 128 --time-stamp-precision=nano -U tcp 2>"$out/tcpdumpA.err"
for _ in $(seq 100); do grep -q "listening on" "$out/tcpdump.err" && grep -q "listening on" "$out/tcpdumpA.err" && break; sleep 0.1; done
sleep 0.5

say "tcplab: $LAUNCHES launches x $REPEAT connections"
for l in $(seq "$LAUNCHES"); do
  ip netns exec "$LAB" ${JAVA:-java} ${JAVA_OPTS:-} -jar "$jar" connect --iface "$A" --peer 10.77.2.2:7 --src 10.77.2.1 \
    --repeat "$REPEAT" --msl 10ms --format json --capture "$out/tcplab-$l.pcap" >/dev/null 2>"$out/tcplab-$l.err" \
    || { say "launch $l failed:"; cat "$out/tcplab-$l.err" >&2; exit 1; }
done
say "kernel: $KERNEL connect() calls from bash"
ip netns exec "$LAB" bash -c 'for i in $(seq '"$KERNEL"'); do
  exec 3<>/dev/tcp/10.77.2.2/7; echo hi >&3; read -r line <&3; exec 3>&-; done'
sleep 1   # FIELD-NOTES: tcpdump drops the last second when stopped at once
kill -INT "${pids[1]}" "${pids[2]}"; wait "${pids[1]}" "${pids[2]}" 2>/dev/null || true

reactions() {  # one line per connection in capture $1: client address, reaction in microseconds
  tshark -r "$1" -T fields -E separator=' ' -e tcp.stream -e frame.time_epoch -e ip.src -e tcp.flags 2>/dev/null |
  awk '
    $3 == "10.77.2.2" && $4 == "0x0012" && !(($1) in synack) { synack[$1] = $2 }
    $3 != "10.77.2.2" && $4 == "0x0010" && ($1 in synack) && !(($1) in done) {
      done[$1] = 1; printf "%s %.1f\n", $3, ($2 - synack[$1]) * 1e6 }'
}

stats() {  # reads microseconds, prints count median p90 min max
  sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "n=0"; exit }
    m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.9 + 0.999)]; if (p == "") p = v[NR]
    printf "n=%d  median %.1f us  p90 %.1f us  min %.1f  max %.1f\n", NR, m, p, v[1], v[NR] }'
}
report() {  # $1 capture, $2 title
  reactions "$1" > "$out/reactions.txt"
  echo
  echo "$2"
  printf '  %-34s ' "kernel connect() (bash /dev/tcp):"; awk '$1 == "10.77.2.3" { print $2 }' "$out/reactions.txt" | stats
  printf '  %-34s ' "tcplab, warm (all but first):";     awk -v r="$REPEAT" '$1 == "10.77.2.1" { if ((n++ % r) != 0) print $2 }' "$out/reactions.txt" | stats
  printf '  %-34s ' "tcplab, first after launch:";       awk -v r="$REPEAT" '$1 == "10.77.2.1" { if ((n++ % r) == 0) print $2 }' "$out/reactions.txt" | stats
  # The goal for the first handshake is a bound (<= 1 ms), so say which launches missed it.
  awk -v r="$REPEAT" '$1 == "10.77.2.1" { if ((n++ % r) == 0) { k++; if ($2 > 1000) { m++; which = which " " k " (" $2 " us)" } } }
    END { printf "  %-34s %d of %d%s\n", "first handshakes above 1 ms:", m, k, (m ? ": launch" which : "") }' "$out/reactions.txt"
  echo "  (capture: $1)"
}
report "$capA" "SYN+ACK arriving -> ACK leaving, at the client's side of the veth (tcpdump, ns stamps)"
report "$cap" "SYN+ACK leaving -> ACK arriving, at the peer's side of the veth"
