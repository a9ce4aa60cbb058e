#!/usr/bin/env node
// Builds the native addon (build/Release/modelkv_tf.node) with node-gyp against the libtensorflow
// located by libtensorflow.mjs. When tfjs-node-gpu has no libtensorflow yet and an offline mirror
// is at hand (MODELKV_TF_MIRROR, or .cache/libtensorflow of the repository this package sits in,
// made by provision.sh), tfjs-node-gpu's install script is run against it first.
// `--if-needed` (the package's install script) does nothing when the addon and libtensorflow are
// there, and only reports when libtensorflow cannot be had.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installTfjsOffline } from './install-tfjs-offline.mjs';
import { libtensorflowDir, missingParts } from './libtensorflow.mjs';

const require = createRequire(import.meta.url);
const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const addon = join(packageDir, 'build', 'Release', 'modelkv_tf.node');
const ifNeeded = process.argv.includes('--if-needed');

let dir;
try {
  dir = libtensorflowDir();
} catch (err) {
  fail(`@tensorflow/tfjs-node-gpu is not installed (${err instanceof Error ? err.message : String(err)})`);
}
if (ifNeeded && existsSync(addon) && !missingParts(dir)) process.exit(0);
const mirror = process.env.MODELKV_TF_MIRROR ?? join(packageDir, '..', '..', '.cache', 'libtensorflow');
if (missingParts(dir) && !process.env.MODELKV_LIBTENSORFLOW && existsSync(mirror)) {
  try {
    await installTfjsOffline(mirror);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
}
const missing = missingParts(dir);
if (missing) {
  fail(
    `libtensorflow is incomplete in ${dir} (missing ${missing.join(', ')}). ` +
      "@tensorflow/tfjs-node-gpu's install script downloads it; offline, run packages/backend-tf/scripts/provision.sh " +
      'or point MODELKV_LIBTENSORFLOW at a folder with lib/ and include/.',
  );
}

const args = [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild', `--jobs=${process.env.JOBS ?? '2'}`];
// Distribution packages of Node ship its headers; use them rather than downloading.
if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
const result = spawnSync(process.execPath, args, {
  cwd: packageDir,
  stdio: 'inherit',
  env: { ...process.env, MODELKV_LIBTENSORFLOW: dir },
});
if (result.status !== 0) process.exit(result.status ?? 1);

function fail(message) {
  if (ifNeeded) {
    console.warn(`[backend-tf] native addon not built yet: ${message}`);
    process.exit(0);
  }
  console.error(`[backend-tf] cannot build the native addon: ${message}`);
  process.exit(1);
}
