# Shared by the scripts that read a capture (sourced, not run): the preliminaries, and
# `capture_file_into VAR [FILE]`, which sets VAR to FILE, or with no FILE to the speed benchmark's
# capture (about 1.4 million packets, made by bench/make-capture.sh when missing: 1-2 minutes).
top="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$top/scripts/deps.sh"
ensure_packages test
ensure_jar "$top"

capture_file_into() {
  local -n _cf_out=$1
  if [ -n "${2:-}" ]; then
    [ -f "$2" ] || { say "no such file: $2"; exit 2; }
    _cf_out=$2
    return
  fi
  _cf_out=$top/bench/out/kernel-1m.pcap
  if [ ! -f "$_cf_out" ]; then
    mkdir -p "$top/bench/out"
    "$top/bench/make-capture.sh" "$_cf_out" 300 128
  fi
}
