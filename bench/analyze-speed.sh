#!/usr/bin/env bash
# Reading speed and peak memory on one capture, side by side, in one run: `cat` (the read limit),
# tcplab analyze (JSON lines, and the summary table alone), tshark with the analysis fields, and
# tcpdump. Prints packets per second and peak RSS for each; a FILE of more than 1.1 M packets is also
# read as JSON cut to its first million. With no FILE, first records about 1.5 million packets of real
# kernel traffic with bench/make-capture.sh.
#   sudo [ROUNDS=3] bench/analyze-speed.sh [FILE]
# The virtual machines this was made on change speed by up to a third within minutes, so each reader
# but tshark (~1 minute a run) is run ROUNDS times, the readers taking turns, and the median is shown
# with the fastest and slowest run.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/capture-file.sh"
capture_file_into file "${1:-}"
packets=$(capinfos -c -M "$file" | awk '/Number of packets/ {print $NF}')
say "$file: $packets packets, $(du -h "$file" | cut -f1)"
[ -x /usr/bin/time ] || { say "installing GNU time (peak RSS)"; apt-get install -y -qq time >&2; }
# The issue's benchmark names "about one million packets"; a run's fixed cost (the JVM's start and the
# JIT's warm-up, ~0.3-0.4 s) weighs more on fewer, so the first million of a larger file is timed too.
million=""
results=$(mktemp); trap 'rm -f "$results" "$results.one" ${million:+"$million"}' EXIT
if [ "$packets" -gt 1100000 ]; then
  # In the file's own format: editcap writes pcapng unless told, and tcplab reads pcapng by another reader.
  million=$(mktemp --suffix=.cut)
  editcap -F "$(capinfos -t -T -r "$file" | cut -f2)" -r "$file" "$million" 1-1000000
fi
cat "$file" ${million:+"$million"} >/dev/null   # into the page cache, so that every reader starts alike

rounds=${ROUNDS:-3}
measure() {   # NAME CMD...: one run's wall time, peak RSS and CPU time (GNU time), appended to the results
  local name=$1; shift
  /usr/bin/time -o "$results.one" -f '%e %M %U %S' "$@" >/dev/null 2>&1
  printf '%s\t%s\t%s\n' "$name" "$(tail -1 "$results.one")" "${reading:-$packets}" >> "$results"
}
# One line per reader, in the order first measured: the median wall time (fastest-slowest), packets/s,
# the median CPU time (user + system, all threads) and the peak RSS. The CPU time tells a slow round's
# cause: a host that takes the second core away stretches the wall time of a reader that uses two (the
# JVM's compiler beside the reader) and leaves its CPU time as it was.
report() {
  awk -F'\t' '
    function median(name, what,   a, b, c, x) {
      c = n[name]
      for (a = 1; a <= c; a++) v[a] = what == "cpu" ? cpu[name, a] : t[name, a]
      for (a = 1; a <= c; a++) for (b = a + 1; b <= c; b++) if (v[b] < v[a]) { x = v[a]; v[a] = v[b]; v[b] = x }
      return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
    }
    { if (!($1 in n)) order[++k] = $1; split($2, f, " "); i = ++n[$1]; t[$1, i] = f[1]; cpu[$1, i] = f[3] + f[4]
      if (f[2] > kb[$1]) kb[$1] = f[2]; p[$1] = $3 }
    END {
      for (i = 1; i <= k; i++) {
        name = order[i]; c = n[name]
        med = median(name, "wall")   # leaves the sorted times in v
        range = c > 1 ? sprintf("(%.2f-%.2f)", v[1], v[c]) : ""
        rate = med > 0 ? sprintf("%10.0f", p[name] / med) : sprintf("%10s", "-")   # below the 10 ms that GNU time shows: too fast to say
        printf "%-44s %6.2f s %-12s %s packets/s %6.2f s CPU %6.0f MB peak RSS\n", name, med, range, rate,
          median(name, "cpu"), kb[name] / 1024
      }
    }' "$results"
}

# The launcher reads captures on the newest JDK here, with its start-up caches, and on JDK 17 with its
# class-data archive: each made now if missing, not in a timed round (it takes a few seconds).
picked=$(reading_java)
small=$top/captures/handshake-echo-close.pcap
"$top/tcplab" analyze --summary "$small" >/dev/null                  # the text cache
"$top/tcplab" analyze --summary --format json "$small" >/dev/null    # the JSON one
[ "$picked" = java ] || TCPLAB_JAVA=java "$top/tcplab" analyze --summary "$small" >/dev/null
say "tcplab runs on $picked (JDK $(jdk_version "$picked")); java on PATH is JDK $(jdk_version java)"

for round in $(seq "$rounds"); do
  say "round $round of $rounds"
  measure "cat (read limit)" cat "$file"
  measure "tcplab analyze --format json" "$top/tcplab" analyze --format json "$file"
  measure "tcplab analyze --summary" "$top/tcplab" analyze --summary "$file"
  if [ -n "$million" ]; then
    reading=1000000 measure "  its first 1,000,000 packets: --format json" "$top/tcplab" analyze --format json "$million"
  fi
  if [ "$picked" != java ]; then
    v17=$(jdk_version java)
    TCPLAB_JAVA=java measure "  the same on JDK $v17: --format json" "$top/tcplab" analyze --format json "$file"
    TCPLAB_JAVA=java measure "  the same on JDK $v17: --summary" "$top/tcplab" analyze --summary "$file"
    if [ -n "$million" ]; then
      TCPLAB_JAVA=java reading=1000000 measure "  its first 1,000,000 on JDK $v17: JSON" "$top/tcplab" \
        analyze --format json "$million"
    fi
  fi
  measure "tcpdump -nn -r" tcpdump -nn -r "$file"
done
say "tshark, once"
measure "tshark -T fields (seq, ack, flags)" tshark -r "$file" -T fields -e tcp.seq -e tcp.ack -e tcp.analysis.flags
echo
report
