#!/usr/bin/env bash
# One-time (idempotent) set-up for a fresh Debian machine: the Debian packages the flow uses and
# the npm dependencies. Fast when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the stages run (binary name -> package): synthesis, simulation, and the physical flow.
APT_TOOLS=(yosys:yosys iverilog:iverilog verilator:verilator qflow:qflow graywolf:graywolf qrouter:qrouter tcsh:tcsh magic:magic netgen-lvs:netgen-lvs klayout:klayout sta:opensta)
# Files the flow needs from Debian packages (path -> package): a font for the images.
APT_FILES=(/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:fonts-dejavu-core)
APT_TOOLS+=(chromium:chromium)  # opens the HTML report in the tests
APT_TOOLS+=(sbatch:slurm-client slurmctld:slurmctld slurmd:slurmd munged:munge)  # --executor slurm, and the one-node cluster the tests start (tools/slurm-local.sh)
missing=()
for pair in "${APT_TOOLS[@]}"; do
  bin="${pair%%:*}"; pkg="${pair##*:}"
  command -v "$bin" >/dev/null 2>&1 || missing+=("$pkg")
done
for pair in "${APT_FILES[@]}"; do
  file="${pair%%:*}"; pkg="${pair##*:}"
  [ -e "$file" ] || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm dependencies, reinstalled only when package-lock.json changed.
stamp=node_modules/.hardwire-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
