# Sourced by demo.sh and test.sh: installs the Debian 12 packages a step needs, only when one is missing,
# so a machine that already has them (or no network) is not slowed down.
install_packages() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What the library, its tools and the demo need.
core_packages=(ca-certificates g++ cmake ninja-build libboost1.81-dev libboost-json1.81-dev libssl-dev zlib1g-dev libcurl4-openssl-dev)
# What the whole test suite adds: a second compiler, sanitizer and fuzzer runtimes, Catch2, the amalgamation
# script, the consumer projects' tools, Redis with its C client for the shared rate limiter, Doxygen for the
# API reference, and python3-jsonschema for the OpenAPI contract (whose npm check needs node and npm: see
# install_node below).
test_packages=(catch2 clang-14 libclang-rt-14-dev python3 pkg-config curl openssl redis-server libhiredis-dev doxygen
               python3-jsonschema)

# node and npm from Debian, unless the machine already has them (a Node.js of its own, with its own npm, must not
# be replaced by Debian's packages).
install_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return 0
  install_packages nodejs npm
}
