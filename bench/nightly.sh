#!/usr/bin/env bash
# The long figures of docs/reliability.md in one bounded run, for a nightly job (as root):
#   1. a million mutated captures through the reader and the analysis      (AnalysisFuzzTest)
#   2. a million random inputs per state through the endpoint (11 states)  (EndpointFuzzTest)
#   3. loss (5 % bulk, 10 %, 20 %) and reordering on the lab link           (BulkLiveTest, LossLiveTest)
#   4. memory while analysing a ~14 M packet capture                       (bench/memory-flat.sh analyze)
#   5. memory of one connection held for an hour under keepalive            (bench/memory-flat.sh hold)
#   6. every segment of a ~1.5 M packet capture against tshark's analysis  (bench/tshark-agreement.sh)
# Each step has a time limit; the run ends with a table of each step's verdict, time and figures,
# and exits 1 when a step failed. Logs go to bench/out/nightly-DATE/.
#   sudo bench/nightly.sh           nightly sizes: about 2 hours on 2 cores (the capture for step 4
#                                   is made once, ~20 min, and kept in bench/out/)
#   sudo bench/nightly.sh --quick   every step at CI size, to check the job itself (~6 min)
set -uo pipefail
top="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$top/scripts/deps.sh"
is_root || { say "run as root: the live steps build network namespaces"; exit 3; }
ensure_packages test
ensure_jar "$top"

quick=false
[ "${1:-}" = --quick ] && quick=true
if $quick; then
  fuzz_captures=20000 fuzz_endpoint=20000 hold=2m capture_scale=30 agreement_scale=30
  export EVERY=0.2   # memory samples five times a second: the small capture is read in about one
else
  fuzz_captures=1000000 fuzz_endpoint=1000000 hold=1h capture_scale=3000 agreement_scale=300
fi
logs=$top/bench/out/nightly-$(date +%Y%m%d-%H%M%S)
mkdir -p "$logs"
results=()

# step NAME LIMIT FIGURE-PATTERN COMMAND...: runs COMMAND with a time limit, logs it, keeps its figures.
step() {
  local name=$1 limit=$2 pattern=$3; shift 3
  say "$name (at most $limit)"
  local t0=$SECONDS rc=0
  timeout --foreground -k 30s "$limit" "$@" >"$logs/$name.log" 2>&1 || rc=$?
  local verdict=ok
  [ "$rc" -eq 124 ] && verdict="TIME LIMIT" || { [ "$rc" -ne 0 ] && verdict="FAILED (exit $rc)"; }
  local figures
  if [ "$pattern" = MEMORY ]; then
    figures=$(memory_figures "$logs/$name.log")
  else
    # Lines printed more than once (one per state, say) are counted, not repeated.
    figures=$(grep -E -o "$pattern" "$logs/$name.log" | sort | uniq -c | sort -k2 \
      | awk '{ c = $1; sub(/^ *[0-9]+ /, ""); print (c > 1 ? c " × " : "") $0 }' | paste -sd ';' -)
  fi
  results+=("$(printf '%-16s %-16s %6ss  %s' "$name" "$verdict" $((SECONDS - t0)) "${figures:-(no figures printed)}")")
}

# The samples memory-flat.sh prints (seconds, RSS MB, heap MB), summed up after the first quarter
# (start-up and JIT): flat means the range stays narrow however long the run.
memory_figures() {
  awk 'BEGIN { n = 0 }
       $1 ~ /^[0-9.]+$/ && $2 ~ /^[0-9]+$/ { t[n] = $1; r[n] = $2; h[n] = $3; n++ }
       END { if (n == 0) { print "no samples"; exit }
             if (n < 4) { hi = 0; for (i = 0; i < n; i++) if (r[i] > hi) hi = r[i]
                          printf "%d samples over %.1f s, too few to show a trend; RSS up to %d MB", n, t[n-1], hi; exit }
             s = int(n / 4); lo = hi = r[s]; hlo = hhi = "-"   # "-": the heap not sampled yet
             for (i = s; i < n; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i]
                                       if (h[i] == "-") continue
                                       if (hlo == "-" || h[i] + 0 < hlo + 0) hlo = h[i]
                                       if (hhi == "-" || h[i] + 0 > hhi + 0) hhi = h[i] }
             printf "%d samples over %.1f s; from %.1f s on: RSS %d-%d MB, heap used %s-%s MB", n, t[n-1], t[s], lo, hi, hlo, hhi }' "$1"
}

# Maven's tests with the figures they print (timeout runs programs, not shell functions).
mvn_test=(mvn -B -ntp -q -f "$top/pom.xml" -Dstyle.color=never -Dtcplab.requireLive=true test)

step fuzz-captures 60m 'fuzz: [0-9]+ inputs in [0-9.]+ s.*' \
  "${mvn_test[@]}" -Dtest=AnalysisFuzzTest -Dtcplab.fuzz.inputs=$fuzz_captures -Dtcplab.fuzz.seconds=3000
step fuzz-endpoint 60m 'endpoint fuzz: [0-9]+ inputs in a state' \
  "${mvn_test[@]}" -Dtest=EndpointFuzzTest -Dtcplab.fuzz.endpoint=$fuzz_endpoint
step loss 20m '(loss [0-9]+ %|reordering): [a-z]+( in [0-9.]+ s)?' \
  "${mvn_test[@]}" -Dtest='LossLiveTest,BulkLiveTest'
capture=$top/bench/out/kernel-scale-$capture_scale.pcap
step memory-analyze 60m MEMORY \
  bash -c "[ -f '$capture' ] || '$top/bench/make-capture.sh' '$capture' $capture_scale 128; '$top/bench/memory-flat.sh' analyze '$capture'"
step memory-hold 75m MEMORY \
  "$top/bench/memory-flat.sh" hold "$hold"
# tshark holds the whole file's analysis in memory (~1 GB for 1.5 M packets), so not the 14 M capture.
agreement_capture=$top/bench/out/kernel-scale-$agreement_scale.pcap
step tshark-agreement 40m '[0-9]+ segments, [0-9]+ differ' \
  bash -c "[ -f '$agreement_capture' ] || '$top/bench/make-capture.sh' '$agreement_capture' $agreement_scale 128; '$top/bench/tshark-agreement.sh' '$agreement_capture'"

echo
echo "nightly run $(date -Is), logs in $logs"
printf '%-16s %-16s %7s  %s\n' step verdict time "figures (the last lines of each; RSS/heap samples in MB)"
failed=0
for r in "${results[@]}"; do
  echo "$r"
  case "$r" in *" ok "*) ;; *) failed=1 ;; esac
done
exit $failed
