#!/usr/bin/env node
// `pnpm start [-- args]`: runs the built modelkv-server with every built backend of this
// workspace loaded, on port 6380 unless --port is given. Extra arguments go to the server.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_BIN = join(REPO_ROOT, 'packages/resp-server/dist/src/bin.js');
const DEFAULT_PORT = '6380';

/** The file a package directory's package.json points at, if it names one. */
function packageEntry(dir) {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  let root = pkg.exports;
  if (root && typeof root === 'object' && '.' in root) root = root['.'];
  if (root && typeof root === 'object') root = root.node ?? root.import ?? root.default ?? root.require;
  const entry = typeof root === 'string' ? root : pkg.main;
  return typeof entry === 'string' ? join(dir, entry) : undefined;
}

/** packages/backend-<name> directories whose entry file exists (that is, built ones). */
function builtBackends() {
  const packagesDir = join(REPO_ROOT, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name.startsWith('backend-'))
    .map((d) => ({ name: d.name.slice('backend-'.length).toUpperCase(), dir: join(packagesDir, d.name) }))
    .filter(({ dir }) => {
      const entry = packageEntry(dir);
      return entry !== undefined && existsSync(entry);
    });
}

const userArgs = process.argv.slice(2);
// pnpm may pass the `--` separator through.
while (userArgs[0] === '--') userArgs.shift();

if (!existsSync(SERVER_BIN)) {
  console.error(
    `modelkv-server is not built (${relative(REPO_ROOT, SERVER_BIN)} is missing): run 'bash scripts/setup.sh' or 'pnpm build' first`,
  );
  process.exit(1);
}

const args = [];
if (!userArgs.some((a) => a === '--port' || a.startsWith('--port='))) args.push('--port', DEFAULT_PORT);
const namedByUser = new Set();
userArgs.forEach((a, i) => {
  if (a === '--loadbackend' && userArgs[i + 1]) namedByUser.add(userArgs[i + 1].toUpperCase());
});
for (const { name, dir } of builtBackends()) {
  if (namedByUser.has(name)) continue;
  args.push('--loadbackend', name, relative(process.cwd(), dir) || '.');
}
args.push(...userArgs);

console.error(`modelkv-server ${args.join(' ')}`);
const child = spawn(process.execPath, [SERVER_BIN, ...args], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 128 : 1));
});
