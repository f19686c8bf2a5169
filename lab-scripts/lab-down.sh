#!/usr/bin/env bash
# Removes what lab-up.sh made: the echo server, both namespaces (and with them the veth pair).
set -uo pipefail
[ "$(id -u)" -eq 0 ] || { echo "tcplab: run as root" >&2; exit 3; }
if [ -f /run/tcplab-lab-peer.pid ]; then
  pid=$(cat /run/tcplab-lab-peer.pid)
  kill "$pid" 2>/dev/null
  # The JVM takes a moment to end: "down" means gone (at most 5 s, then it is killed outright).
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
  rm -f /run/tcplab-lab-peer.pid
fi
ip netns delete tcplab-lab 2>/dev/null
ip netns delete tcplab-peer 2>/dev/null
echo "tcplab: the lab network is down" >&2
