#!/usr/bin/env node
// `pnpm bench:persistence`: AI.TENSORSET BLOB on modelkv next to SET on a redis-server configured
// the same way, for each durability setting: no append-only file, appendfsync no, everysec and
// always (both servers write their append-only file into a fresh directory of their own, with
// the default automatic rewrites). redis-benchmark drives both with the same payloads (1 KiB,
// 64 KiB), 50 clients, pipeline 1 and 16. Prints ops/s and the modelkv/redis ratio per row, the
// median of ROUNDS alternating runs after a warm-up. BENCH_SCALE=<factor> scales request counts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisBenchmark } from './lib/redis-benchmark.mjs';
import { redisCli } from './lib/redis-cli.mjs';
import { startModelkv, startRedis } from './lib/servers.mjs';
import { formatRate, formatTable } from './lib/table.mjs';

const CLIENTS = 50;
const PIPELINES = [1, 16];
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const PAYLOADS = [
  { label: '1 KiB', bytes: 1024, requests: { 1: 20_000, 16: 100_000 } },
  { label: '64 KiB', bytes: 64 * 1024, requests: { 1: 6_000, 16: 12_000 } },
];
const SETTINGS = [
  { label: 'appendonly no', args: ['--appendonly', 'no'] },
  { label: 'appendfsync no', args: ['--appendonly', 'yes', '--appendfsync', 'no'] },
  { label: 'everysec', args: ['--appendonly', 'yes', '--appendfsync', 'everysec'] },
  { label: 'always', args: ['--appendonly', 'yes', '--appendfsync', 'always'] },
];
const ROUNDS = 3;
const AIM = 0.8;
const KEY = 'bench:tensor';

function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function check(modelkv, redis, bytes, file) {
  const ok = (await redisCli(modelkv.port, ['AI.TENSORSET', KEY, 'UINT8', String(bytes), 'BLOB'], { lastArgFile: file })).toString().trim();
  if (ok !== 'OK') throw new Error(`AI.TENSORSET answered ${JSON.stringify(ok.slice(0, 200))}`);
  const setOk = (await redisCli(redis.port, ['SET', KEY], { lastArgFile: file })).toString().trim();
  if (setOk !== 'OK') throw new Error(`redis SET answered ${setOk}`);
}

/** The servers' own view of their setting, so a row never measures something else than it says. */
async function checkConfig(server, setting) {
  const info = (await redisCli(server.port, ['INFO', 'persistence'])).toString();
  const enabled = /^aof_enabled:1/m.test(info);
  if (enabled !== setting.args.includes('yes')) throw new Error(`${server.name}: aof_enabled does not match '${setting.label}'`);
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'modelkv-bench-persist-'));
  const rows = [];
  try {
    console.log(`redis-benchmark, ${CLIENTS} clients, AI.TENSORSET ... BLOB vs SET, median of ${ROUNDS} runs; data files under ${root}\n`);
    for (const [i, setting] of SETTINGS.entries()) {
      const mkDir = join(root, `modelkv-${i}`);
      const rdDir = join(root, `redis-${i}`);
      for (const d of [mkDir, rdDir]) mkdirSync(d);
      const modelkv = await startModelkv([...setting.args, '--dir', mkDir]);
      const redis = await startRedis([...setting.args, '--dir', rdDir]).catch(async (err) => {
        await modelkv.stop();
        throw err;
      });
      try {
        await checkConfig(modelkv, setting);
        await checkConfig(redis, setting);
        for (const payload of PAYLOADS) {
          const file = join(root, `payload-${payload.bytes}`);
          writeFileSync(file, Buffer.alloc(payload.bytes, 'x'));
          await check(modelkv, redis, payload.bytes, file);
          for (const pipeline of PIPELINES) {
            const requests = Math.max(CLIENTS * pipeline, Math.round(payload.requests[pipeline] * SCALE));
            const common = { clients: CLIENTS, pipeline, lastArgFile: file };
            const mkCmd = ['AI.TENSORSET', KEY, 'UINT8', String(payload.bytes), 'BLOB'];
            const rdCmd = ['SET', KEY];
            const warmup = Math.max(CLIENTS * pipeline, Math.round(requests / 10));
            await redisBenchmark({ ...common, port: modelkv.port, requests: warmup, command: mkCmd });
            await redisBenchmark({ ...common, port: redis.port, requests: warmup, command: rdCmd });
            const mkRuns = [];
            const rdRuns = [];
            for (let round = 0; round < ROUNDS; round++) {
              mkRuns.push(await redisBenchmark({ ...common, port: modelkv.port, requests, command: mkCmd }));
              rdRuns.push(await redisBenchmark({ ...common, port: redis.port, requests, command: rdCmd }));
            }
            const mk = median(mkRuns);
            const rd = median(rdRuns);
            const row = [setting.label, payload.label, String(pipeline), formatRate(mk), formatRate(rd), (mk / rd).toFixed(2), `≥ ${AIM}`];
            rows.push(row);
            process.stderr.write(`  ${row.slice(0, 3).join(', ')}: ratio ${row[5]}\n`);
          }
        }
      } finally {
        await Promise.all([modelkv.stop(), redis.stop()]);
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  console.log(`\n${formatTable(['setting', 'payload', 'pipeline', 'modelkv ops/s', 'redis ops/s', 'ratio', 'aim'], rows)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
