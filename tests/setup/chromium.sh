#!/usr/bin/env bash
# Chromium for the headless-browser tests (the API reference page and the regulator's dashboard in
# tests/Restcomm.Gateway.Browser.Tests, the live dashboard in tests/Restcomm.Audit.EndToEnd.Tests): installs
# Debian's package when absent. Playwright drives this browser; it never downloads one of its own.
# Without it the browser tests skip and say why; nothing here fails the test run.
set -uo pipefail

say() { echo "tests/setup/chromium.sh: $*" >&2; }

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  say "Chromium is not installed and installing needs root; the browser test will skip."
  exit 0
fi

say "installing Chromium from Debian's packages..."
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }; then
  say "apt-get could not install Chromium; the browser test will skip."
fi
exit 0
