#!/usr/bin/env bash
# Builds the Docker image and runs every exercise inside it, in the container's own namespaces:
# the proof that `docker run --privileged IMAGE lab NAME` works. Then the README's quick start on a
# fresh Debian: `./tcplab connect` in a bare debian:bookworm-slim container (no Java, no Maven, no
# locale), which must install what it needs, build, and run. Uses the machine's Docker engine,
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
# With no locale (the image's LANG emptied) its text must still be UTF-8, not a "?" for each Chinese character.
titles="$(docker run --rm -e LANG= "$image" lab list --lang zh)"
grep -q '三次握手' <<<"$titles" || { echo "tcplab: lab list --lang zh in the image printed: $titles" >&2; exit 1; }
# A whole exercise in Chinese there: the ladder's heads and remarks too.
chinese="$(docker run --rm --privileged -e LANG= "$image" lab handshake --lang zh 2>&1)"
grep -q '我方状态' <<<"$chinese" && grep -q '内核对端的套接字' <<<"$chinese" && grep -q '实验网络：' <<<"$chinese" \
  || { echo "tcplab: lab handshake --lang zh in the image printed: $chinese" >&2; exit 1; }
echo "tcplab: the image works: every exercise passed inside it" >&2

# The working tree's files as a checkout has them (tracked, and new ones not ignored; no target/ or runs/).
echo "tcplab: the quick start on a fresh Debian: ./tcplab connect in a bare debian:bookworm-slim (~2 min)" >&2
fresh="$(cd "$top" && git ls-files -z --cached --others --exclude-standard \
  | tar --null -T - --ignore-failed-read -c 2>/dev/null \
  | docker run --rm -i --privileged debian:bookworm-slim \
      bash -c 'mkdir /work && cd /work && tar x && ./tcplab connect 2>&1' | tail -n 40)" \
  || { echo "tcplab: ./tcplab connect failed on a fresh Debian:" >&2; echo "$fresh" >&2; exit 1; }
grep -q '^done: echo matched' <<<"$fresh" && grep -q '──▶  SYN ' <<<"$fresh" \
  || { echo "tcplab: ./tcplab connect on a fresh Debian did not end as expected:" >&2; echo "$fresh" >&2; exit 1; }
echo "tcplab: the quick start works on a fresh Debian: it installed the JDK and Maven, built, and ran" >&2
