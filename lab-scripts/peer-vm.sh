#!/usr/bin/env bash
# On the second VM of a two-VM lab: the tcplab peer agent, which gives each exercise run the kernel
# peer it needs (an echo server on port 7 that closes late or probes with keep-alive, a kernel
# client, a net.ipv4.tcp_* sysctl for the run's length) and reports that peer's socket states.
#   sudo lab-scripts/peer-vm.sh [--port 7070] [--from LAB_VM_ADDR]
# --from lets only the student's VM use the agent (it starts servers and sets sysctls on request).
# Then on the student's VM:
#   sudo ./tcplab lab all --iface eth0 --peer PEER_ADDR:7 --agent PEER_ADDR --src A_FREE_ADDRESS_ON_THAT_LINK
# The lab VM must reach PEER_ADDR on port 7 (the exercises) and on the agent's port (the control connection).
# A plain echo server instead (no agent): ./tcplab peer listen --port 7
set -euo pipefail
top="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
exec "$top/tcplab" peer agent "$@"
