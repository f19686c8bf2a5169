#!/usr/bin/env bash
# On the second VM of a two-VM lab: the kernel peer the exercises talk to (an echo server).
#   sudo lab-scripts/peer-vm.sh [PORT] [tcplab peer listen options, e.g. --close-delay 1s]
# Then on the student's VM:
#   sudo ./tcplab lab handshake --iface eth0 --peer PEER_ADDR:PORT --src A_FREE_ADDRESS_ON_THAT_LINK
# Exercises whose runs need another peer behaviour say which options to restart it with.
set -euo pipefail
top="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
port=${1:-7}
shift || true
exec "$top/tcplab" peer listen --port "$port" "$@"
