#!/usr/bin/env bash
# The instructors' hands-on network end to end: lab-up.sh brings it up and prints commands to start from;
# those commands work as printed (tcplab on the named interface, a kernel client whose TIME_WAIT ss shows);
# lab-down.sh leaves nothing behind. Run by ./run-tests after Maven's tests (it needs the built jar).
#   sudo lab-scripts/hands-on-check.sh
set -euo pipefail
top="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$top/scripts/deps.sh"
fail() { say "hands-on check: $*"; exit 1; }
if ip netns list | grep -qw tcplab-lab; then
  fail "a hands-on network is up already (sudo lab-scripts/lab-down.sh removes it); not touching it"
fi
tmp=$(mktemp -d)
trap '"$top/lab-scripts/lab-down.sh" 2>/dev/null; rm -rf "$tmp"' EXIT
"$top/lab-scripts/lab-up.sh" 2>"$tmp/up.err" || { cat "$tmp/up.err" >&2; fail "lab-up.sh failed"; }
grep -q "^To start from:" "$tmp/up.err" || fail "lab-up.sh printed no commands to start from"
in_lab() { ip netns exec tcplab-lab "$@"; }
answer=$(timeout 10 ip netns exec tcplab-lab bash -c 'exec 3<>/dev/tcp/10.77.9.2/7; echo hi >&3; head -1 <&3')
[ "$answer" = hi ] || fail "the kernel client's echo came back as '$answer'"
# The client closed first: its socket waits in TIME_WAIT, Linux's 60 s counting down.
in_lab ss -tanoH state time-wait | grep -q '10.77.9.2:7 .*timer:(timewait,' \
  || fail "no TIME_WAIT socket of the kernel client in ss"
timeout 60 ip netns exec tcplab-lab "$top/tcplab" connect --iface tcplab-a --peer 10.77.9.2:7 --src 10.77.9.10 \
  --msl 100ms --format quiet --capture "$tmp/hands-on.pcap" >"$tmp/connect.out" 2>&1 \
  || { cat "$tmp/connect.out" >&2; fail "tcplab connect on tcplab-a failed"; }
"$top/lab-scripts/lab-down.sh" 2>/dev/null
left=$(ip netns list | grep -E '^tcplab-(lab|peer)\b' || true)
[ -z "$left" ] || fail "lab-down.sh left: $left"
! pgrep -f 'tcplab.jar peer listen --port 7' >/dev/null || fail "lab-down.sh left the echo server running"
say "hands-on check: passed (lab-up.sh, the printed commands, lab-down.sh)"
