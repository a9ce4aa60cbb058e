// A small, seeded fuzz of every backend against a real server: mutated ONNX and TF graphs,
// TorchScript archives (damaged inside the zip with valid CRCs, or as bytes) and TorchScript
// sources (tokens changed, nested thousands deep). Every one gets a reply, the server keeps
// answering PING, and nothing crashes it. `pnpm fuzz:models` runs the big one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TARGETS } from '../src/fuzz/corpus.js';
import { fuzz } from '../src/fuzz/fuzz-run.js';
import { type ServerHandle, startServer } from '../src/harness.js';

const CASES = 200;
let server: ServerHandle;

describe('seeded fuzz of models and scripts', () => {
  before(async () => {
    server = await startServer({
      args: [
        ...['ONNX', 'TF', 'TORCH'].flatMap((b) => ['--loadbackend', b, `packages/backend-${b.toLowerCase()}`]),
        '--model-execution-timeout',
        '2000',
      ],
    });
  });
  after(async () => {
    await server.stop();
  });

  for (const [i, target] of TARGETS.entries()) {
    test(`${target}: ${CASES} mutations, no crash`, async () => {
      const report = await fuzz(server, target, { seed: 9000 + i, cases: CASES });
      const { deathKinds, ...counts } = report;
      console.log(JSON.stringify({ ...counts, deathKinds: [...deathKinds] }));
      assert.equal(report.crashes, 0);
      assert.equal(report.loaded + report.refused, CASES, 'every MODELSET / SCRIPTSET was answered');
      assert.ok(report.refused > 0, 'some mutations are refused');
    });
  }
});
