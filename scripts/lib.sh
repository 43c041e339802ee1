# shellcheck shell=bash
# Shared helpers for scripts/demo, scripts/test and .ci/run. Sourced, not run.

EDGEKIT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export EDGEKIT_ROOT
JOBS="${EDGEKIT_JOBS:-$(nproc 2>/dev/null || echo 2)}"
export JOBS

# ccache: the same compile in another build directory is a hit (the consumer
# tests compile edgekit's sources again inside their own projects).
export CCACHE_NOHASHDIR=1

log() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# ensure_packages PKG...: installs the Debian packages that are missing. As root
# it runs apt-get; otherwise it prints the exact command and fails.
ensure_packages() {
  local missing=()
  local p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "edgekit: missing packages (${missing[*]}) and no apt-get on this machine." >&2
    echo "Install their equivalents for your system and run again." >&2
    return 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "edgekit: missing packages. Run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# What building and testing edgekit needs on Debian bookworm.
EDGEKIT_BUILD_PACKAGES=(cmake make g++ pkg-config ccache ninja-build
  libabsl-dev libssl-dev libsimdjson-dev libxxhash-dev libhiredis-dev libevent-dev)
EDGEKIT_TEST_PACKAGES=(catch2 libbenchmark-dev redis-server libboost-dev libnghttp2-dev python3 curl)
EDGEKIT_CI_PACKAGES=(clang libclang-rt-14-dev llvm clang-format)
# Measurements by hand only (no test needs them): wrk for the proxy's hit path,
# nginx for examples/hostile/compare_nginx.py.
EDGEKIT_TOOL_PACKAGES=(wrk nginx-light)

# Pick a generator and a compiler launcher once.
cmake_common_args() {
  local args=()
  if command -v ninja >/dev/null 2>&1; then args+=(-G Ninja); fi
  if command -v ccache >/dev/null 2>&1; then args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  printf '%s\n' "${args[@]}"
}

# configure DIR [cmake args...]: configures once (re-running cmake is incremental).
configure() {
  local dir="$1"; shift
  local common=()
  mapfile -t common < <(cmake_common_args)
  cmake -S "$EDGEKIT_ROOT" -B "$dir" "${common[@]}" "$@"
}
