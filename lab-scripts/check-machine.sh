#!/usr/bin/env bash
# An instructor's check that a machine is ready: every exercise in a row, in the lab network.
# Exit 0 when every check of every exercise passed. The captures stay in runs/.
#   sudo lab-scripts/check-machine.sh [--lang zh]
set -euo pipefail
top="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
cd "$top"
exec ./tcplab lab all --format quiet "$@"
