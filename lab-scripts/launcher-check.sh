#!/usr/bin/env bash
# The launcher's reading path end to end: `tcplab analyze` on the JVM the launcher picks (the newest JDK
# here, with its start-up cache where that JDK has one) must print exactly what JDK 17 from PATH prints,
# and nothing else on stdout. Run by ./run-tests after Maven's tests.
#   sudo lab-scripts/launcher-check.sh
set -euo pipefail
top="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$top/scripts/deps.sh"
ensure_jar "$top"
sample=$top/captures/kernel-mix.pcap
picked=$(reading_java)
say "launcher check: analyze on $picked (JDK $(jdk_version "$picked")) against java from PATH (JDK $(jdk_version java))"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
TCPLAB_JAVA=java "$top/tcplab" analyze --format json "$sample" > "$tmp/path.json"
"$top/tcplab" analyze --format json "$sample" > "$tmp/first.json" 2>"$tmp/first.err"    # makes the cache if it can
"$top/tcplab" analyze --format json "$sample" > "$tmp/second.json" 2>"$tmp/second.err"  # uses it
for run in first second; do
  cmp -s "$tmp/path.json" "$tmp/$run.json" || { say "launcher check: the $run run's JSON differs from JDK 17's"; diff "$tmp/path.json" "$tmp/$run.json" | head -5 >&2; exit 1; }
done
[ ! -s "$tmp/second.err" ] || { say "launcher check: a run with the cache wrote to stderr:"; cat "$tmp/second.err" >&2; exit 1; }
note=""
if [ "$(jdk_version "$picked")" -ge 25 ] 2>/dev/null; then
  # The cache must be there and usable: AOTMode=on refuses to start with one that is not.
  cache=$(ls "$top"/target/aot/analyze-jdk*.aot 2>/dev/null | head -1)
  [ -n "$cache" ] || { say "launcher check: JDK 25 or later, but no start-up cache was made"; exit 1; }
  "$picked" -XX:AOTCache="$cache" -XX:AOTMode=on "${READING_JVM_OPTIONS[@]}" -jar "$top/target/tcplab.jar" \
    analyze --summary "$sample" >/dev/null || { say "launcher check: the JVM cannot use $cache"; exit 1; }
  note=", start-up cache $(basename "$cache") usable"
fi
say "launcher check: passed ($(wc -l < "$tmp/path.json") JSON lines alike$note)"
