# Shared by ./tcplab and ./run-tests: find what is missing, install it with apt when root, build the jar.
# Sourced, not run. Everything it says goes to stderr so that stdout stays the tool's own.

say() { printf 'tcplab: %s\n' "$*" >&2; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Where no locale is set, or the C/POSIX one, the JVM reads arguments and file names as ASCII: under
# `env -i`, cron or a container, `tcplab analyze 抓包.pcap` could not open its file. LC_CTYPE=C.UTF-8
# then, as Python does (PEP 538); an explicit LC_ALL is obeyed. (A locale that is set but not installed
# cannot be mended so: glibc then refuses the whole environment, and the JVM takes C.) No process.
utf8_ctype() {
  [ -z "${LC_ALL:-}" ] || return 0
  case "${LC_CTYPE:-${LANG:-C}}" in C|POSIX) export LC_CTYPE=C.UTF-8 ;; esac
}

java_ok() {
  command -v javac >/dev/null 2>&1 || return 1
  local v
  # The JDK's release file first: `javac -version` starts a JVM, 0.3 s on every tcplab command.
  jdk_version_into v javac
  [ -n "$v" ] || v=$(javac -version 2>&1 | awk '{print $2}' | cut -d. -f1)
  [ -n "$v" ] && [ "$v" -ge 17 ] 2>/dev/null
}

libpcap_ok() {
  local f
  for f in /usr/lib/*/libpcap.so* /lib/*/libpcap.so* /usr/lib64/libpcap.so* /usr/lib/libpcap.so*; do
    [ -e "$f" ] && return 0   # a glob, not a process: this runs on every command
  done
  ldconfig -p 2>/dev/null | grep -q 'libpcap\.so'
}

# Puts the apt packages that are missing into the array named $1 (no subshell: the launcher runs this on
# every command); $2 = "test" adds what the tests use as independent witnesses.
missing_packages_into() {
  local -n _mp_out=$1
  _mp_out=()
  java_ok || _mp_out+=("JDK")
  command -v mvn >/dev/null 2>&1 || _mp_out+=(maven)
  libpcap_ok || _mp_out+=(libpcap0.8)
  { command -v ip >/dev/null 2>&1 && command -v ss >/dev/null 2>&1; } || _mp_out+=(iproute2)
  command -v iptables >/dev/null 2>&1 || _mp_out+=(iptables)
  command -v ethtool >/dev/null 2>&1 || _mp_out+=(ethtool)
  command -v sysctl >/dev/null 2>&1 || _mp_out+=(procps)   # sysctl in the lab's namespaces; /bin/kill
  if [ "${2:-}" = test ]; then
    command -v tshark >/dev/null 2>&1 || _mp_out+=(tshark)
    command -v tcpdump >/dev/null 2>&1 || _mp_out+=(tcpdump)
    command -v chromium >/dev/null 2>&1 || _mp_out+=(chromium)   # renders the HTML ladder page in a test
  fi
}

# The JDK package this distribution offers: 17 where it exists (Debian 12, Ubuntu 22.04/24.04), else the default.
jdk_package() {
  if apt-cache show openjdk-17-jdk-headless >/dev/null 2>&1; then echo openjdk-17-jdk-headless
  else echo default-jdk-headless; fi
}

