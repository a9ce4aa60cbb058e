// One-off commands through redis-cli, to check a server answers a benchmark's command
// correctly before its throughput is measured (redis-benchmark does not look at replies).
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

export function redisCli(port, args, { lastArgFile, connection = [] } = {}) {
  const stdinFd = lastArgFile ? openSync(lastArgFile, 'r') : 'ignore';
  const argv = ['-h', '127.0.0.1', '-p', String(port), ...connection, '--raw', ...(lastArgFile ? ['-x'] : []), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', argv, { stdio: [stdinFd, 'pipe', 'inherit'] });
    if (typeof stdinFd === 'number') closeSync(stdinFd);
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`redis-cli ${args[0]} exited with code ${code}`));
      else resolve(Buffer.concat(chunks));
    });
  });
}
