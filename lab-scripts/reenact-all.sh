#!/usr/bin/env bash
# Re-enacts every connection of a capture in turn (`tcplab replay --live --conn N`, each on a lab network of
# its own) and prints one line a connection: as recorded, or in how many places the live kernel differed, with
# the options the run named for it. What a sweep of a capture by hand did (docs/reliability.md).
#   sudo lab-scripts/reenact-all.sh FILE [--conns FIRST-LAST] [--limit SECONDS] [--keep DIR] [-- REPLAY OPTIONS]
# REPLAY OPTIONS go to every run, e.g. -- --as server, or -- --peer-answers. Each run has a time limit
# (--limit SECONDS, default 300); Ctrl-C stops after the run under way has cleaned up. Exit 0 when every
# run ended (as recorded or not), 1 when one failed or Ctrl-C stopped them.
# TCPLAB_CMD runs tcplab another way than ./tcplab (the tests: java -cp CLASSPATH dev.tcplab.cli.Main).
set -euo pipefail
top="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$top/scripts/deps.sh"
usage() {
 sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
file="" first=1 last=0 keep="" limit=300
while [ $# -gt 0 ]; do
  case $1 in
    --conns) [ $# -ge 2 ] || usage; first=${2%-*}; last=${2#*-}; shift 2 ;;
    --keep) [ $# -ge 2 ] || usage; keep=$2; shift 2 ;;
    --limit) [ $# -ge 2 ] || usage; limit=$2; shift 2 ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) say "reenact-all: unknown option $1"; usage ;;
    *) [ -z "$file" ] || usage; file=$1; shift ;;
  esac
done
[ -n "$file" ] || usage
[ -r "$file" ] || { say "reenact-all: cannot read $file"; exit 2; }
case "$first$last$limit" in *[!0-9]*) say "reenact-all: --conns takes FIRST-LAST and --limit seconds, in numbers"; exit 2 ;; esac
is_root || { say "reenact-all: the re-enactments build network namespaces: run as root (sudo)"; exit 3; }
if [ -n "${TCPLAB_CMD:-}" ]; then read -ra tcplab <<<"$TCPLAB_CMD"; else tcplab=("$top/tcplab"); fi

# How many connections the capture holds: the summary's "N connections" (its first line that says so).
count=$("${tcplab[@]}" analyze --summary "$file" 2>/dev/null | grep -oE '[0-9]+ connections?' | head -1 | grep -oE '^[0-9]+' || true)
[ -n "$count" ] || { say "reenact-all: $file holds no TCP connection that tcplab can read"; exit 2; }
[ "$last" -gt 0 ] && [ "$last" -le "$count" ] || last=$count
dir=${keep:-$(mktemp -d)}
mkdir -p "$dir"
[ -n "$keep" ] || trap 'rm -rf "$dir"' EXIT
stopped=""
trap 'stopped=yes' INT

exact=0 differ=0 skipped=0 failed=0
for ((c = first; c <= last; c++)); do
  [ -z "$stopped" ] || break
  set +e
  timeout --foreground -s INT -k 10 "$limit" "${tcplab[@]}" replay --live "$file" --conn "$c" --msl 100ms \
    --format quiet --capture "$dir/conn$c.pcap" "$@" >/dev/null 2>"$dir/conn$c.txt"
  rc=$?
  set -e
  if [ -n "$stopped" ]; then
    printf '%4d  stopped by Ctrl-C\n' "$c"
    break
  fi
  # The lines that name an option for a difference (the run's hints).
  hints=$(grep '^tcplab: .* --[a-z]' "$dir/conn$c.txt" | sed 's/^tcplab: /    /' || true)
  case $rc in
    0) exact=$((exact + 1)); printf '%4d  as recorded\n' "$c" ;;
    1) differ=$((differ + 1))
       places=$(grep -oE 'differently in [0-9]+ places?' "$dir/conn$c.txt" | grep -oE '[0-9]+' || echo "?")
       acks=$(grep -q 'only acknowledgements differ' "$dir/conn$c.txt" && echo ", acknowledgements only" || true)
       printf '%4d  differs in %s place(s)%s\n' "$c" "$places" "$acks"
       [ -z "$hints" ] || printf '%s\n' "$hints" ;;
    2) skipped=$((skipped + 1))
       printf '%4d  not re-enacted: %s\n' "$c" "$(grep -m1 '^tcplab: ' "$dir/conn$c.txt" | sed 's/^tcplab: //')" ;;
    *) failed=$((failed + 1))
       printf '%4d  failed (exit %d%s): see %s\n' "$c" "$rc" "$([ "$rc" -eq 124 ] && echo ", over ${limit} s")" \
         "$dir/conn$c.txt"
       [ -n "$keep" ] || { keep=$dir; trap - EXIT; } ;;
  esac
done
done_count=$((exact + differ + skipped + failed))
printf 'in all: %d of %d connections re-enacted%s: %d as recorded, %d differ, %d not re-enacted, %d failed\n' \
  "$done_count" "$((last - first + 1))" "${stopped:+ (stopped by Ctrl-C)}" "$exact" "$differ" "$skipped" "$failed"
[ -z "$keep" ] || printf 'each run'"'"'s messages and capture: %s\n' "$keep"
[ "$failed" -eq 0 ] && [ -z "$stopped" ]