ensure_packages() {
  local wanted=() want
  missing_packages_into wanted "${1:-}"
  [ ${#wanted[@]} -eq 0 ] && return 0
  want=${wanted[*]}
  if ! is_root; then
    say "missing: $want. Run as root (sudo) so that tcplab can install them with apt, or install them yourself."
    exit 3
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing: $want, and there is no apt-get here to install them: install them yourself."
    exit 3
  fi
  export DEBIAN_FRONTEND=noninteractive
  say "installing with apt: $want"
  apt-get update -qq >&2
  local pkgs=() p
  for p in "${wanted[@]}"; do
    if [ "$p" = JDK ]; then pkgs+=("$(jdk_package)"); else pkgs+=("$p"); fi
  done
  # tshark asks whether non-root users may capture; the default answer (no) is fine here.
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${pkgs[@]}" >&2
}

# Whether target/tcplab.jar is missing or older than the pom or anything under src/main (a directory
# too: adding or removing a file changes its time). Tests on a glob, not a `find` process: this runs on
# every command.
jar_is_stale() {
  local jar=$1/target/tcplab.jar f had_globstar=0 newer=
  [ -f "$jar" ] && ! [ "$1/pom.xml" -nt "$jar" ] || return 0
  shopt -q globstar && had_globstar=1
  shopt -s globstar
  for f in "$1"/src/main "$1"/src/main/**; do
    if [ "$f" -nt "$jar" ]; then newer=$f; break; fi
  done
  [ "$had_globstar" = 1 ] || shopt -u globstar
  [ -n "$newer" ]
}

# Builds target/tcplab.jar when it is missing or older than any source file or the pom.
ensure_jar() {
  local top=$1
  jar_is_stale "$top" || return 0
  say "building target/tcplab.jar with Maven (the first build downloads dependencies: a minute or two)"
  local status=0
  # Debian's Maven 3.8 writes colour resets (ESC[0m) even with -B and style.color=never: into logs they
  # come as garbage, so they are taken out.
  (cd "$top" && mvn -q -B -Dstyle.color=never -DskipTests package 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g' >&2
    exit "${PIPESTATUS[0]}") || status=$?
  [ "$status" -eq 0 ] && return 0
  # A jar half-written when the build stopped would look up to date to the next run.
  rm -f "$top/target/tcplab.jar"
  if [ "$status" -gt 128 ]; then
    say "the build was interrupted; the next run builds again"
    exit "$status"
  fi
  say "the build failed; see Maven's messages above"
  exit 3
}

# The feature version of the JDK that JAVA (a path or a command) belongs to, from its release file: no JVM
# is started for it. Prints it; empty when unknown.
jdk_version() {
  local v
  jdk_version_into v "$1"
  echo "$v"
}

release_version() {
  local v
  release_version_into v "$1"
  echo "$v"
}

# The same into the variable named $1, without a subshell: the launcher runs these on every command, and
# each process costs 3-5 ms on this project's virtual machines. A symlink (java on PATH is one, through
# /etc/alternatives) needs readlink only when it leads outside /usr/lib/jvm. The locals have odd names so
# that they cannot hide the caller's variable.
jdk_version_into() {
  local -n _jv_out=$1
  local _jv_bin=$2
  _jv_out=
  if [[ $_jv_bin != */* ]]; then
    hash "$_jv_bin" 2>/dev/null || return 0
    _jv_bin=${BASH_CMDS[$_jv_bin]}
  fi
  [ -x "$_jv_bin" ] || return 0
  if [ -L "$_jv_bin" ]; then
    # Usually a chain of links to a JDK under /usr/lib/jvm (Debian's alternatives): found by comparing
    # files (-ef), without a process; links that lead elsewhere (SDKMAN, /opt) are resolved by readlink.
    local _jv_d _jv_name=${_jv_bin##*/} _jv_found=
    for _jv_d in "${TCPLAB_JVM_DIR:-/usr/lib/jvm}"/*/; do
      if [ "$_jv_bin" -ef "${_jv_d}bin/$_jv_name" ]; then _jv_found=${_jv_d}bin/$_jv_name; break; fi
    done
    _jv_bin=${_jv_found:-$(readlink -f "$_jv_bin")} || return 0
  fi
  release_version_into _jv_out "${_jv_bin%/bin/*}/release"
}

release_version_into() {
  local -n _rv_out=$1
  local _rv_line
  _rv_out=
  [ -r "$2" ] || return 0
  while IFS= read -r _rv_line; do
    case $_rv_line in JAVA_VERSION=*) _rv_line=${_rv_line#JAVA_VERSION=\"}; _rv_out=${_rv_line%%[.\"]*}; return ;; esac
  done < "$2"
}

# JVM options for reading captures (analyze, replay): a fixed small heap keeps RSS flat whatever the
# file's size (memory follows open connections, not the file), and the serial collector leaves the
# second core to the JIT (bench/analyze-speed.sh measured both). The start-up cache is made with them.
# The others cut the JIT's work, which on 2 cores competes with the reader (docs/performance.md; the JIT's
# log of a 1.54 M packet run). The JSON writer's small per-member methods (AnalysisJson's *Field) are
# called, not inlined, so that Jackson's generator is inlined once into each of them instead of 40
# times into one huge method (0.4 s to compile); its segment() is called too, or the analysis' main
# method, which calls it, takes 0.25-0.3 s instead of 0.1 s to compile and reaches the reader later.
# No uncommon traps, so the hot methods are not thrown away and compiled again mid-file when a branch
# the training never took turns up (the analysis' main method was compiled 4 times). C2's work fell
# from 1.5 to 0.9 s; JSON of that file 2.12 -> 1.86 s on JDK 25 with the cache, 2.72 -> 2.28 s on
# JDK 17, when the generator itself was kept from inlining (two calls a member instead of one; the
# helpers then took it 1.508 -> 1.402 s, 12 alternating launches, and segment() kept apart 1.504 ->
# 1.431 s, 30 each). `quiet` keeps the JVM from announcing the commands on stdout, inside the JSON.
# What outlives one young collection (open connections, mostly) goes straight to the old generation
# instead of being copied between survivor spaces up to 15 times: the 1.54 M file's collections took
# 82 instead of 109 ms, and the run 1.74 -> 1.69 s and 1.78 -> 1.74 s (10 alternating launches each);
# a 6 M packet file 5.3-5.9 instead of 6.3-6.5 s, peak RSS 113-115 instead of 110 MB, no full collection.
# The heap in transparent huge pages where the kernel offers them on request (madvise, the default of
# Debian and Ubuntu): a first touch of a heap page is a page fault, which costs more than usual on
# these virtual machines, and 2 MB pages need 512 times fewer. 1.54 M packets: 1.744 -> 1.655 s and
# 1.896 -> 1.796 s (12 alternating launches each), a 1 KB capture 0.247 -> 0.219 s; peak RSS ~100 ->
# ~123 MB. Where the kernel has them off, the JVM would say so on stdout, inside the JSON: hence
# -Xlog:pagesize=off.
# The methods a segment reaches only at a connection's start or end, or on a rare layout (opening a
# connection, its summary, the SYN and FIN rules, the handshake's note, the options' general parser, an
# event set or SYN option not seen before) are called, not inlined. JDK 25 leaves them out on its own
# (a call site reached on under a quarter of the calls is not "frequent"), but JDK 17, what Debian 12
# installs, inlines a method of up to 325 bytes at any call site reached 100 times: its optimising
# compiler took 0.30 s over the analysis' main method, with 17 KB of bytecode inlined, while the reader
# waited in slower code (0.05-0.08 s with these, C2's work 1.03 -> 0.75 s). JDK 17, alternating launches:
# JSON of the first 1,000,000 packets 1.257 -> 1.060 s (10 each), of 1.58 M 1.73 -> 1.43-1.49 s, the
# summary 1.415 -> 1.073 s (6 each); JDK 25 the same (0.937, 0.931 s); warm, in one JVM, the same.
# So are an endpoint's text and SACK blocks' (string concatenation, compiled as StringBuilder chains:
# -XDstringConcat=inline in the pom): inlined, they made 5 KB of the JSON writer's endpoint and options
# methods, which JDK 17 compiled for 55 and 96 ms ahead of the analysis' main method. Kept apart, the
# first 1,000,000 packets' JSON: JDK 17 1.035 -> 0.970 s, JDK 25 0.888 -> 0.877 s (10 alternating each).
READING_JVM_OPTIONS=(-XX:+UseSerialGC -Xmx160m -Xmn32m -XX:MaxTenuringThreshold=0
  -XX:+UseTransparentHugePages -Xlog:pagesize=off -XX:PerMethodTrapLimit=0 -XX:CompileCommand=quiet
  -XX:CompileCommand=dontinline,dev.tcplab.analysis.AnalysisJson::*Field
  -XX:CompileCommand=dontinline,dev.tcplab.analysis.AnalysisJson::segment
  -XX:CompileCommand=dontinline,dev.tcplab.analysis.Analyzer::open
  -XX:CompileCommand=dontinline,'dev.tcplab.analysis.Analyzer$FlowKey::of'
  -XX:CompileCommand=dontinline,dev.tcplab.analysis.Analyzer::reusesTuple
  -XX:CompileCommand=dontinline,dev.tcplab.analysis.Analyzer::handshakeNote
  -XX:CompileCommand=dontinline,dev.tcplab.analysis.Connection::summary
  -XX:CompileCommand=dontinline,dev.tcplab.analysis.StateObserver::sentSyn
  -XX:CompileCommand=dontinline,dev.tcplab.analysis.StateObserver::sentFin
  -XX:CompileCommand=dontinline,dev.tcplab.analysis.StateObserver::receiveFin
  -XX:CompileCommand=dontinline,dev.tcplab.analysis.StateObserver::acceptableReset
  -XX:CompileCommand=dontinline,dev.tcplab.analysis.AnalysisJson::eventsJsonOf
  -XX:CompileCommand=dontinline,dev.tcplab.analysis.AnalysisJson::repeatingOptionJson
  -XX:CompileCommand=dontinline,dev.tcplab.wire.TcpOptions::parseAny
  -XX:CompileCommand=dontinline,dev.tcplab.wire.HostPort::toString
  -XX:CompileCommand=dontinline,'dev.tcplab.wire.TcpOption$Sack::describe')

# The JVM that reads captures (`tcplab analyze`): the newest JDK of 17 or later, `java` on PATH or one
# under /usr/lib/jvm, or $TCPLAB_JAVA. Measured on a 1.54 M packet capture (2 cores): JDK 17 3.2-3.6 s, JDK 25
# 2.6-3.0 s, JDK 25 with the AOT cache below 2.2-2.3 s. Live commands keep `java` from PATH, the JDK the
# tests run on.
reading_java() {
  local _rj_java _rj_version
  reading_java_into _rj_java _rj_version
  echo "$_rj_java"
}

# The same into the variable named $1, and that JDK's feature version into the one named $2 (empty when
# unknown): no subshell, and the launcher needs both.
reading_java_into() {
  local -n _ri_java=$1 _ri_version=$2
  if [ -n "${TCPLAB_JAVA:-}" ]; then
    _ri_java=$TCPLAB_JAVA
    jdk_version_into _ri_version "$TCPLAB_JAVA"
    return
  fi
  local _ri_best=java _ri_bestv _ri_d _ri_v
  jdk_version_into _ri_bestv java   # java on PATH counts too (a JDK installed by hand or by SDKMAN)
  _ri_bestv=${_ri_bestv:-0}
  for _ri_d in "${TCPLAB_JVM_DIR:-/usr/lib/jvm}"/*/; do
    [ -x "${_ri_d}bin/java" ] || continue
    release_version_into _ri_v "${_ri_d}release"
    if [ -n "$_ri_v" ] && [ "$_ri_v" -ge 17 ] && [ "$_ri_v" -gt "$_ri_bestv" ]; then
      _ri_best=${_ri_d}bin/java
      _ri_bestv=$_ri_v
    fi
  done
  _ri_java=$_ri_best
  _ri_version=$_ri_bestv
  [ "$_ri_version" = 0 ] && _ri_version=
  return 0
}

# What `tcplab analyze ARGS...` will print, into the variable named $1: json, or text (the ladder, the
# table, the pictures). Each has a start-up cache of its own (below). A wrong guess costs start-up time,
# never a result: picocli parses the arguments, this only picks the cache.
reading_kind_into() {
  local -n _rk_kind=$1; shift
  local _rk_next
  _rk_kind=text
  while [ $# -gt 0 ]; do
    _rk_next=${2:-}
    case ${1,,} in                                   # picocli takes the format's name in any case
      --) return 0 ;;
      --format=json) _rk_kind=json ;;
      --format) [ "${_rk_next,,}" = json ] && _rk_kind=json ;;
    esac
    shift
  done
}

