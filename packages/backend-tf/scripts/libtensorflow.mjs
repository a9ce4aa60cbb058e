#!/usr/bin/env node
// Locates the libtensorflow this package builds and runs against: MODELKV_LIBTENSORFLOW (a folder
// with lib/ and include/) when set, else the deps/ folder @tensorflow/tfjs-node-gpu installs.
// Run directly, it prints that folder (binding.gyp reads it this way).
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The folder holding lib/libtensorflow.so and include/tensorflow/c/c_api.h. */
export function libtensorflowDir() {
  const fromEnv = process.env.MODELKV_LIBTENSORFLOW;
  if (fromEnv) return fromEnv;
  return join(tfjsNodeGpuDir(), 'deps');
}

export function tfjsNodeGpuDir() {
  return realpathSync(dirname(require.resolve('@tensorflow/tfjs-node-gpu/package.json')));
}

/** What is missing from `dir` for building against it, or undefined when nothing is. */
export function missingParts(dir) {
  const need = ['lib/libtensorflow.so', 'include/tensorflow/c/c_api.h', 'include/tensorflow/c/tf_tstring.h'];
  const missing = need.filter((p) => !existsSync(join(dir, p)));
  return missing.length > 0 ? missing : undefined;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(libtensorflowDir());
}
