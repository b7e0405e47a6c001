#!/usr/bin/env bash
# SoftHSM2 for the client's PKCS#11 signer tests (tests/Restcomm.DevNetwork.Tests, Pkcs11SignerTests): installs
# Debian's softhsm2 when absent. The tests make their own token directory and tokens. Idempotent and quiet when
# already installed; locally a failed install only makes those tests skip, in CI (CI=true) it fails the run.
set -uo pipefail

say() { echo "tests/setup/softhsm.sh: $*" >&2; }

if [ -e /usr/lib/softhsm/libsofthsm2.so ] && command -v softhsm2-util >/dev/null; then
  exit 0
fi

install() {
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q softhsm2 >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q softhsm2 >/dev/null 2>&1; }
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q softhsm2 >/dev/null 2>&1 \
      || { sudo apt-get update -q >/dev/null 2>&1 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q softhsm2 >/dev/null 2>&1; }
  else
    return 1
  fi
}

say "installing Debian's softhsm2..."
if install && [ -e /usr/lib/softhsm/libsofthsm2.so ]; then
  exit 0
fi
say "softhsm2 could not be installed; the PKCS#11 signer tests will skip."
if [ "${CI:-}" = "true" ]; then
  exit 1
fi
exit 0
