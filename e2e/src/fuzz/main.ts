// `pnpm fuzz:models`: 10,000 mutated models per backend (and as many TorchScript scripts) sent to
// one modelkv-server with every backend loaded; prints what happened to them and `crashes: N`
// (the server died or stopped answering). FUZZ_CASES and FUZZ_SEED change the count and the seed;
// inputs that killed a backend process are written to FUZZ_SAVE (default: a folder in the
// system's temporary directory).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../harness.js';
import { TARGETS } from './corpus.js';
import { type FuzzReport, fuzz } from './fuzz-run.js';

const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20251129);
const SAVE = process.env.FUZZ_SAVE ?? join(tmpdir(), `modelkv-fuzz-${SEED}`);

const server = await startServer({
  args: [
    ...['ONNX', 'TF', 'TORCH'].flatMap((b) => ['--loadbackend', b, `packages/backend-${b.toLowerCase()}`]),
    '--model-execution-timeout',
    '2000',
  ],
});
console.log(`modelkv-server pid ${server.pid} on port ${server.port}; ${CASES} cases per target, seed ${SEED}`);
const reports: FuzzReport[] = [];
for (const [i, target] of TARGETS.entries()) {
  const report = await fuzz(server, target, {
    seed: SEED + i,
    cases: CASES,
    saveDir: SAVE,
    onProgress: (done) => {
      if (done % 1000 === 0) console.log(`  ${target}: ${done} cases`);
    },
  });
  reports.push(report);
  console.log(
    `${target}: ${report.cases} cases, ${report.loaded} loaded, ${report.refused} ERR, runs ${report.runsOk} OK / ${report.runsErr} ERR, ` +
      `${report.processDeaths} backend process deaths, ${report.seconds.toFixed(1)} s`,
  );
  for (const [kind, count] of report.deathKinds) console.log(`    died on: ${kind} × ${count}`);
  if (report.crashes > 0) break;
}
const restarts = (await import('node:child_process')).execFileSync('redis-cli', ['-p', String(server.port), 'INFO', 'backends'], {
  encoding: 'utf8',
});
for (const line of restarts.split('\n')) if (line.startsWith('backend_')) console.log(line.trim());
const crashes = reports.reduce((n, r) => n + r.crashes, 0);
const deaths = reports.reduce((n, r) => n + r.processDeaths, 0);
if (deaths > 0) console.log(`inputs that killed a backend process: ${SAVE}`);
if (crashes === 0) await server.stop();
console.log(`crashes: ${crashes}`);
process.exit(crashes === 0 ? 0 : 1);
