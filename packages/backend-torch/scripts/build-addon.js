#!/usr/bin/env node
// Builds build/Release/modelkv_torch.node with node-gyp, only when a source is newer than it.
//   node scripts/build-addon.js            build (an error when libtorch is missing)
//   node scripts/build-addon.js --install  the package's install step: does nothing in a source
//                                          checkout (its "build" script builds) and only warns when
//                                          libtorch is missing, so installing never fails for it.
//   MODELKV_TORCH_REBUILD=1                rebuild even when up to date
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOW_TO_INSTALL, findLibtorch } from './find-libtorch.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ADDON = join(ROOT, 'build', 'Release', 'modelkv_torch.node');
const JOBS = '2';
const installMode = process.argv.includes('--install');

function log(msg) {
  process.stderr.write(`[backend-torch] ${msg}\n`);
}

function mtime(file) {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

function newestSource() {
  const files = [join(ROOT, 'binding.gyp'), join(ROOT, 'scripts', 'find-libtorch.js')];
  for (const f of readdirSync(join(ROOT, 'src'))) {
    if (/\.(cc|h)$/.test(f)) files.push(join(ROOT, 'src', f));
  }
  return Math.max(...files.map(mtime));
}

/** node-gyp from this package's dependencies, else the one npm/pnpm ship, else PATH. */
function nodeGypCommand() {
  try {
    return [process.execPath, createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js')];
  } catch {
    const bundled = process.env.npm_config_node_gyp;
    if (bundled && existsSync(bundled)) return [process.execPath, bundled];
    return ['node-gyp'];
  }
}

/** Headers of the running Node, when its install has them: avoids node-gyp's download. */
function nodedirArgs() {
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h')) && existsSync(join(prefix, 'include', 'node', 'common.gypi'))) {
    return [`--nodedir=${prefix}`];
  }
  log(`Node's headers are not in ${join(prefix, 'include', 'node')}; node-gyp will look for them in its cache or download them`);
  return [];
}

function nodeGyp(args) {
  const [cmd, ...pre] = nodeGypCommand();
  const r = spawnSync(cmd, [...pre, ...args, ...nodedirArgs()], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    log(`node-gyp ${args[0]} failed${r.error ? `: ${r.error.message}` : ''}`);
    process.exit(r.status ?? 1);
  }
}

function main() {
  if (installMode && existsSync(join(ROOT, 'src', 'index.ts'))) return; // source checkout: "build" builds
  if (!process.env.MODELKV_TORCH_REBUILD && mtime(ADDON) > newestSource()) {
    log('native addon is up to date');
    return;
  }
  let lt;
  try {
    lt = findLibtorch();
  } catch (err) {
    lt = undefined;
    if (!installMode) throw err;
  }
  if (!lt) {
    if (installMode) {
      log(`${HOW_TO_INSTALL}\nThe TORCH backend cannot load until libtorch is installed and the package is rebuilt.`);
      return;
    }
    log(HOW_TO_INSTALL);
    process.exit(1);
  }
  log(`building the native addon against libtorch from ${lt.source}`);
  if (process.env.MODELKV_TORCH_REBUILD) {
    nodeGyp(['rebuild', '-j', JOBS]);
    return;
  }
  // make rebuilds only what changed; configure again only when the build description did.
  const makefile = join(ROOT, 'build', 'Makefile');
  const configured = mtime(makefile) > Math.max(mtime(join(ROOT, 'binding.gyp')), mtime(join(ROOT, 'scripts', 'find-libtorch.js')));
  if (!configured) nodeGyp(['configure']);
  nodeGyp(['build', '-j', JOBS]);
}

main();
