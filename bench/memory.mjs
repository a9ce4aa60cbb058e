#!/usr/bin/env node
// `pnpm bench:memory`: what a stored tensor costs in memory. For each payload size (1 KiB and
// 64 B), a fresh modelkv-server stores COUNT tensors with AI.TENSORSET <key> UINT8 <n> BLOB
// (pipelined over one connection), and a fresh redis-server stores the same bytes with SET
// <key>, in the same run. Each server first overwrites a single key WARMUP times, so that its
// buffers and (for modelkv) V8's young generation are at their working size, then its RSS is
// read from /proc; after the COUNT distinct keys it is read again. The growth per key, and the
// growth minus the payload (the overhead per key: key, entry, tensor object, allocator slack),
// are printed side by side, with issue #12's aim for modelkv (≤ 250 bytes of overhead per
// tensor) and whether it is met.
// BENCH_SCALE scales COUNT (default 100,000). BENCH_PROFILE=1 runs modelkv under
// `node --cpu-prof` and prints the profiles' paths at the end.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { printProfiles, profileDir } from './lib/profile.mjs';
import { startModelkv, startRedis } from './lib/servers.mjs';
import { formatRate, formatTable, verdict } from './lib/table.mjs';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const COUNT = Math.max(1000, Math.round(100_000 * SCALE));
const WARMUP = 10_000;
const BATCH = 1000;
const PAYLOADS = [
  { label: '1 KiB', bytes: 1024 },
  { label: '64 B', bytes: 64 },
];
/** modelkv's RSS growth per stored tensor minus its payload, in bytes (issue #12). */
const AIM_OVERHEAD = 250;

/** Resident set size of a process, in bytes. */
function rss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)[1]) * 1024;
}

/** One RESP array of bulk strings. */
function encode(args) {
  const parts = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(a);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** A connection that sends batches of commands and waits for their `+OK` replies. */
async function openPipe(port) {
  const socket = connect({ port, host: '127.0.0.1' });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let waiting;
  let pending = '';
  socket.setEncoding('latin1').on('data', (chunk) => {
    pending += chunk;
    if (!waiting) return;
    if (pending.length < waiting.bytes) return;
    const got = pending;
    pending = '';
    const done = waiting;
    waiting = undefined;
    if (got !== '+OK\r\n'.repeat(done.count)) done.reject(new Error(`unexpected reply: ${JSON.stringify(got.slice(0, 200))}`));
    else done.resolve();
  });
  return {
    /** Sends `count` commands built by `command(i)` for i in [from, from + count), in batches. */
    async send(from, count, command) {
      for (let start = from; start < from + count; start += BATCH) {
        const n = Math.min(BATCH, from + count - start);
        const chunks = [];
        for (let i = start; i < start + n; i++) chunks.push(encode(command(i)));
        const replied = new Promise((resolve, reject) => {
          waiting = { count: n, bytes: 5 * n, resolve, reject };
        });
        socket.write(Buffer.concat(chunks));
        await replied;
      }
    },
    close: () => socket.destroy(),
  };
}

/** RSS growth of `server` while it stores COUNT values of `bytes` bytes with `command`. */
async function growth(server, bytes, command) {
  const payload = Buffer.alloc(bytes, 'x');
  const pipe = await openPipe(server.port);
  try {
    await pipe.send(0, WARMUP, () => command('bench:warmup', payload));
    await sleep(500);
    const before = rss(server.pid);
    await pipe.send(0, COUNT, (i) => command(`bench:mem:${i}`, payload));
    await sleep(500);
    const after = rss(server.pid);
    return (after - before) / COUNT;
  } finally {
    pipe.close();
  }
}

const SERVERS = [
  {
    name: 'modelkv',
    start: (cpuProfDir) => startModelkv([], undefined, { cpuProfDir }),
    command: (key, payload) => ['AI.TENSORSET', key, 'UINT8', String(payload.length), 'BLOB', payload],
  },
  { name: 'redis', start: () => startRedis(), command: (key, payload) => ['SET', key, payload] },
];

async function main() {
  console.log(`${COUNT.toLocaleString('en-US')} stored values per server and payload, a fresh server for each; RSS from /proc\n`);
  const rows = [];
  const profiles = [];
  for (const p of PAYLOADS) {
    const perKey = {};
    for (const s of SERVERS) {
      const cpuProfDir = s.name === 'modelkv' ? profileDir(`memory-${p.bytes}`) : undefined;
      const server = await s.start(cpuProfDir);
      try {
        perKey[s.name] = await growth(server, p.bytes, s.command);
      } finally {
        await server.stop();
      }
      if (cpuProfDir) profiles.push([`modelkv-server, ${p.label}`, cpuProfDir]);
      process.stderr.write(`  ${p.label}, ${s.name}: ${perKey[s.name].toFixed(0)} bytes per key\n`);
    }
    const overhead = perKey.modelkv - p.bytes;
    const redisOverhead = perKey.redis - p.bytes;
    rows.push([
      p.label,
      formatRate(perKey.modelkv),
      formatRate(overhead),
      formatRate(perKey.redis),
      formatRate(redisOverhead),
      `≤ ${AIM_OVERHEAD}`,
      verdict(overhead <= AIM_OVERHEAD),
    ]);
  }
  console.log(
    `\n${formatTable(
      ['payload', 'modelkv bytes/tensor', 'modelkv overhead', 'redis bytes/key', 'redis overhead', 'aim (modelkv overhead)', ''],
      rows,
    )}`,
  );
  console.log('\nbytes per tensor (key) = RSS growth / count; overhead = that minus the payload.');
  for (const [label, dir] of profiles) printProfiles(label, dir);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
