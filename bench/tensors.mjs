#!/usr/bin/env node
// `pnpm bench:tensors`: AI.TENSORSET/AI.TENSORGET BLOB on modelkv next to SET/GET on a
// redis-server started alongside, driven by the same redis-benchmark runs (same payloads,
// 50 clients, pipeline 1 and 16). Prints ops/s and the modelkv/redis ratio per row, next to
// the aim of issue #12 (≥ 0.9 everywhere) and whether the row meets it.
// Each row is the median of ROUNDS alternating runs on the two servers, after a warm-up.
// BENCH_SCALE=<factor> scales the request counts (default 1). BENCH_PROFILE=1 runs modelkv
// under `node --cpu-prof` and prints the profile's path at the end.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisBenchmark } from './lib/redis-benchmark.mjs';
import { redisCli } from './lib/redis-cli.mjs';
import { printProfiles, profileDir } from './lib/profile.mjs';
import { startModelkv, startRedis } from './lib/servers.mjs';
import { formatRate, formatTable, verdict } from './lib/table.mjs';

const CLIENTS = 50;
const PIPELINES = [1, 16];
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const PAYLOADS = [
  { label: '1 KiB', bytes: 1024, requests: { 1: 20_000, 16: 100_000 } },
  { label: '64 KiB', bytes: 64 * 1024, requests: { 1: 6_000, 16: 12_000 } },
  { label: '1 MiB', bytes: 1024 * 1024, requests: { 1: 800, 16: 2_400 } },
];
const ROUNDS = 3;
/** modelkv ops/s over redis-server ops/s, per pipeline depth (issue #12). */
const AIM = { 1: 0.9, 16: 0.9 };
const KEY = 'bench:tensor';

/** The command pairs compared; the payload, when there is one, is the last argument. */
function operations(bytes) {
  return [
    { modelkv: ['AI.TENSORSET', KEY, 'UINT8', String(bytes), 'BLOB'], redis: ['SET', KEY], payload: true },
    { modelkv: ['AI.TENSORGET', KEY, 'BLOB'], redis: ['GET', KEY], payload: false },
  ];
}

async function checkReplies(modelkv, redis, bytes, payloadFile) {
  const ok = (await redisCli(modelkv.port, ['AI.TENSORSET', KEY, 'UINT8', String(bytes), 'BLOB'], { lastArgFile: payloadFile }))
    .toString()
    .trim();
  if (ok !== 'OK') throw new Error(`AI.TENSORSET answered ${JSON.stringify(ok.slice(0, 200))}`);
  const got = await redisCli(modelkv.port, ['AI.TENSORGET', KEY, 'BLOB']);
  const expected = `UINT8\n${bytes}\n${'x'.repeat(bytes)}\n`;
  if (got.toString() !== expected)
    throw new Error(`AI.TENSORGET ${KEY} BLOB did not return the ${bytes}-byte tensor: ${got.toString().slice(0, 200)}`);
  const setOk = (await redisCli(redis.port, ['SET', KEY], { lastArgFile: payloadFile })).toString().trim();
  if (setOk !== 'OK') throw new Error(`redis SET answered ${setOk}`);
}

function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'modelkv-bench-'));
  const cpuProfDir = profileDir('tensors');
  const modelkv = await startModelkv([], undefined, { cpuProfDir });
  const redis = await startRedis().catch(async (err) => {
    await modelkv.stop();
    throw err;
  });
  const rows = [];
  try {
    console.log(
      `modelkv on :${modelkv.port}, redis-server on :${redis.port}; redis-benchmark, ${CLIENTS} clients, median of ${ROUNDS} runs\n`,
    );
    for (const payload of PAYLOADS) {
      const file = join(dir, `payload-${payload.bytes}`);
      writeFileSync(file, Buffer.alloc(payload.bytes, 'x'));
      await checkReplies(modelkv, redis, payload.bytes, file);
      for (const pipeline of PIPELINES) {
        const requests = Math.max(CLIENTS * pipeline, Math.round(payload.requests[pipeline] * SCALE));
        for (const { modelkv: mkCmd, redis: rCmd, payload: withPayload } of operations(payload.bytes)) {
          const common = { clients: CLIENTS, pipeline, lastArgFile: withPayload ? file : undefined };
          // A short warm-up on each server, then the measured runs back to back.
          const warmup = Math.max(CLIENTS * pipeline, Math.round(requests / 10));
          await redisBenchmark({ ...common, port: modelkv.port, requests: warmup, command: mkCmd });
          await redisBenchmark({ ...common, port: redis.port, requests: warmup, command: rCmd });
          const mkRuns = [];
          const rdRuns = [];
          for (let round = 0; round < ROUNDS; round++) {
            mkRuns.push(await redisBenchmark({ ...common, port: modelkv.port, requests, command: mkCmd }));
            rdRuns.push(await redisBenchmark({ ...common, port: redis.port, requests, command: rCmd }));
          }
          const mk = median(mkRuns);
          const rd = median(rdRuns);
          const row = [
            payload.label,
            String(pipeline),
            `${mkCmd[0]} BLOB vs ${rCmd[0]}`,
            formatRate(mk),
            formatRate(rd),
            (mk / rd).toFixed(2),
            `≥ ${AIM[pipeline]}`,
            verdict(mk / rd >= AIM[pipeline]),
          ];
          rows.push(row);
          process.stderr.write(`  ${row.slice(0, 3).join(' ')}: ratio ${row[5]}\n`);
        }
      }
    }
  } finally {
    await Promise.all([modelkv.stop(), redis.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${formatTable(['payload', 'pipeline', 'op', 'modelkv ops/s', 'redis ops/s', 'ratio', 'aim', ''], rows)}`);
  const met = rows.filter((r) => r.at(-1) === 'met').length;
  console.log(`\n${met} of ${rows.length} rows meet the aim`);
  printProfiles('modelkv-server', cpuProfDir);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