# Prints the JVM options that use an AOT cache (JDK 25 and later: classes loaded and linked, and the JIT's
# profiles, from a training run) for reading captures with JAVA into output of KIND (reading_kind_into) and
# the options after it; makes the cache once per build, JDK and kind, from the sample capture repeated ten
# times (~40 k packets, a few seconds). Prints nothing where there is no such JDK or the cache cannot be made.
aot_cache_options() {
  local _ao_options=() _ao_version
  jdk_version_into _ao_version "$2"
  aot_cache_options_into _ao_options "$1" "$2" "$_ao_version" "${@:3}"
  echo "${_ao_options[*]}"
}

# The same into the array named $1, for TOP JAVA, JAVA's feature version and KIND (no subshell). JDK 17 to
# 24 get a class-data archive instead (class_archive_options_into), one for both kinds.
# A cache per kind, because it also holds the JIT's profiles: in one trained on both, every call from the
# analysis to its output had seen two kinds of receiver, and the JSON of a million packets took 0.93 s
# instead of 0.88 s; with the JSON's cache, the ladder and the table took 25-75 ms longer than with their
# own (docs/performance.md).
aot_cache_options_into() {
  local -n _ac_out=$1
  local top=$2 java=$3 v=$4 kind=$5; shift 5
  _ac_out=()
  [ -n "$v" ] && [ "$v" -ge 17 ] 2>/dev/null || return 0
  if [ "$v" -lt 25 ]; then
    class_archive_options_into _ac_out "$top" "$java" "$v" "$@"
    return 0
  fi
  local jar=$top/target/tcplab.jar dir=$top/target/aot
  local cache=$dir/analyze-jdk$v-$kind.aot sample=$top/captures/kernel-mix.pcap
  if [ ! -f "$cache" ] || [ "$jar" -nt "$cache" ]; then
    [ -f "$sample" ] && [ -w "$top/target" ] || return 0
    say "preparing ${cache##*/}, a start-up cache for reading captures with JDK $v (once per build)"
    mkdir -p "$dir"
    local training=$dir/training-$kind.$$.pcap format=()
    [ "$kind" = json ] && format=(--format json)
    { cat "$sample"; for _ in 1 2 3 4 5 6 7 8 9; do tail -c +25 "$sample"; done; } > "$training"
    JAVA_TOOL_OPTIONS= "$java" -XX:AOTCacheOutput="$cache" "$@" -jar "$jar" analyze "${format[@]}" "$training" \
      >/dev/null 2>&1 || rm -f "$cache"
    rm -f "$training" "$cache.config"
    [ -f "$cache" ] || { say "could not make the cache; reading without it"; return 0; }
  fi
  # A cache the JVM cannot use (a JDK update) is skipped silently rather than reported on stdout.
  _ac_out=("-XX:AOTCache=$cache" -Xlog:aot=off -Xlog:cds=off)
}

