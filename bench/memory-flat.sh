#!/usr/bin/env bash
# Memory over time, sampled every few seconds (RSS from /proc, heap used from jstat), to show it
# stays flat:
#   sudo bench/memory-flat.sh analyze [FILE]     reading a large capture (default: ~14 M packets made
#                                                 by bench/make-capture.sh, ten times the speed benchmark's)
#   sudo bench/memory-flat.sh hold [DURATION]    one connection held open with keepalive at lab timers
#                                                 (default 1h; the kernel probes it every 2 s)
#   sudo bench/memory-flat.sh many [N]           captures of N connections (default 600,000), made by
#                                                 bench/many-connections.py: all closed within 36 s, and
#                                                 N unanswered SYNs; each read with --summary, then as JSON
set -euo pipefail
top="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$top/scripts/deps.sh"
is_root || { say "run as root"; exit 3; }
ensure_packages test
ensure_jar "$top"
mode=${1:?usage: memory-flat.sh analyze [FILE] | hold [DURATION] | many [N]}
every=${EVERY:-5}
out=$top/bench/out; mkdir -p "$out"

sample() {   # PID: one line per sample until the process ends
  local pid=$1 t0 tenths heap_log jstat_pid
  # jstat starts a JVM of its own (~0.5 s here), too slow to call for each sample: one jstat samples the
  # heap at the same interval in the background, and each line takes its latest figure.
  heap_log=$(mktemp)
  jstat -gc -t "$pid" "$(awk -v e="$every" 'BEGIN { printf "%d", e * 1000 }')" >"$heap_log" 2>/dev/null &
  jstat_pid=$!
  t0=$(date +%s%N)
  printf '%8s %10s %12s\n' "seconds" "RSS MB" "heap used MB"
  while kill -0 "$pid" 2>/dev/null; do
    local rss heap
    rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status" 2>/dev/null || echo -)
    # Timestamp S0C S1C S0U S1U EC EU OC OU …: used = S0U + S1U + EU + OU.
    heap=$(awk '$1 ~ /^[0-9.]+$/ { h = sprintf("%.0f", ($4 + $5 + $7 + $9) / 1024) } END { print h }' "$heap_log")
    tenths=$((($(date +%s%N) - t0) / 100000000))   # seconds to a tenth, whatever the locale's decimal sign
    [ -n "$rss" ] && printf '%6d.%d %10s %12s\n' $((tenths / 10)) $((tenths % 10)) "$rss" "${heap:--}"
    sleep "$every"
  done
  # jstat may have ended with its JVM already; either way, what wait returns is not this script's verdict.
  kill "$jstat_pid" 2>/dev/null || true
  wait "$jstat_pid" 2>/dev/null || true
  rm -f "$heap_log"
}

case "$mode" in
  analyze)
    file=${2:-$out/kernel-14m.pcap}
    [ -f "$file" ] || "$top/bench/make-capture.sh" "$file" 3000 128
    say "$file: $(capinfos -c -M "$file" | awk '/Number of packets/ {print $NF}') packets, $(du -h "$file" | cut -f1)"
    java "${READING_JVM_OPTIONS[@]}" -jar "$top/target/tcplab.jar" analyze --summary "$file" >/dev/null &
    sample $! ;;
  many)
    n=${2:-600000}
    command -v python3 >/dev/null || { say "installing python3 (writes the captures)"; apt-get install -y -qq python3 >&2; }
    for kind in closed scan; do
      file=$out/many-$kind-$n.pcap
      [ -f "$file" ] || python3 "$top/bench/many-connections.py" "$kind" "$n" "$file"
      for output in --summary "--format json"; do
        say "$file ($kind), analyze $output"
        # shellcheck disable=SC2086 # the output option is two words for JSON
        java "${READING_JVM_OPTIONS[@]}" -jar "$top/target/tcplab.jar" analyze $output "$file" >"$out/many.out" &
        pid=$!
        sample "$pid"
        wait "$pid" || { say "analyze $output of $file failed"; exit 1; }
        if [ "$output" = --summary ]; then grep -E '^in all|let go|left memory' "$out/many.out" >&2 || true
        else tail -1 "$out/many.out" | grep -o '"released_closed":[0-9]*,"released_open":[0-9]*' >&2; fi
      done
    done
    rm -f "$out/many.out" ;;
  hold)
    duration=${2:-1h}
    secs=$(echo "$duration" | sed 's/h$/*3600/; s/min$/*60/; s/m$/*60/; s/s$//' | bc)
    timeout="$((secs + 120))s"
    say "one connection held for $duration, the kernel probing it every 2 s (keepalive 2,2,3)"
    java -jar "$top/target/tcplab.jar" connect --hold "$duration" --peer-keepalive 2,2,3 --format quiet \
      --timeout "$timeout" --msl 100ms \
      --capture "$out/hold.pcap" >/dev/null 2>"$out/hold.err" &
    sample $!
    tail -1 "$out/hold.err" ;;
  *) say "unknown mode $mode"; exit 2 ;;
esac
