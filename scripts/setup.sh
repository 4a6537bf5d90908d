#!/usr/bin/env bash
# Installs what Gregor needs to build and test, when missing: Debian packages (apt) and the
# Node.js test client (npm, into tests/node). Idempotent and quiet when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_PKGS=(build-essential cmake ninja-build ccache pkg-config python3
  libasio-dev libfmt-dev libspdlog-dev libcli11-dev zlib1g-dev libsnappy-dev liblz4-dev
  libzstd-dev libssl-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  librdkafka-dev)
TEST_PKGS=(kcat python3-confluent-kafka python3-kafka python3-pytest
  python3-snappy python3-lz4 python3-zstandard
  clang libclang-rt-14-dev iperf3 procps iproute2 nftables)
# Node.js may come from Debian or from the machine image; install Debian's only when absent.
if ! command -v node >/dev/null 2>&1; then TEST_PKGS+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then TEST_PKGS+=(npm); fi

want=("${BUILD_PKGS[@]}")
if [ "${1:-}" = "--test" ]; then want+=("${TEST_PKGS[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci when any dependency of tests/node is missing (not only kafkajs: the codec packages too).
node_deps_present() {
  (cd tests/node && node -e 'for (const d of Object.keys(require("./package.json").dependencies))
    require.resolve(d + "/package.json")' 2>/dev/null)
}
if [ "${1:-}" = "--test" ] && [ -f tests/node/package.json ] && ! node_deps_present; then
  echo "setup: installing kafkajs and its codecs (npm)"
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
fi
