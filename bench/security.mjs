#!/usr/bin/env node
// `pnpm bench:security`: what access control and TLS cost. AI.TENSORSET / AI.TENSORGET BLOB
// through redis-benchmark (50 clients, pipeline 1 and 16, 1 KiB to 1 MiB payloads) against
// modelkv servers started side by side: plain TCP without a password (the baseline), TCP with a
// password (each connection AUTHs first), TCP as an ACL user limited to some commands and keys
// (the checks every command then goes through), and TLS. Prints ops/s and the ratio to the
// baseline, each the median of ROUNDS runs taken in turn on every server.
// BENCH_SCALE=<factor> scales the request counts (default 1).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisBenchmark } from './lib/redis-benchmark.mjs';
import { redisCli } from './lib/redis-cli.mjs';
import { selfSignedCertificate } from './lib/self-signed.mjs';
import { freePort, startModelkv } from './lib/servers.mjs';
import { formatRate, formatTable } from './lib/table.mjs';

const CLIENTS = 50;
const PIPELINES = [1, 16];
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const PAYLOADS = [
  { label: '1 KiB', bytes: 1024, requests: { 1: 20_000, 16: 60_000 } },
  { label: '64 KiB', bytes: 64 * 1024, requests: { 1: 4_000, 16: 8_000 } },
  { label: '1 MiB', bytes: 1024 * 1024, requests: { 1: 600, 16: 1_200 } },
];
const ROUNDS = 3;
const KEY = 'bench:tensor';
const PASSWORD = 'bench-password';

async function startVariants(dir) {
  const { cert, key } = selfSignedCertificate(dir);
  const tlsPort = await freePort();
  const specs = [
    { label: 'plain', args: [], connection: [] },
    { label: 'password', args: ['--requirepass', PASSWORD], connection: ['-a', PASSWORD] },
    { label: 'ACL user', args: ['--requirepass', PASSWORD], connection: ['--user', 'bench', '-a', 'bench-user'], user: true },
    {
      label: 'TLS',
      // A TCP port too, which the start-up and the reply checks use.
      args: ['--port', String(await freePort()), '--tls-port', String(tlsPort), '--tls-cert-file', cert, '--tls-key-file', key].concat([
        '--tls-auth-clients',
        'no',
      ]),
      connection: ['--tls', '--cacert', cert],
      port: tlsPort,
    },
  ];
  const variants = [];
  try {
    for (const spec of specs) {
      const server = await startModelkv(spec.args);
      variants.push({ ...spec, server, port: spec.port ?? server.port });
      if (spec.user) {
        const rules = ['on', '>bench-user', '~bench:*', '+@ai', '-@dangerous'];
        await redisCli(server.port, ['ACL', 'SETUSER', 'bench', ...rules], { connection: ['-a', PASSWORD, '--no-auth-warning'] });
      }
    }
  } catch (err) {
    await Promise.all(variants.map((v) => v.server.stop()));
    throw err;
  }
  return variants;
}

/** Every server answers the benchmark's commands correctly, over the connection it is measured on. */
async function checkReplies(variant, bytes, payloadFile) {
  const connection = variant.connection.concat(['--no-auth-warning']);
  const ok = (await redisCli(variant.port, ['AI.TENSORSET', KEY, 'UINT8', String(bytes), 'BLOB'], { lastArgFile: payloadFile, connection }))
    .toString()
    .trim();
  if (ok !== 'OK') throw new Error(`${variant.label}: AI.TENSORSET answered ${JSON.stringify(ok.slice(0, 200))}`);
  const got = await redisCli(variant.port, ['AI.TENSORGET', KEY, 'BLOB'], { connection });
  if (got.toString() !== `UINT8\n${bytes}\n${'x'.repeat(bytes)}\n`) {
    throw new Error(`${variant.label}: AI.TENSORGET did not return the ${bytes}-byte tensor: ${got.toString().slice(0, 200)}`);
  }
}

function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'modelkv-bench-security-'));
  const variants = await startVariants(dir);
  const rows = [];
  try {
    console.log(
      `${variants.map((v) => `${v.label} on :${v.port}`).join(', ')}; redis-benchmark, ${CLIENTS} clients, median of ${ROUNDS} runs\n`,
    );
    for (const payload of PAYLOADS) {
      const file = join(dir, `payload-${payload.bytes}`);
      writeFileSync(file, Buffer.alloc(payload.bytes, 'x'));
      for (const v of variants) await checkReplies(v, payload.bytes, file);
      for (const pipeline of PIPELINES) {
        const requests = Math.max(CLIENTS * pipeline, Math.round(payload.requests[pipeline] * SCALE));
        for (const [name, command, withPayload] of [
          ['AI.TENSORSET', ['AI.TENSORSET', KEY, 'UINT8', String(payload.bytes), 'BLOB'], true],
          ['AI.TENSORGET', ['AI.TENSORGET', KEY, 'BLOB'], false],
        ]) {
          const common = { clients: CLIENTS, pipeline, command, lastArgFile: withPayload ? file : undefined };
          const warmup = Math.max(CLIENTS * pipeline, Math.round(requests / 10));
          for (const v of variants) await redisBenchmark({ ...common, port: v.port, connection: v.connection, requests: warmup });
          const runs = variants.map(() => []);
          for (let round = 0; round < ROUNDS; round++) {
            for (const [i, v] of variants.entries()) {
              runs[i].push(await redisBenchmark({ ...common, port: v.port, connection: v.connection, requests }));
            }
          }
          const rates = runs.map(median);
          const row = [payload.label, String(pipeline), name];
          for (const [i, rate] of rates.entries()) row.push(formatRate(rate), i === 0 ? '1.00' : (rate / rates[0]).toFixed(2));
          rows.push(row);
          process.stderr.write(
            `  ${row.slice(0, 3).join(' ')}: ${variants.map((v, i) => `${v.label} ${formatRate(rates[i])}`).join(', ')}\n`,
          );
        }
      }
    }
  } finally {
    await Promise.all(variants.map((v) => v.server.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
  const header = ['payload', 'pipeline', 'op'];
  for (const v of variants) header.push(`${v.label} ops/s`, 'ratio');
  console.log(`\n${formatTable(header, rows)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
