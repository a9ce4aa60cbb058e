// Checks the tracked C++ sources (*.cc, *.h) against .clang-format, as `pnpm lint` does.
// With --fix it rewrites them in place instead, as `pnpm format` does.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fix = process.argv.includes('--fix');

function run(command, args) {
  return spawnSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

const probe = run('clang-format', ['--version']);
if (probe.error) {
  console.error(
    probe.error.code === 'ENOENT'
      ? 'clang-format is not installed: `bash scripts/setup.sh` installs it (Debian package clang-format)'
      : `could not run clang-format: ${probe.error.message}`,
  );
  process.exit(1);
}

const listed = run('git', ['ls-files', '-z', '--', '*.cc', '*.h']);
if (listed.status !== 0) {
  console.error('git ls-files failed: the C++ sources are found through git');
  process.exit(1);
}
const files = listed.stdout.split('\0').filter(Boolean);
if (files.length === 0) process.exit(0);

const args = fix ? ['-i', ...files] : ['--dry-run', '--Werror', ...files];
const result = spawnSync('clang-format', args, { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  if (!fix) console.error('clang-format: the files above are not formatted; `pnpm format` formats them');
  process.exit(result.status ?? 1);
}
