#!/usr/bin/env bash
# tshark as the independent decoder on a capture of any size: every TCP segment's connection,
# relative seq and ack, length, window and Wireshark analysis flags, tcplab's against tshark's, read
# side by side in constant memory (AnalysisAgreesWithTsharkTest does the same for the small sample
# captures). With no FILE, the analysis benchmark's capture (bench/make-capture.sh, ~1.5 M packets;
# tshark takes about a minute for it). Exits 1 when any segment differs.
#   bench/tshark-agreement.sh [FILE]
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/capture-file.sh"
capture_file_into file "${1:-}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

mapfile -t fields < <(python3 "$top/bench/tshark-agreement.py" --fields)   # the comparer's own column list
say "tcplab analyze --format json $file"
# Exit 2: some packets could not be read (counted on stderr); the rest is compared.
"$top/tcplab" analyze --format json "$file" > "$work/tcplab.jsonl" || [ $? -eq 2 ]
say "tshark $(tshark -v 2>/dev/null | head -1 | awk '{print $3}') on the same file"
tshark -r "$file" -Y tcp -T fields -E separator='|' "${fields[@]}" > "$work/tshark.txt" 2> "$work/tshark.err" \
  || { cat "$work/tshark.err" >&2; exit 2; }
python3 "$top/bench/tshark-agreement.py" "$work/tcplab.jsonl" "$work/tshark.txt"
