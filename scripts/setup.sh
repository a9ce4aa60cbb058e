#!/usr/bin/env bash
# Installs everything modelkv needs on Debian bookworm with Node 20, then installs and builds
# the workspace. Idempotent: on a machine that already has everything it only checks and
# lets pnpm and turbo confirm the install and the build are up to date.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT="$(pwd)"

APT_PACKAGES=(
  redis-server redis-tools python3-redis
  python3-torch python3-torchvision python3-onnx python3-numpy libtorch-dev
  python3-venv python3-pip build-essential clang-format
)
PNPM_VERSION=9.15.9

log() { printf '[setup] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

install_apt_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    installed "$pkg" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "system packages present"
    return
  fi
  log "installing ${missing[*]}"
  # Keep Debian from starting redis-server as a system service: the tests and the
  # benchmark start their own servers on free ports.
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod +x "$policy"
    added_policy=1
  fi
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  if [ "$added_policy" -eq 1 ]; then as_root rm -f "$policy"; fi
}

install_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [[ "$(pnpm --version)" == 9.* ]]; then
    log "pnpm $(pnpm --version) present"
    return
  fi
  log "installing pnpm $PNPM_VERSION"
  as_root npm install --global "pnpm@$PNPM_VERSION"
}

run_provision_scripts() {
  local script
  for script in packages/*/scripts/provision.sh e2e/compat/provision.sh; do
    [ -f "$script" ] || continue
    log "running $script"
    bash "$script"
  done
}

install_apt_packages
install_pnpm
run_provision_scripts

# onnxruntime-node's install step would fetch CUDA libraries from outside the registries.
export ONNXRUNTIME_NODE_INSTALL=skip
log "pnpm install"
pnpm install --frozen-lockfile
log "pnpm build"
pnpm build
log "done: 'pnpm start' runs the server, 'pnpm lint' lints, 'pnpm test' runs every test (in $REPO_ROOT)"
