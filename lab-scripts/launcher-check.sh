#!/usr/bin/env bash
# The launcher's reading path end to end: `tcplab analyze` on the JVM the launcher picks (the newest JDK
# here, with its start-up caches where that JDK has them), and on java from PATH with its class-data
# archive, must print exactly what that java prints without the launcher (JSON, and the ladder), and
# nothing else on stdout;
# and with no locale set, it must open a file whose name is not ASCII.
# Run by ./run-tests after Maven's tests.
#   sudo lab-scripts/launcher-check.sh
set -euo pipefail
top="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$top/scripts/deps.sh"
ensure_jar "$top"
sample=$top/captures/kernel-mix.pcap
picked=$(reading_java)
say "launcher check: analyze on $picked (JDK $(jdk_version "$picked")) against java from PATH (JDK $(jdk_version java))"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
java "${READING_JVM_OPTIONS[@]}" -jar "$top/target/tcplab.jar" analyze --format json "$sample" > "$tmp/path.json"
# Each JVM twice through the launcher: the first run makes its cache or archive if it can, the second uses it.
TCPLAB_JAVA=java "$top/tcplab" analyze --format json "$sample" > "$tmp/path-first.json" 2>"$tmp/path-first.err"
TCPLAB_JAVA=java "$top/tcplab" analyze --format json "$sample" > "$tmp/path-second.json" 2>"$tmp/path-second.err"
"$top/tcplab" analyze --format json "$sample" > "$tmp/first.json" 2>"$tmp/first.err"
"$top/tcplab" analyze --format json "$sample" > "$tmp/second.json" 2>"$tmp/second.err"
for run in path-first path-second first second; do
  cmp -s "$tmp/path.json" "$tmp/$run.json" || { say "launcher check: the $run run's JSON differs from what plain java printed"; diff "$tmp/path.json" "$tmp/$run.json" | head -5 >&2; exit 1; }
done
# The ladder and the table (the default output) have a start-up cache of their own on JDK 25.
java "${READING_JVM_OPTIONS[@]}" -jar "$top/target/tcplab.jar" analyze "$sample" > "$tmp/path.txt"
"$top/tcplab" analyze "$sample" > "$tmp/text-first.txt" 2>"$tmp/text-first.err"
"$top/tcplab" analyze "$sample" > "$tmp/text-second.txt" 2>"$tmp/text-second.err"
for run in text-first text-second; do
  cmp -s "$tmp/path.txt" "$tmp/$run.txt" || { say "launcher check: the $run run's ladder differs from what plain java printed"; diff "$tmp/path.txt" "$tmp/$run.txt" | head -5 >&2; exit 1; }
done
for run in path-second second text-second; do
  [ ! -s "$tmp/$run.err" ] || { say "launcher check: the $run run, with its cache or archive, wrote to stderr:"; cat "$tmp/$run.err" >&2; exit 1; }
done
# With no locale (env -i, cron, a container) the JVM must still open a file whose name is not ASCII.
cp "$sample" "$tmp/抓包.pcap"
env -i PATH="$PATH" "$top/tcplab" analyze --summary "$tmp/抓包.pcap" > "$tmp/no-locale.txt" 2>&1 \
  || { say "launcher check: with no locale, analyze could not read a file named 抓包.pcap:"; cat "$tmp/no-locale.txt" >&2; exit 1; }
note=""
path_version=$(jdk_version java)
if [ "$path_version" -ge 17 ] && [ "$path_version" -lt 25 ] 2>/dev/null; then
  # The archive must be there and usable: -Xshare:on refuses to start with one that is not.
  archive=$top/target/aot/analyze-jdk$path_version.jsa
  [ -f "$archive" ] || { say "launcher check: JDK $path_version on PATH, but no class-data archive was made"; exit 1; }
  java -Xshare:on -XX:SharedArchiveFile="$archive" "${READING_JVM_OPTIONS[@]}" -jar "$top/target/tcplab.jar" \
    analyze --summary "$sample" >/dev/null || { say "launcher check: java cannot use $archive"; exit 1; }
  note=", class-data archive $(basename "$archive") usable"
fi
picked_version=$(jdk_version "$picked")
if [ "$picked_version" -ge 25 ] 2>/dev/null; then
  # Each kind's cache must be there and usable: AOTMode=on refuses to start with one that is not.
  for kind in json text; do
    cache=$top/target/aot/analyze-jdk$picked_version-$kind.aot
    [ -f "$cache" ] || { say "launcher check: JDK $picked_version, but no start-up cache for $kind was made"; exit 1; }
    "$picked" -XX:AOTCache="$cache" -XX:AOTMode=on "${READING_JVM_OPTIONS[@]}" -jar "$top/target/tcplab.jar" \
      analyze --summary "$sample" >/dev/null || { say "launcher check: the JVM cannot use $cache"; exit 1; }
    note="$note, start-up cache $(basename "$cache") usable"
  done
fi
say "launcher check: passed ($(wc -l < "$tmp/path.json") JSON lines alike$note)"
