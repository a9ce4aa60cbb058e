#!/usr/bin/env node
// The one place that locates the libtensorflow this package builds and runs against, in order:
//   1. MODELKV_LIBTENSORFLOW: a folder with lib/ (libtensorflow.so) and include/;
//   2. the deps/ folder of @tensorflow/tfjs-node-gpu: that package is this one's dependency only
//      because its install downloads libtensorflow (with CUDA on Linux) there; its JavaScript
//      binding is not used;
//   3. a Python TensorFlow install: the repository's .cache/tf-venv (scripts/provision.sh), then
//      whatever `python3` imports as tensorflow. Its wheel carries libtensorflow_cc.so.2, which
//      exports the C API, and the C headers.
// binding.gyp reads `node scripts/find-libtensorflow.mjs cflags` and `... libs`; `describe` (the
// default) says what was found. The backend's loader reports the same search when the addon
// cannot be loaded. The version recorded at build time is the headers' (tensorflow/core/public/
// version.h), else the one in the library's file name (libtensorflow.so.2.9.1).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const REPO_VENV_PYTHON = join(PACKAGE_DIR, '..', '..', '.cache', 'tf-venv', 'bin', 'python');
const HEADERS = ['tensorflow/c/c_api.h', 'tensorflow/c/tf_tstring.h'];

/**
 * @typedef {{ source: string, libDir: string, library: string, includeDir: string, version: string }} Libtensorflow
 *   library: the linker's name for it (`tensorflow` or `:libtensorflow_cc.so.2`)
 * @typedef {{ source: string, missing: string }} Miss
 */

/** The folder tfjs-node-gpu is installed in (throws when it is not installed). */
export function tfjsNodeGpuDir() {
  return realpathSync(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu/package.json')));
}

/** @returns {{ found?: Libtensorflow, misses: Miss[] }} */
export function findLibtensorflow(env = process.env) {
  const misses = [];
  const candidates = [];
  if (env.MODELKV_LIBTENSORFLOW) {
    // Named explicitly: used or reported, never passed over for another.
    const result = layout(`MODELKV_LIBTENSORFLOW=${env.MODELKV_LIBTENSORFLOW}`, env.MODELKV_LIBTENSORFLOW);
    return 'missing' in result ? { misses: [result] } : { found: result, misses };
  }
  candidates.push(() => {
    let dir;
    try {
      dir = tfjsNodeGpuDir();
    } catch {
      return { source: '@tensorflow/tfjs-node-gpu', missing: 'the package is not installed' };
    }
    return layout(`@tensorflow/tfjs-node-gpu (${join(dir, 'deps')})`, join(dir, 'deps'));
  });
  for (const python of [REPO_VENV_PYTHON, 'python3']) candidates.push(() => pythonTensorflow(python));
  for (const candidate of candidates) {
    const result = candidate();
    if ('missing' in result) misses.push(result);
    else return { found: result, misses };
  }
  return { misses };
}

/** A release-style folder: lib/libtensorflow.so and include/. */
function layout(source, dir) {
  const libDir = join(dir, 'lib');
  const includeDir = join(dir, 'include');
  if (!existsSync(join(libDir, 'libtensorflow.so'))) return { source, missing: `${join(libDir, 'libtensorflow.so')} is missing` };
  return withHeaders({ source, libDir, library: 'tensorflow', includeDir });
}

function pythonTensorflow(python) {
  const source = `Python TensorFlow (${python})`;
  let dir;
  try {
    const script = "import importlib.util, os; s = importlib.util.find_spec('tensorflow'); print(os.path.dirname(s.origin) if s else '')";
    dir = execFileSync(python, ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return { source, missing: `${python} could not be run` };
  }
  if (!dir) return { source, missing: 'it has no tensorflow module' };
  if (!existsSync(join(dir, 'libtensorflow_cc.so.2'))) return { source, missing: `${join(dir, 'libtensorflow_cc.so.2')} is missing` };
  return withHeaders({ source: `${source} at ${dir}`, libDir: dir, library: ':libtensorflow_cc.so.2', includeDir: join(dir, 'include') });
}

function withHeaders(found) {
  const missing = HEADERS.filter((h) => !existsSync(join(found.includeDir, h)));
  if (missing.length > 0) return { source: found.source, missing: `headers ${missing.join(', ')} are missing from ${found.includeDir}` };
  const version = headerVersion(found.includeDir) ?? fileNameVersion(found.libDir);
  if (!version) return { source: found.source, missing: 'its version cannot be told (no version.h, no versioned libtensorflow.so.X.Y.Z)' };
  return { ...found, version };
}

function headerVersion(includeDir) {
  const file = join(includeDir, 'tensorflow', 'core', 'public', 'version.h');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const part = (name) => new RegExp(`#define ${name} (\\d+)`).exec(text)?.[1];
  const [major, minor, patch] = [part('TF_MAJOR_VERSION'), part('TF_MINOR_VERSION'), part('TF_PATCH_VERSION')];
  return major && minor && patch ? `${major}.${minor}.${patch}` : undefined;
}

function fileNameVersion(libDir) {
  for (const name of readdirSync(libDir)) {
    const m = /^libtensorflow\.so\.(\d+\.\d+\.\d+)$/.exec(name);
    if (m) return m[1];
  }
  return undefined;
}

/** Where the search looked and what each place lacked, one line each. */
export function describeMisses(misses) {
  return misses.map((m) => `${m.source}: ${m.missing}`).join('; ');
}

export function cflags(found) {
  return [`-I${found.includeDir}`, `-DMODELKV_TF_BUILT_VERSION=${found.version}`];
}

export function libs(found) {
  return [`-L${found.libDir}`, `-l${found.library}`, `-Wl,-rpath,${found.libDir}`];
}

function main() {
  const what = process.argv[2] ?? 'describe';
  const { found, misses } = findLibtensorflow();
  if (!found) {
    process.stderr.write(`libtensorflow was not found: ${describeMisses(misses)}\n`);
    process.exit(1);
  }
  if (what === 'cflags') process.stdout.write(`${cflags(found).join(' ')}\n`);
  else if (what === 'libs') process.stdout.write(`${libs(found).join(' ')}\n`);
  else process.stdout.write(`libtensorflow ${found.version} from ${found.source}: lib ${found.libDir}, include ${found.includeDir}\n`);
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();
