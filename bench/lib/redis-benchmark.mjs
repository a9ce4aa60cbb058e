// Runs redis-benchmark (Debian's redis-tools) with a command and returns its requests per second
// (and, with redisBenchmarkStats, its latency percentiles).
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

/**
 * `lastArgFile`, when given, is fed to redis-benchmark's stdin and sent as the command's last
 * argument (`-x`): that is how a payload larger than one argv string (128 KiB on Linux) travels.
 * `connection` are more options for the connections (`-a password`, `--tls --cacert file`).
 */
export async function redisBenchmark(options) {
  return (await redisBenchmarkStats(options)).rps;
}

/** Like redisBenchmark, with the latencies redis-benchmark reports: `{ rps, p50, p99 }` (ms). */
export function redisBenchmarkStats({ port, clients, pipeline, requests, command, lastArgFile, connection = [] }) {
  const args = [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    ...connection,
    '-c',
    String(clients),
    '-P',
    String(pipeline),
    '-n',
    String(requests),
    '-q',
    '--csv',
  ];
  if (lastArgFile) args.push('-x');
  args.push(...command);
  const stdinFd = lastArgFile ? openSync(lastArgFile, 'r') : 'ignore';
  return new Promise((resolve, reject) => {
    const child = spawn('redis-benchmark', args, { stdio: [stdinFd, 'pipe', 'pipe'] });
    if (typeof stdinFd === 'number') closeSync(stdinFd);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const stats = parseCsv(out);
      if (code !== 0 || stats === undefined) {
        reject(new Error(`redis-benchmark ${command[0]} failed (code ${code}):\n${out}${err}`));
      } else {
        resolve(stats);
      }
    });
  });
}

/**
 * The data row: `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms",
 * "p99_latency_ms","max_latency_ms"` header, then `"CMD","12345.67",...`.
 */
function parseCsv(text) {
  const rows = text
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('"') && !l.startsWith('"test"'));
  const last = rows.at(-1);
  if (!last) return undefined;
  const cells = last.match(/"([^"]*)"/g)?.map((c) => c.slice(1, -1));
  const rps = Number(cells?.[1]);
  if (!Number.isFinite(rps) || rps <= 0) return undefined;
  return { rps, p50: Number(cells?.[4]), p99: Number(cells?.[6]) };
}
