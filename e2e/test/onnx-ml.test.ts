// An ONNX-ML classifier (scikit-learn's logistic regression through skl2onnx, made by
// fixtures/onnx-ml/make_logreg.py): its tensor output (the labels) is stored and matches Python
// onnxruntime's; its sequence-of-maps output (the probabilities) is skipped, as RedisAI 0.9 did,
// or with --non-tensor-outputs tensor stored as the FLOAT [N, classes] tensor the ZipMap read,
// equal to Python onnxruntime's probabilities.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Cli, cliFor, cliTensor, errorOf, storeTensors } from '../src/cli-calls.js';
import { asArray, asBuffer, asInteger } from '../src/cli-format.js';
import { useServer } from '../src/file-server.js';
import {
  type ModelFixture,
  type TensorEntry,
  assertBytesClose,
  assertSameBytes,
  modelFixture,
  modelsDir,
  readManifest,
  readTensor,
} from '../src/fixtures.js';
import { redisPy } from '../src/harness.js';
import { PY_FIXTURES } from '../src/redis-py-fixtures.js';
import { ONNX_BACKEND_ARGS } from './onnx-fixtures.js';

const server = useServer({ args: ONNX_BACKEND_ARGS });
const cli = cliFor(server);
const DIR = modelsDir('onnx-ml');
/** Python onnxruntime's probability maps as FLOAT [N, classes], columns in the ZipMap's class order. */
const PROBABILITIES = readTensor(DIR, (readManifest(DIR, 'logreg') as { probabilities: TensorEntry }).probabilities);

async function cliConfig(cli: Cli, name: string): Promise<string> {
  const reply = asArray(await cli(['CONFIG', 'GET', name]));
  return asBuffer(reply[1]).toString();
}

/** Runs `model` on the fixture's input into `<prefix>:label` and `<prefix>:probs`; checks the labels. */
async function runLogreg(cli: Cli, model: string, prefix: string, fx: ModelFixture): Promise<void> {
  const [x] = await storeTensors(cli, prefix, fx.inputs);
  assert.deepEqual(await cli(['AI.MODELRUN', model, 'INPUTS', x!, 'OUTPUTS', `${prefix}:label`, `${prefix}:probs`]), { status: 'OK' });
  const label = await cliTensor(cli, `${prefix}:label`);
  assert.deepEqual([label.dtype, label.shape], ['INT64', fx.outputs[0]!.shape]);
  assertSameBytes(label.blob, fx.outputs[0]!.bytes, 'labels');
}

async function assertProbabilities(cli: Cli, key: string): Promise<void> {
  const probs = await cliTensor(cli, key);
  assert.deepEqual([probs.dtype, probs.shape], ['FLOAT', PROBABILITIES.shape]);
  assertBytesClose('FLOAT', probs.blob, PROBABILITIES.bytes, key, 1e-5);
}

describe('redis-cli: an ONNX-ML classifier with a non-tensor output', () => {
  const fx = modelFixture(DIR, 'logreg');

  test('AI.MODELRUN stores the labels and skips the probabilities; the run counts as a success', async () => {
    assert.equal(await cliConfig(cli, 'non-tensor-outputs'), 'skip');
    assert.deepEqual(await cli(['AI.MODELSET', 'lr', 'ONNX', 'CPU'], fx.model), { status: 'OK' });
    await runLogreg(cli, 'lr', 'lr', fx);
    assert.deepEqual(await cli(['EXISTS', 'lr:probs']), { integer: 0n });
    const info = asArray(await cli(['AI.INFO', 'lr']));
    assert.deepEqual(
      [11, 13, 15].map((i) => asInteger(info[i])),
      [5n, 1n, 0n],
      'SAMPLES, CALLS, ERRORS',
    );
  });

  test('a key already at the skipped output is left as it was', async () => {
    assert.deepEqual(await cli(['AI.TENSORSET', 'lr:kept', 'UINT8', '1', 'VALUES', '9']), { status: 'OK' });
    assert.deepEqual(await cli(['AI.MODELEXECUTE', 'lr', 'INPUTS', '1', 'lr:in0', 'OUTPUTS', '2', 'lr:label2', 'lr:kept']), {
      status: 'OK',
    });
    assertSameBytes((await cliTensor(cli, 'lr:label2')).blob, fx.outputs[0]!.bytes, 'labels');
    assert.deepEqual([...(await cliTensor(cli, 'lr:kept')).blob], [9]);
  });

  test('CONFIG SET non-tensor-outputs tensor applies to models loaded after it; a model loaded before keeps skipping', async () => {
    assert.deepEqual(await cli(['CONFIG', 'SET', 'non-tensor-outputs', 'tensor']), { status: 'OK' });
    try {
      assert.deepEqual(await cli(['AI.MODELSET', 'lr:after', 'ONNX', 'CPU'], fx.model), { status: 'OK' });
      await runLogreg(cli, 'lr', 'before', fx);
      assert.deepEqual(await cli(['EXISTS', 'before:probs']), { integer: 0n });
      await runLogreg(cli, 'lr:after', 'after', fx);
      await assertProbabilities(cli, 'after:probs');
    } finally {
      assert.deepEqual(await cli(['CONFIG', 'SET', 'non-tensor-outputs', 'skip']), { status: 'OK' });
    }
    assert.match(errorOf(await cli(['CONFIG', 'SET', 'non-tensor-outputs', 'maps'])) ?? '', /argument must be one of skip, tensor$/);
    assert.equal(await cliConfig(cli, 'non-tensor-outputs'), 'skip');
  });
});

