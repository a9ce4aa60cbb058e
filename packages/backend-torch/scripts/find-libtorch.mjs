#!/usr/bin/env node
// Finds libtorch for the addon build. Order: $LIBTORCH (a prefix with include/ and lib/), Debian's
// libtorch-dev, then a Python torch installation's CMake prefix.
// binding.gyp reads what it needs from `node scripts/find-libtorch.mjs <what>`, one gyp list:
//   cflags     -isystem include dirs and the -D flags libtorch needs
//   libs       -L / -rpath / -l flags
//   describe   a human-readable line (where it was found)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEBIAN_LIBDIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib'];
const SYSTEM_INCLUDE = '/usr/include';

const HOW_TO_INSTALL = [
  'libtorch was not found. Install one of:',
  '  - Debian/Ubuntu: apt-get install libtorch-dev',
  '  - the libtorch archive from pytorch.org, then set LIBTORCH=/path/to/libtorch (the folder with include/ and lib/)',
  '  - PyTorch for Python (pip install torch); its CMake prefix is found through python3',
].join('\n');

/**
 * @typedef {{ source: string, includeDirs: string[], libDir: string, cxx11Abi: number | undefined, cuda: boolean }} Libtorch
 */

/** @returns {Libtorch | undefined} */
function fromPrefix(prefix, source) {
  const include = join(prefix, 'include');
  const api = join(include, 'torch', 'csrc', 'api', 'include');
  if (!existsSync(join(api, 'torch', 'script.h')) && !existsSync(join(include, 'torch', 'script.h'))) return undefined;
  const libDir = [join(prefix, 'lib'), join(prefix, 'lib64')].find((d) => hasLib(d, 'torch'));
  if (!libDir) return undefined;
  return { source, includeDirs: [include, api], libDir, cxx11Abi: abiFromCMake(prefix, libDir), cuda: hasLib(libDir, 'torch_cuda') };
}

function fromDebian() {
  const api = join(SYSTEM_INCLUDE, 'torch', 'csrc', 'api', 'include');
  if (!existsSync(join(api, 'torch', 'jit.h'))) return undefined;
  const libDir = DEBIAN_LIBDIRS.find((d) => hasLib(d, 'torch') && hasLib(d, 'c10'));
  if (!libDir) return undefined;
  return {
    source: `system libtorch (${libDir})`,
    includeDirs: [SYSTEM_INCLUDE, api],
    libDir,
    cxx11Abi: abiFromCMake('/usr', libDir),
    cuda: hasLib(libDir, 'torch_cuda'),
  };
}

function fromPython() {
  for (const python of ['python3', '/usr/bin/python3']) {
    let out;
    try {
      out = execFileSync(python, ['-c', 'import torch;print(torch.utils.cmake_prefix_path);print(int(torch._C._GLIBCXX_USE_CXX11_ABI))'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch {
      continue;
    }
    const [cmakePath, abi] = out.trim().split('\n');
    if (!cmakePath) continue;
    // cmake_prefix_path is <torch>/share/cmake; the libtorch prefix is <torch>.
    const found = fromPrefix(resolve(cmakePath, '..', '..'), `Python torch (${python})`);
    if (found) return { ...found, cxx11Abi: found.cxx11Abi ?? (abi === undefined ? undefined : Number(abi)) };
  }
  return undefined;
}

function hasLib(dir, name) {
  return existsSync(join(dir, `lib${name}.so`)) || existsSync(join(dir, `lib${name}.dylib`));
}

/** Reads `-D_GLIBCXX_USE_CXX11_ABI=N` from TorchConfig.cmake: libtorch builds differ in it. */
function abiFromCMake(prefix, libDir) {
  const candidates = [join(prefix, 'share', 'cmake', 'Torch'), join(libDir, 'cmake', 'Torch')];
  for (const dir of candidates) {
    const file = join(dir, 'TorchConfig.cmake');
    if (!existsSync(file)) continue;
    const m = /_GLIBCXX_USE_CXX11_ABI=(\d)/.exec(readFileSync(file, 'utf8'));
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** @returns {Libtorch | undefined} */
export function findLibtorch(env = process.env) {
  if (env.LIBTORCH) {
    const found = fromPrefix(resolve(env.LIBTORCH), `LIBTORCH=${env.LIBTORCH}`);
    if (!found) throw new Error(`LIBTORCH=${env.LIBTORCH} has no include/torch and lib/libtorch.so.\n${HOW_TO_INSTALL}`);
    return found;
  }
  return fromDebian() ?? fromPython();
}

export function cflags(lt) {
  const flags = lt.includeDirs.filter((d) => d !== SYSTEM_INCLUDE).map((d) => `-isystem${d}`);
  if (lt.cxx11Abi !== undefined) flags.push(`-D_GLIBCXX_USE_CXX11_ABI=${lt.cxx11Abi}`);
  if (lt.cuda) flags.push('-DMODELKV_TORCH_CUDA=1');
  return flags;
}

export function libs(lt) {
  const system = DEBIAN_LIBDIRS.includes(lt.libDir);
  const flags = system ? [] : [`-L${lt.libDir}`, `-Wl,-rpath,${lt.libDir}`];
  // libtorch_cuda registers CUDA support when loaded; nothing references it directly.
  if (lt.cuda) flags.push('-Wl,--no-as-needed', '-ltorch_cuda', '-Wl,--as-needed');
  flags.push('-ltorch', '-ltorch_cpu', '-lc10');
  return flags;
}

export { HOW_TO_INSTALL };

function main() {
  const what = process.argv[2] ?? 'describe';
  let lt;
  try {
    lt = findLibtorch();
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  if (!lt) {
    process.stderr.write(`${HOW_TO_INSTALL}\n`);
    process.exit(1);
  }
  if (what === 'cflags') process.stdout.write(`${cflags(lt).join(' ')}\n`);
  else if (what === 'libs') process.stdout.write(`${libs(lt).join(' ')}\n`);
  else
    process.stdout.write(
      `libtorch from ${lt.source}: include ${lt.includeDirs.join(', ')}; lib ${lt.libDir}${lt.cuda ? ' (with CUDA)' : ''}\n`,
    );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
