// Shared pieces of the bench/models/*.mjs case files: reading the fixtures' manifests (as
// e2e/fixtures/fixture_io.py writes them) and a case's server side, checked once before timing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A manifest's tensor entry with its bytes as `data`, the form the backends' addons take. */
function readTensor(dir, { file, ...entry }) {
  return { ...entry, data: readFileSync(join(dir, file)) };
}

/** An ONNX model or TF graph with its named inputs and outputs: manifest {"model", "inputs", "outputs"}. */
export function modelFixture(dir, name) {
  const manifest = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  const tensor = (e) => readTensor(dir, e);
  return { model: readFileSync(join(dir, manifest.model)), inputs: manifest.inputs.map(tensor), outputs: manifest.outputs.map(tensor) };
}

/** A TorchScript archive or script source with its cases: manifest {"file", "cases"}. */
export function casesFixture(dir, name) {
  const manifest = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  const tensor = (e) => readTensor(dir, e);
  const cases = manifest.cases.map((c) => ({ function: c.function, inputs: c.inputs.map(tensor), outputs: c.outputs.map(tensor) }));
  return { artifact: readFileSync(join(dir, manifest.file)), cases };
}

/** Whether two FLOAT blobs agree within `rtol` of the larger of 1 and |reference|. */
export function closeEnough(got, want, rtol) {
  if (got.length !== want.length) return false;
  const a = new Float32Array(new Uint8Array(got).buffer);
  const b = new Float32Array(new Uint8Array(want).buffer);
  return a.every((x, i) => Math.abs(x - b[i]) <= rtol * Math.max(1, Math.abs(b[i])));
}

/**
 * A ModelCase (see bench/models.mjs) run on the server by one `command`. Its setupServer calls
 * `store(client)` to put the model or script there, stores `inputs` under `keys`, runs `command`
 * once and checks the first output, at `outKey`, against `want` (FLOAT) within `rtol`;
 * `reference` names where `want` comes from; `kind` ('tiny' | 'large') picks the aims it is held to.
 */
export function serverCase({
  label,
  kind,
  iterations,
  throughputIterations,
  clients,
  store,
  keys,
  inputs,
  command,
  outKey,
  want,
  rtol,
  reference,
  runInProcess,
  dispose,
}) {
  return {
    name: label,
    kind,
    iterations,
    throughputIterations,
    clients,
    async setupServer(client) {
      await store(client);
      for (const [i, t] of inputs.entries()) {
        await client.redis.sendCommand(['AI.TENSORSET', keys[i], t.dtype, ...t.shape.map(String), 'BLOB', t.data]);
      }
      await client.redis.sendCommand(command);
      const [, , blob] = await client.redis.sendCommand(['AI.TENSORGET', outKey, 'BLOB'], { typeMapping: { 36: Buffer } });
      if (!closeEnough(blob, want, rtol)) throw new Error(`${label}: the server's output differs from ${reference}`);
    },
    runServer: (client) => client.redis.sendCommand(command),
    runInProcess,
    dispose,
  };
}
