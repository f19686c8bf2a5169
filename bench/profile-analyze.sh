#!/usr/bin/env bash
# Where a launch of `tcplab analyze --format json` spends its time, for whoever next works on the
# speed goal (docs/performance.md). The launches go through ./tcplab, as bench/analyze-speed.sh's do
# (the same JVM, options and start-up cache):
#  1. RUNS of them (5) with async-profiler (tools.profiler:async-profiler from Maven Central) sampling
#     every thread;
#  2. one more with the JIT's log (-XX:+LogCompilation), which says when each method's optimised code
#     arrived.
# It prints, summed over the profiled launches, the CPU each thread took (main, the JIT's two
# compilers, GC), the main thread's time by the kind of code it ran (interpreter, quick compiler,
# optimising compiler) and its busiest methods; then the optimising compiler's queue: when it began
# each of tcplab's and Jackson's hot methods, and for how long.
#   sudo [RUNS=5] bench/profile-analyze.sh [FILE]     (default: the speed benchmark's capture)
# The raw material stays in bench/out/profile/: stacks-N.collapsed (for flame graphs) and compilation.log.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/capture-file.sh"
capture_file_into file "${1:-}"
out=$top/bench/out/profile
mkdir -p "$out"

version=4.1
agent=$out/async-profiler-$version/linux-x64/libasyncProfiler.so
if [ ! -f "$agent" ]; then
  say "fetching async-profiler $version from Maven Central (once)"
  mvn -q dependency:get -Dartifact="tools.profiler:async-profiler:$version" >&2
  jar=$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar
  rm -rf "$out/async-profiler-$version.partial"
  mkdir -p "$out/async-profiler-$version.partial"
  (cd "$out/async-profiler-$version.partial" && unzip -q "$jar" 'linux-x64/*')
  mv "$out/async-profiler-$version.partial" "$out/async-profiler-$version"
fi
command -v python3 >/dev/null || { say "installing python3 (summarises the profile)"; apt-get install -y -qq python3 >&2; }

# Made now if missing, so that no profiled launch makes it.
"$top/tcplab" analyze --summary --format json "$top/captures/handshake-echo-close.pcap" >/dev/null
# CPU time, not wall time: on 2 cores the main thread and the optimising compiler run side by side.
# itimer, because this virtual machine has no hardware counters for perf_events; its samples come at
# the kernel's tick (4 ms here), so several launches are summed.
runs=${RUNS:-5}
rm -f "$out"/stacks-*.collapsed
for run in $(seq "$runs"); do
  say "profiling launch $run of $runs (async-profiler, every thread)"
  JAVA_TOOL_OPTIONS="-agentpath:$agent=start,event=itimer,interval=1ms,ann,threads,collapsed,file=$out/stacks-$run.collapsed" \
    "$top/tcplab" analyze --format json "$file" >/dev/null 2>"$out/profiled.err" \
    || { cat "$out/profiled.err" >&2; exit 1; }
done
say "one more launch with the JIT's log"
JAVA_TOOL_OPTIONS="-XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=$out/compilation.log" \
  "$top/tcplab" analyze --format json "$file" >/dev/null 2>"$out/logged.err" \
  || { cat "$out/logged.err" >&2; exit 1; }
python3 "$top/bench/profile-analyze.py" "$out/compilation.log" "$out"/stacks-*.collapsed
