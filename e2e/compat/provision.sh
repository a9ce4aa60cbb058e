#!/usr/bin/env bash
# Provides the official RedisAI clients the compatibility suite (e2e/test/compat-clients.test.ts)
# drives, unchanged, from their registries, under .cache/compat:
#   - redisai-py 1.3.0 and 0.5.0 from PyPI, each in its own venv (with the numpy, and for 0.5.0
#     the redis-py, of their time);
#   - redisai-go v1.0.1 from the Go module proxy, built into a small driver program (go/); Go
#     comes from Debian's golang-go when the machine has no `go`.
# Idempotent: stamps naming the pins, and the driver's own sources, mark what is done.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE="$REPO/.cache/compat"
log() { echo "[provision-compat] $*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# venv NAME PIN... : a venv at .cache/compat/NAME with exactly these pins.
venv() {
  local name="$1"
  shift
  local dir="$CACHE/$name"
  local stamp
  stamp="$dir/.pins-$(printf '%s\n' "$@" | md5sum | cut -c1-12)"
  if [ -f "$stamp" ]; then
    log "$name present"
    return
  fi
  log "creating $dir with $*"
  rm -rf "$dir"
  mkdir -p "$CACHE"
  /usr/bin/python3 -m venv "$dir"
  "$dir/bin/pip" install --quiet --no-cache-dir --disable-pip-version-check "$@"
  touch "$stamp"
}

venv redisai-py-1.3.0 redisai==1.3.0 numpy==1.26.4
venv redisai-py-0.5.0 redisai==0.5.0 redis==3.5.3 numpy==1.26.4 six==1.17.0

if ! command -v go >/dev/null 2>&1; then
  log "installing golang-go"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends golang-go
fi
DRIVER="$CACHE/redisai-go-1.0.1"
SOURCES_SUM="$(cat "$HERE/go/go.mod" "$HERE/go/go.sum" "$HERE/go/main.go" | md5sum | cut -c1-12)"
if [ -x "$DRIVER" ] && [ "$(cat "$DRIVER.sum" 2>/dev/null)" = "$SOURCES_SUM" ]; then
  log "redisai-go driver present"
else
  log "building the redisai-go v1.0.1 driver with $(go version)"
  (
    cd "$HERE/go"
    GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build" GOFLAGS=-modcacherw go build -mod=readonly -o "$DRIVER" .
  )
  echo "$SOURCES_SUM" > "$DRIVER.sum"
fi
