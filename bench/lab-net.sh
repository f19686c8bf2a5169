# Shared by the bench scripts (sourced, not run): the preliminaries and a lab network of their own.
# After `lab_net_up`: namespaces $LAB and $PEER, veth $A (lab side, kernel addresses 10.77.2.3 and
# fd77:2::3) and $B (peer side, 10.77.2.2 and fd77:2::2), offloads off; `bench_bg CMD...` starts a
# process that cleanup ends.
# Everything is removed on exit, Ctrl-C included.
top="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$top/scripts/deps.sh"
is_root || { say "run as root: the benchmark builds namespaces"; exit 3; }
ensure_packages test
ensure_jar "$top"

id=$$
LAB=tcplab-$id-b-lab PEER=tcplab-$id-b-peer A=tcplabb${id}a B=tcplabb${id}b
out=$top/bench/out; mkdir -p "$out"
jar=$top/target/tcplab.jar
pids=()

bench_bg() { "$@" & pids+=($!); }

lab_net_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns delete "$LAB" 2>/dev/null || true
  ip netns delete "$PEER" 2>/dev/null || true
}

lab_net_up() {
  trap lab_net_cleanup EXIT INT TERM
  ip netns add "$LAB"; ip netns add "$PEER"
  ip link add "$A" netns "$LAB" type veth peer name "$B" netns "$PEER"
  local x
  for x in "$LAB $A" "$PEER $B"; do
    set -- $x
    ip -n "$1" link set lo up; ip -n "$1" link set "$2" up
    ip netns exec "$1" ethtool -K "$2" tx off tso off gso off >/dev/null
  done
  ip -n "$PEER" addr add 10.77.2.2/24 dev "$B"
  ip -n "$LAB" addr add 10.77.2.3/24 dev "$A"   # the kernel client's own address; tcplab uses .1
  # IPv6 too (unique local addresses, no duplicate address detection: usable at once).
  ip -n "$PEER" addr add fd77:2::2/64 dev "$B" nodad
  ip -n "$LAB" addr add fd77:2::3/64 dev "$A" nodad
}

# Waits until the peer namespace listens on port $1.
wait_for_listener() {
  for _ in $(seq 100); do ip netns exec "$PEER" ss -tlnH | grep -q ":$1 " && return 0; sleep 0.1; done
  say "nothing listens on port $1 in $PEER"; exit 1
}
