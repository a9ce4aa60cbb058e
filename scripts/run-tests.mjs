// Builds and tests every package through turbo, passing the output through, then prints one
// summary line for the whole workspace from node's test runner totals.
import { spawn } from 'node:child_process';

function run(args, onLine) {
  return new Promise((resolve) => {
    const child = spawn('pnpm', ['exec', 'turbo', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let rest = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    child.on('close', (code) => {
      if (rest) onLine(rest);
      resolve(code ?? 1);
    });
  });
}

const totals = { pass: 0, fail: 0, skipped: 0 };
const built = await run(['run', 'build'], () => {});
if (built !== 0) process.exit(built);
const tested = await run(['run', 'test', '--concurrency=1', '--continue'], (line) => {
  const m = /:test: # (pass|fail|skipped) (\d+)\s*$/.exec(line);
  if (m) totals[m[1]] += Number(m[2]);
});
console.log(`\ntests: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(tested !== 0 ? tested : totals.fail > 0 ? 1 : 0);
