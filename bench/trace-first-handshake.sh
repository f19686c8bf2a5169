#!/usr/bin/env bash
# Where a slow first handshake's time went, from the kernel's own trace: launches tcplab LAUNCHES
# times (one connection each) with ftrace recording the scheduler, softirqs, interrupts and the
# send(2) calls; keeps the trace of every launch whose first handshake (SYN+ACK -> ACK in tcplab's
# capture) took more than THRESHOLD_US, and prints, for each, what ran on the loop's core between
# its send of the SYN and its send of the ACK. This is how the preemptions by the process's own
# threads were found (docs/performance.md). Tracing costs a little; the counts are not the
# benchmark's (use handshake-reaction.sh for those).
#   sudo bench/trace-first-handshake.sh     # LAUNCHES=100 THRESHOLD_US=300
#   (JAVA_OPTS=-Dtcplab.coreOfItsOwn=false shows the preemptions it prevents)
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lab-net.sh"
LAUNCHES=${LAUNCHES:-100} THRESHOLD_US=${THRESHOLD_US:-300}
T=/sys/kernel/tracing
[ -w $T/set_event ] || { say "needs tracefs at $T (mount -t tracefs nodev $T)"; exit 3; }
traces=$out/first-handshake-traces; rm -rf "$traces"; mkdir -p "$traces"

tracing_off() {
  echo 0 > $T/tracing_on; echo > $T/set_event; echo > $T/trace
  echo local > $T/trace_clock; echo 1408 > $T/buffer_size_kb
  lab_net_cleanup
}
lab_net_up
trap tracing_off EXIT INT TERM
bench_bg ip netns exec "$PEER" java -jar "$jar" peer listen --port 7 2>/dev/null
wait_for_listener 7

echo 0 > $T/tracing_on; echo global > $T/trace_clock; echo 30000 > $T/buffer_size_kb; echo > $T/set_event
for e in sched:sched_switch sched:sched_wakeup sched:sched_waking irq:softirq_entry irq:softirq_exit \
  irq_vectors:local_timer_entry irq_vectors:local_timer_exit irq_vectors:reschedule_entry \
  syscalls:sys_enter_sendto syscalls:sys_exit_sendto net:net_dev_queue net:netif_receive_skb; do
  echo "$e" >> $T/set_event 2>/dev/null || say "(this kernel has no event $e)"
done

# What happened on the loop's core from the SYN's send to the ACK's, in a saved trace ($1), and a
# line for each time the loop's thread was taken off its core while runnable (who took it, how long).
explain() {
  awk -v dev="$A" '
    function cpu_of(line) { match(line, /\[[0-9]+\]/); return substr(line, RSTART, RLENGTH) }
    function stamp(line) { match(line, /[0-9]+\.[0-9]+: /); return substr(line, RSTART, RLENGTH - 2) }
    !tid && $0 ~ ("net_dev_queue: dev=" dev " ") && / len=74$/ {
      n = split($1, a, "-"); tid = a[n]; core = cpu_of($0); syn = 1; print; next }
    !syn { next }
    $0 ~ ("-" tid " ") && /sys_sendto\(/ { print; exit }
    /sched_switch/ && $0 ~ ("prev_pid=" tid " ") && /prev_state=R\+? / {
      off = stamp($0); taker = $0; sub(/.*next_comm=/, "", taker); sub(/ next_pid=.*/, "", taker) }
    /sched_switch/ && $0 ~ ("next_pid=" tid " ") && off != "" {
      summary = summary sprintf("  -> the loop was preempted by %s for %.0f us\n", taker, (stamp($0) - off) * 1e6); off = "" }
    (cpu_of($0) == core) && /sched_switch|sched_wakeup|local_timer_entry|reschedule_entry|sys_sendto/ { print }
    END { printf "%s", summary }' "$1" | cut -c1-190
}

say "$LAUNCHES launches of one connection each; traces above $THRESHOLD_US us kept in $traces"
slow=0
for l in $(seq "$LAUNCHES"); do
  echo > $T/trace; echo 1 > $T/tracing_on
  ip netns exec "$LAB" java ${JAVA_OPTS:-} -jar "$jar" connect --iface "$A" --peer 10.77.2.2:7 --src 10.77.2.1 \
    --msl 10ms --format quiet --capture "$out/traced.pcap" >/dev/null 2>"$out/traced.err" \
    || { say "launch $l failed:"; cat "$out/traced.err" >&2; exit 1; }
  echo 0 > $T/tracing_on
  us=$(tshark -r "$out/traced.pcap" -T fields -e frame.time_epoch -e tcp.flags -Y tcp 2>/dev/null |
       awk '$2 == "0x0012" && !s { s = $1 } $2 == "0x0010" && s && !d { d = 1; printf "%.1f", ($1 - s) * 1e6 }')
  if awk -v u="$us" -v t="$THRESHOLD_US" 'BEGIN { exit !(u > t) }'; then
    slow=$((slow + 1)); cp $T/trace "$traces/launch-$l.txt"
    echo; echo "launch $l: first handshake $us us; on the loop's core from the SYN's send to the ACK's:"
    explain "$traces/launch-$l.txt"
  fi
done
echo; echo "first handshakes above $THRESHOLD_US us: $slow of $LAUNCHES"
