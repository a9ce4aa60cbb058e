#!/usr/bin/env node
// Builds a backend package's native addon with node-gyp; run in the package directory.
//   modelkv-build-addon            configure when binding.gyp or a discovery script changed, then
//                                  `node-gyp build` (make rebuilds only what changed)
//   modelkv-build-addon --install  the package's install step: nothing when an addon is already
//                                  there (prebuilds/ or build/Release, as node-gyp-build loads
//                                  them) or in a source checkout (its "build" script builds);
//                                  otherwise a build whose failure is only reported, so that
//                                  installing never fails on a missing library (loading the
//                                  backend then says what is missing)
// It builds against the running Node's own headers when its install has them (so nothing is
// downloaded), with at most JOBS (default 2) compile jobs.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const pkgDir = process.cwd();
const install = process.argv.includes('--install');
const log = (msg) => process.stderr.write(`[modelkv-build-addon] ${msg}\n`);
const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

function addonLoadable() {
  try {
    createRequire(join(pkgDir, 'package.json')).resolve('node-gyp-build');
  } catch {
    return false;
  }
  const nodeGypBuild = createRequire(join(pkgDir, 'package.json'))('node-gyp-build');
  try {
    nodeGypBuild.resolve(pkgDir);
    return true;
  } catch {
    return false;
  }
}

function sourceCheckout() {
  const src = join(pkgDir, 'src');
  return existsSync(src) && readdirSync(src).some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
}

/** node-gyp from the package's dependencies, else the one npm or pnpm runs scripts with, else PATH. */
function nodeGyp() {
  try {
    return [process.execPath, createRequire(join(pkgDir, 'package.json')).resolve('node-gyp/bin/node-gyp.js')];
  } catch {
    const bundled = process.env.npm_config_node_gyp;
    if (bundled && existsSync(bundled)) return [process.execPath, bundled];
    return ['node-gyp'];
  }
}

function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = resolve(dirname(process.execPath), '..');
  const headers = join(prefix, 'include', 'node');
  if (existsSync(join(headers, 'node_api.h')) && existsSync(join(headers, 'common.gypi'))) return [`--nodedir=${prefix}`];
  return [];
}

function run(args) {
  const [cmd, ...pre] = nodeGyp();
  const r = spawnSync(cmd, [...pre, ...args, ...nodedirArgs()], { cwd: pkgDir, stdio: 'inherit' });
  return r.status === 0;
}

function build() {
  const discovery = existsSync(join(pkgDir, 'scripts'))
    ? readdirSync(join(pkgDir, 'scripts'))
        .filter((f) => f.startsWith('find-'))
        .map((f) => join(pkgDir, 'scripts', f))
    : [];
  const configured = mtime(join(pkgDir, 'build', 'Makefile')) > Math.max(mtime(join(pkgDir, 'binding.gyp')), ...discovery.map(mtime));
  return (configured || run(['configure'])) && run(['build', `--jobs=${process.env.JOBS ?? '2'}`]);
}

if (install) {
  if (addonLoadable() || sourceCheckout()) process.exit(0);
  if (!build()) log('the native addon could not be built; loading the backend will say what is missing');
  process.exit(0);
}
process.exit(build() ? 0 : 1);