# JDK 17 to 24 (what Debian and Ubuntu install) have no start-up cache of that kind, but can map the
# classes `analyze` loads, already parsed and verified, from a class-data archive (AppCDS), made once
# per build and JDK from the classes two runs over the sample capture loaded, one writing JSON and one the
# ladder. A 1 KB capture: 0.43 -> 0.33 s on JDK 17 (medians of 8 alternating launches); the 1.59 M packet
# file within the noise; the ladder's classes added, its 1 KB capture 0.150 -> 0.140 s. A
# dynamic archive (-XX:ArchiveClassesAtExit) was tried first and left two of the JSON writer's methods
# in the interpreter, twice as slow on the big file (docs/performance.md). The archive is written under
# another name and renamed when whole: JDK 17 crashes (SIGBUS) on a truncated one. One the JVM cannot use (made
# by another build of the JDK) is skipped, silently with -Xlog:cds=off.
class_archive_options_into() {
  local -n _ca_out=$1
  local top=$2 java=$3 v=$4; shift 4
  local jar=$top/target/tcplab.jar dir=$top/target/aot
  local archive=$dir/analyze-jdk$v.jsa sample=$top/captures/kernel-mix.pcap
  if [ ! -f "$archive" ] || [ "$jar" -nt "$archive" ]; then
    [ -f "$sample" ] && [ -w "$top/target" ] || return 0
    say "preparing ${archive##*/}, a class-data archive for reading captures with JDK $v (once per build)"
    mkdir -p "$dir"
    # Names of this process's own: two launches right after a build may both make it, and the last
    # rename wins with a whole archive either way.
    local list=$dir/analyze-jdk$v.classes.$$ partial=$dir/analyze-jdk$v.jsa.$$
    # The classes of both kinds of output, JSON and text, in one list (an archive holds no profiles to mix).
    if JAVA_TOOL_OPTIONS= "$java" -XX:DumpLoadedClassList="$list.json" "$@" -jar "$jar" analyze --format json \
         "$sample" >/dev/null 2>&1 \
       && JAVA_TOOL_OPTIONS= "$java" -XX:DumpLoadedClassList="$list.text" "$@" -jar "$jar" analyze "$sample" \
         >/dev/null 2>&1 \
       && awk '!seen[$0]++' "$list.json" "$list.text" > "$list" \
       && JAVA_TOOL_OPTIONS= "$java" -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$partial" \
         "$@" -cp "$jar" >/dev/null 2>&1 && [ -s "$partial" ]; then
      mv -f "$partial" "$archive"
    else
      rm -f "$partial" "$archive"
    fi
    rm -f "$list" "$list.json" "$list.text"
    [ -f "$archive" ] || { say "could not make the archive; reading without it"; return 0; }
  fi
  _ca_out=("-XX:SharedArchiveFile=$archive" -Xlog:cds=off)
}
