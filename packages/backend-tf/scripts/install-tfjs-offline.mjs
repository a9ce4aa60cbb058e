#!/usr/bin/env node
// Runs @tensorflow/tfjs-node-gpu's own install script (scripts/install.js: download libtensorflow
// into deps/, then node-pre-gyp: fetch or build tfjs_binding.node) with its documented download
// locations (TFJS_NODE_BASE_URI, npm_config_tfjs_binding_binary_host_mirror) pointed at a
// loopback HTTP server over a mirror folder, for machines that reach no download host. The mirror
// holds libtensorflow-gpu-linux-x86_64-<version>.tar.gz (provision.sh makes it); the prebuilt
// addon location answers 404, so node-pre-gyp builds tfjs_binding.node from source.
//
// Usage: node install-tfjs-offline.mjs [MIRROR_DIR]
// MIRROR_DIR defaults to MODELKV_TF_MIRROR, else the .cache/libtensorflow folder of the repository
// this package sits in (provision.sh makes it). Without a mirror it does nothing: on a machine
// with internet, tfjs-node-gpu's install script downloads libtensorflow itself. The package's
// install step runs it, so that offline the build finds libtensorflow where tfjs-node-gpu keeps it.
import { spawn } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tfjsNodeGpuDir } from './find-libtensorflow.mjs';

const TARBALL_RE = /^libtensorflow-gpu-linux-x86_64-.*\.tar\.gz$/;
const log = (msg) => console.log(`[backend-tf] ${msg}`);

/**
 * Installs tfjs-node-gpu from `mirrorDir` unless it is already installed from the same tarball.
 * Resolves false when tfjs-node-gpu is not in node_modules yet; throws when its script fails.
 */
export async function installTfjsOffline(mirrorDir) {
  let tfjsDir;
  try {
    tfjsDir = tfjsNodeGpuDir();
  } catch {
    return false;
  }
  const tarball = existsSync(mirrorDir) ? readdirSync(mirrorDir).find((f) => TARBALL_RE.test(f)) : undefined;
  if (!tarball) throw new Error(`no libtensorflow-gpu-linux-x86_64-*.tar.gz in ${mirrorDir}`);
  // The stamp names the tarball it was installed from, so a new tarball reinstalls.
  const stampFile = join(tfjsDir, 'deps', '.modelkv-offline-install');
  const stamp = `${join(mirrorDir, tarball)} ${statSync(join(mirrorDir, tarball)).mtimeMs}\n`;
  if (installed(tfjsDir) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    log(`@tensorflow/tfjs-node-gpu is installed from ${tarball}`);
    return true;
  }

  const server = createServer((req, res) => {
    const file = join(mirrorDir, basename(decodeURIComponent(new URL(req.url ?? '/', 'http://mirror').pathname)));
    if (req.method !== 'GET' || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': statSync(file).size, 'content-type': 'application/gzip' });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;

  // install.js calls `node-pre-gyp` by name; pnpm puts no dependency's own bins on PATH here.
  const preGyp = join(
    dirname(createRequire(join(tfjsDir, 'package.json')).resolve('@mapbox/node-pre-gyp/package.json')),
    'bin',
    'node-pre-gyp',
  );
  const binDir = mkdtempSync(join(tmpdir(), 'modelkv-tf-bin-'));
  writeFileSync(join(binDir, 'node-pre-gyp'), `#!/bin/sh\nexec "${process.execPath}" "${preGyp}" "$@"\n`, { mode: 0o755 });
  const env = {
    ...process.env,
    PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`,
    TFJS_NODE_BASE_URI: `${base}libtensorflow-`,
    npm_config_tfjs_binding_binary_host_mirror: `${base}prebuilt/`,
    npm_config_node_gyp: createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'),
    JOBS: process.env.JOBS ?? '2',
  };
  if (!env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr';

  log(`running @tensorflow/tfjs-node-gpu's install script with libtensorflow from ${base}${tarball}`);
  try {
    const code = await new Promise((resolve) => {
      const child = spawn(process.execPath, ['scripts/install.js', 'gpu', 'download'], { cwd: tfjsDir, env, stdio: 'inherit' });
      child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
      child.on('error', () => resolve(1));
    });
    if (code !== 0 || !installed(tfjsDir)) throw new Error(`@tensorflow/tfjs-node-gpu's install script failed (exit ${code})`);
  } finally {
    server.close();
    rmSync(binDir, { recursive: true, force: true });
  }
  writeFileSync(stampFile, stamp);
  log('@tensorflow/tfjs-node-gpu installed');
  return true;
}

function installed(tfjsDir) {
  const deps = join(tfjsDir, 'deps');
  const lib = join(tfjsDir, 'lib');
  const binding = existsSync(lib) && readdirSync(lib).some((d) => existsSync(join(lib, d, 'tfjs_binding.node')));
  return binding && existsSync(join(deps, 'lib', 'libtensorflow.so')) && existsSync(join(deps, 'include', 'tensorflow', 'c', 'c_api.h'));
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
  const mirrorDir = process.argv[2] ?? process.env.MODELKV_TF_MIRROR ?? join(packageDir, '..', '..', '.cache', 'libtensorflow');
  if (!existsSync(mirrorDir)) process.exit(0);
  try {
    if (!(await installTfjsOffline(mirrorDir)))
      log('@tensorflow/tfjs-node-gpu is not in node_modules yet: pnpm install finishes this step');
  } catch (err) {
    console.error(`[backend-tf] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
