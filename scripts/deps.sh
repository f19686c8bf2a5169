# Shared by ./tcplab and ./run-tests: find what is missing, install it with apt when root, build the jar.
# Sourced, not run. Everything it says goes to stderr so that stdout stays the tool's own.

say() { printf 'tcplab: %s\n' "$*" >&2; }

is_root() { [ "$(id -u)" -eq 0 ]; }

java_ok() {
  command -v javac >/dev/null 2>&1 || return 1
  local v
  v=$(javac -version 2>&1 | awk '{print $2}' | cut -d. -f1)
  [ -n "$v" ] && [ "$v" -ge 17 ] 2>/dev/null
}

libpcap_ok() {
  ldconfig -p 2>/dev/null | grep -q 'libpcap\.so' && return 0
  ls /usr/lib/*/libpcap.so* /lib/*/libpcap.so* /usr/lib64/libpcap.so* >/dev/null 2>&1
}

# Prints the apt packages that are missing; $1 = "test" adds what the tests use as independent witnesses.
missing_packages() {
  local pkgs=()
  java_ok || pkgs+=("JDK")
  command -v mvn >/dev/null 2>&1 || pkgs+=(maven)
  libpcap_ok || pkgs+=(libpcap0.8)
  { command -v ip >/dev/null 2>&1 && command -v ss >/dev/null 2>&1; } || pkgs+=(iproute2)
  command -v iptables >/dev/null 2>&1 || pkgs+=(iptables)
  command -v ethtool >/dev/null 2>&1 || pkgs+=(ethtool)
  command -v sysctl >/dev/null 2>&1 || pkgs+=(procps)   # sysctl in the lab's namespaces; /bin/kill
  if [ "${1:-}" = test ]; then
    command -v tshark >/dev/null 2>&1 || pkgs+=(tshark)
    command -v tcpdump >/dev/null 2>&1 || pkgs+=(tcpdump)
    command -v chromium >/dev/null 2>&1 || pkgs+=(chromium)   # renders the HTML ladder page in a test
  fi
  printf '%s\n' "${pkgs[@]}"
}

# The JDK package this distribution offers: 17 where it exists (Debian 12, Ubuntu 22.04/24.04), else the default.
jdk_package() {
  if apt-cache show openjdk-17-jdk-headless >/dev/null 2>&1; then echo openjdk-17-jdk-headless
  else echo default-jdk-headless; fi
}

ensure_packages() {
  local want
  want=$(missing_packages "${1:-}")
  [ -z "$want" ] && return 0
  if ! is_root; then
    say "missing: $(echo $want). Run as root (sudo) so that tcplab can install them with apt, or install them yourself."
    exit 3
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing: $(echo $want), and there is no apt-get here to install them: install them yourself."
    exit 3
  fi
  export DEBIAN_FRONTEND=noninteractive
  say "installing with apt: $(echo $want)"
  apt-get update -qq >&2
  local pkgs=()
  for p in $want; do
    if [ "$p" = JDK ]; then pkgs+=("$(jdk_package)"); else pkgs+=("$p"); fi
  done
  # tshark asks whether non-root users may capture; the default answer (no) is fine here.
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${pkgs[@]}" >&2
}

# Builds target/tcplab.jar when it is missing or older than any source file or the pom.
ensure_jar() {
  local top=$1 jar=$1/target/tcplab.jar
  if [ -f "$jar" ] && [ -z "$(find "$top/src/main" "$top/pom.xml" -newer "$jar" -print -quit)" ]; then
    return 0
  fi
  say "building target/tcplab.jar with Maven (the first build downloads dependencies: a minute or two)"
  (cd "$top" && mvn -q -B -Dstyle.color=never -DskipTests package >&2) || { say "the build failed; see Maven's messages above"; exit 3; }
}
