#!/usr/bin/env bash
# Reading speed and peak memory on one capture, side by side, in one run: `cat` (the read limit),
# tcplab analyze (JSON lines, and the summary table alone), tshark with the analysis fields, and
# tcpdump. Prints packets per second and peak RSS for each. With no FILE, first records about a
# million packets of real kernel traffic with bench/make-capture.sh.
#   sudo bench/analyze-speed.sh [FILE]
set -euo pipefail
top="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$top/scripts/deps.sh"
ensure_packages test
ensure_jar "$top"
file=${1:-}
if [ -z "$file" ]; then
  file=$top/bench/out/kernel-1m.pcap
  mkdir -p "$top/bench/out"
  [ -f "$file" ] || "$top/bench/make-capture.sh" "$file" 300 128
fi
packets=$(capinfos -c -M "$file" | awk '/Number of packets/ {print $NF}')
say "$file: $packets packets, $(du -h "$file" | cut -f1)"
[ -x /usr/bin/time ] || { say "installing GNU time (peak RSS)"; apt-get install -y -qq time >&2; }
cat "$file" >/dev/null   # into the page cache, so that every reader starts alike

tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
measure() {   # NAME CMD...: wall time and peak RSS (GNU time), then packets per second
  local name=$1; shift
  /usr/bin/time -o "$tmp" -f '%e %M' "$@" >/dev/null 2>&1
  set -- $(tail -1 "$tmp")
  awk -v n="$name" -v s="$1" -v kb="$2" -v p="$packets" \
    'BEGIN { printf "%-34s %8.2f s %12.0f packets/s %8.0f MB peak RSS\n", n, s, p / s, kb / 1024 }'
}

# The launcher reads captures on the newest JDK here, with its start-up cache (made now if missing, not timed).
picked=$(reading_java)
"$top/tcplab" analyze --summary "$top/captures/handshake-echo-close.pcap" >/dev/null
say "tcplab runs on $picked (JDK $(jdk_version "$picked")); java on PATH is JDK $(jdk_version java)"

echo
measure "cat (read limit)" cat "$file"
measure "tcplab analyze --format json" "$top/tcplab" analyze --format json "$file"
measure "tcplab analyze --summary" "$top/tcplab" analyze --summary "$file"
if [ "$picked" != java ]; then
  export TCPLAB_JAVA=java
  measure "  the same on JDK $(jdk_version java): --format json" "$top/tcplab" analyze --format json "$file"
  measure "  the same on JDK $(jdk_version java): --summary" "$top/tcplab" analyze --summary "$file"
  unset TCPLAB_JAVA
fi
measure "tcpdump -nn -r" tcpdump -nn -r "$file"
measure "tshark -T fields (seq, ack, flags)" tshark -r "$file" -T fields -e tcp.seq -e tcp.ack -e tcp.analysis.flags
