#!/usr/bin/env bash
# Provides libtensorflow for @tensorflow/tfjs-node-gpu and this package on a machine that reaches
# PyPI but not TensorFlow's download host, keeping tfjs-node-gpu's own install path:
#   1. a venv at .cache/tf-venv with PyPI's tensorflow-cpu (its wheel carries libtensorflow_cc.so.2,
#      which exports the C API, libtensorflow_framework.so.2 and the C headers); the fixture
#      scripts under e2e/fixtures/tf run with this venv's python;
#   2. .cache/libtensorflow/libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz: the release tarball
#      tfjs-node-gpu asks for (lib/libtensorflow.so*, lib/libtensorflow_framework.so*, include/),
#      whose entries are symlinks into the wheel rather than copies of 700 MB;
#   3. tfjs-node-gpu's own install script, served that tarball by a loopback HTTP server
#      (install-tfjs-offline.mjs); it also builds tfjs_binding.node. Run before pnpm install, this
#      step waits: this package's install step runs install-tfjs-offline.mjs again once
#      node_modules holds tfjs-node-gpu.
# Idempotent: each step is skipped when its result is there. On a machine with internet none of
# this is needed: tfjs-node-gpu's install script downloads libtensorflow itself.
set -euo pipefail

PKG_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="$(cd "$PKG_DIR/../.." && pwd)"
TF_VERSION=2.18.1
# The libtensorflow version tfjs-node-gpu 4.22.0 names its download after (deps-constants.js).
TFJS_LIBTF_VERSION=2.9.1
VENV="$REPO/.cache/tf-venv"
MIRROR="$REPO/.cache/libtensorflow"
log() { echo "[provision-tf] $*"; }

# 1. The venv.
if [ ! -f "$VENV/.tensorflow-cpu-$TF_VERSION" ]; then
  log "creating $VENV with tensorflow-cpu==$TF_VERSION"
  rm -rf "$VENV"
  /usr/bin/python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --no-cache-dir --disable-pip-version-check "tensorflow-cpu==$TF_VERSION"
  touch "$VENV/.tensorflow-cpu-$TF_VERSION"
else
  log "$VENV has tensorflow-cpu $TF_VERSION"
fi
# Resolved, so that checkouts reaching one shared .cache through different links agree on it.
TF_DIR="$(realpath "$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/tensorflow")"
for f in libtensorflow_cc.so.2 libtensorflow_framework.so.2 include/tensorflow/c/c_api.h include/tensorflow/c/tf_tstring.h; do
  [ -e "$TF_DIR/$f" ] || { echo "[provision-tf] the tensorflow-cpu wheel lacks $f" >&2; exit 1; }
done

# 2. The tarball.
TARBALL="$MIRROR/libtensorflow-gpu-linux-x86_64-$TFJS_LIBTF_VERSION.tar.gz"
if [ ! -f "$TARBALL" ] || [ "$(cat "$MIRROR/source" 2>/dev/null)" != "$TF_DIR" ]; then
  log "laying out $TARBALL"
  rm -rf "$MIRROR"
  mkdir -p "$MIRROR/root/lib"
  (
    cd "$MIRROR/root/lib"
    # libtensorflow.so* is the C API library; tfjs's binding.gyp links -ltensorflow.
    for name in libtensorflow.so libtensorflow.so.2 "libtensorflow.so.$TFJS_LIBTF_VERSION" libtensorflow_cc.so.2; do
      ln -s "$TF_DIR/libtensorflow_cc.so.2" "$name"
    done
    for name in libtensorflow_framework.so libtensorflow_framework.so.2 "libtensorflow_framework.so.$TFJS_LIBTF_VERSION"; do
      ln -s "$TF_DIR/libtensorflow_framework.so.2" "$name"
    done
  )
  ln -s "$TF_DIR/include" "$MIRROR/root/include"
  tar -C "$MIRROR/root" -czf "$TARBALL" lib include
  rm -rf "$MIRROR/root"
  echo "$TF_DIR" > "$MIRROR/source"
fi

# 3. tfjs-node-gpu's own install script, against the loopback mirror.
node "$PKG_DIR/scripts/install-tfjs-offline.mjs" "$MIRROR"
