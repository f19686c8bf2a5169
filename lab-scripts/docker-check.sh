#!/usr/bin/env bash
# Builds the Docker image and runs every exercise inside it, in the container's own namespaces:
# the proof that `docker run --privileged IMAGE lab NAME` works. Uses the machine's Docker engine,
# or, where none runs (CI, these lab machines), a local one started with local-docker.sh (kept
# beside this script; it is stopped and the host restored at the end).
#   sudo lab-scripts/docker-check.sh
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
top="$(cd "$here/.." && pwd)"
[ "$(id -u)" -eq 0 ] || { echo "tcplab: run as root" >&2; exit 3; }
started=""
if ! docker info >/dev/null 2>&1; then
  echo "tcplab: no Docker engine running: starting a local one (lab-scripts/local-docker.sh)" >&2
  eval "$("$here/local-docker.sh" up)"
  started=yes
fi
cleanup() { [ -n "$started" ] && "$here/local-docker.sh" down >&2 || true; }
trap cleanup EXIT INT TERM
image=tcplab:check
echo "tcplab: building $image" >&2
docker build -q -t "$image" "$top" >&2
echo "tcplab: every exercise inside the container" >&2
docker run --rm --privileged "$image" lab all --format quiet
docker run --rm --privileged "$image" analyze --summary /opt/tcplab/captures/handshake-echo-close.pcap >/dev/null
echo "tcplab: the image works: every exercise passed inside it" >&2
