#!/usr/bin/env bash
# Installs the packages of tests/official-client (Hyperledger's Node gateway client) when the
# real-Fabric tests will run (FABRIC_BIN set) and Node.js is available. Quiet and idempotent; a
# failure only means the official-client test skips.
set -u
cd "$(dirname "$0")/../official-client" || exit 0
[ -n "${FABRIC_BIN:-}" ] || exit 0
command -v npm >/dev/null || exit 0
[ -d node_modules/@hyperledger/fabric-gateway ] && exit 0
npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 ||
  echo "tests/setup/official-client.sh: npm ci failed; the official-client check will be skipped" >&2
exit 0