const PROBS_SCRIPT =
  PY_FIXTURES +
  String.raw`
m = load_manifest("logreg")
blob = open(os.path.join(models, m["model"]), "rb").read()
assert r.execute_command("AI.MODELSET", "py:lr", "ONNX", "CPU", "BLOB", blob) in OK
x = m["inputs"][0]
r.execute_command("AI.TENSORSET", "py:x", x["dtype"], *x["shape"], "BLOB", read(x).tobytes())
assert r.execute_command("AI.MODELRUN", "py:lr", "INPUTS", "py:x", "OUTPUTS", "py:label", "py:probs") in OK
dtype, shape, data = r.execute_command("AI.TENSORGET", "py:probs", "BLOB")
want = read(m["probabilities"])
np.testing.assert_allclose(np.frombuffer(data, dtype="<f4").reshape(shape), want, rtol=1e-5, atol=1e-7)
print("ok", *shape)
`;

for (const isolation of ['process', 'none'] as const) {
  describe(`--non-tensor-outputs tensor, --backend-isolation ${isolation}: the ZipMap's probabilities are stored`, () => {
    const tensorServer = useServer({ args: [...ONNX_BACKEND_ARGS, '--non-tensor-outputs', 'tensor', '--backend-isolation', isolation] });
    const tcli = cliFor(tensorServer);
    const fx = modelFixture(DIR, 'logreg');

    test("AI.MODELRUN and AI.MODELEXECUTE: the second output key holds Python onnxruntime's probabilities; AI.MODELGET gives the blob as sent", async () => {
      assert.equal(await cliConfig(tcli, 'non-tensor-outputs'), 'tensor');
      assert.deepEqual(await tcli(['AI.MODELSET', 'lr', 'ONNX', 'CPU', 'BLOB'], fx.model), { status: 'OK' });
      await runLogreg(tcli, 'lr', 'lr', fx);
      await assertProbabilities(tcli, 'lr:probs');
      assert.deepEqual(await tcli(['AI.MODELEXECUTE', 'lr', 'INPUTS', '1', 'lr:in0', 'OUTPUTS', '2', 'lr:label2', 'lr:probs2']), {
        status: 'OK',
      });
      assertSameBytes((await cliTensor(tcli, 'lr:label2')).blob, fx.outputs[0]!.bytes, 'labels');
      await assertProbabilities(tcli, 'lr:probs2');
      const got = asArray(await tcli(['AI.MODELGET', 'lr']));
      assertSameBytes(asBuffer(got[2]), fx.model, 'AI.MODELGET blob');
      const info = asArray(await tcli(['AI.INFO', 'lr']));
      assert.deepEqual(
        [13, 15].map((i) => asInteger(info[i])),
        [2n, 0n],
        'CALLS, ERRORS',
      );
    });

    if (isolation === 'process') {
      test("redis-py: the probabilities checked with numpy against onnxruntime's", async () => {
        const r = await redisPy(tensorServer.port, { code: PROBS_SCRIPT }, [DIR]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^ok 5 3\s*$/);
      });
    }
  });
}

const SCRIPT =
  PY_FIXTURES +
  String.raw`
m = load_manifest("logreg")
blob = open(os.path.join(models, m["model"]), "rb").read()
assert r.execute_command("AI.MODELSET", "py:lr", "ONNX", "CPU", blob) in OK
x = m["inputs"][0]
r.execute_command("AI.TENSORSET", "py:x", x["dtype"], *x["shape"], "BLOB", read(x).tobytes())
assert r.execute_command("AI.MODELRUN", "py:lr", "INPUTS", "py:x", "OUTPUTS", "py:label", "py:probs") in OK
dtype, shape, data = r.execute_command("AI.TENSORGET", "py:label", "BLOB")
want = read(m["outputs"][0])
np.testing.assert_array_equal(np.frombuffer(data, dtype="<i8").reshape(shape), want)
assert r.exists("py:probs") == 0
print("ok", len(want))
`;

test('redis-py: the same run, labels checked with numpy against onnxruntime', async () => {
  const r = await redisPy(server.port, { code: SCRIPT }, [DIR]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ok 5\s*$/);
});
