#!/usr/bin/env bash
# Builds and runs every test project in the solution, then prints one summary line
# ("N passed, N failed, N skipped") so the result reads the same locally and in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Optional services some test projects use (each script is idempotent and quiet when already set up).
for setup in tests/setup/*.sh; do
  [ -e "$setup" ] || continue
  bash "$setup"
done

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Restcomm.Fabric.sln --nologo 2>&1 | tee "$log" || status=$?

# Sum the per-assembly lines: "Passed!  - Failed:     0, Passed:    12, Skipped:     0, Total:    12, ..."
awk '
  /(Passed|Failed)! +- +Failed: / {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  { f += $(i + 1) + 0 }
      if ($i == "Passed:")  { p += $(i + 1) + 0 }
      if ($i == "Skipped:") { s += $(i + 1) + 0 }
    }
  }
  END { printf "%d passed, %d failed, %d skipped\n", p, f, s }
' "$log"
exit "$status"
