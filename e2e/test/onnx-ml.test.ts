// An ONNX-ML classifier (scikit-learn's logistic regression through skl2onnx, made by
// fixtures/onnx-ml/make_logreg.py): its tensor output (the labels) is stored and matches Python
// onnxruntime's; its sequence-of-maps output (the probabilities) is skipped, as RedisAI 0.9 did.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cliFor, cliTensor, storeTensors } from '../src/cli-calls.js';
import { asArray, asInteger } from '../src/cli-format.js';
import { useServer } from '../src/file-server.js';
import { assertSameBytes, modelFixture, modelsDir } from '../src/fixtures.js';
import { redisPy } from '../src/harness.js';
import { PY_FIXTURES } from '../src/redis-py-fixtures.js';
import { ONNX_BACKEND_ARGS } from './onnx-fixtures.js';

const server = useServer({ args: ONNX_BACKEND_ARGS });
const cli = cliFor(server);
const DIR = modelsDir('onnx-ml');

describe('redis-cli: an ONNX-ML classifier with a non-tensor output', () => {
  const fx = modelFixture(DIR, 'logreg');

  test('AI.MODELRUN stores the labels and skips the probabilities; the run counts as a success', async () => {
    assert.deepEqual(await cli(['AI.MODELSET', 'lr', 'ONNX', 'CPU'], fx.model), { status: 'OK' });
    const [x] = await storeTensors(cli, 'lr', fx.inputs);
    assert.deepEqual(await cli(['AI.MODELRUN', 'lr', 'INPUTS', x!, 'OUTPUTS', 'lr:label', 'lr:probs']), { status: 'OK' });
    const label = await cliTensor(cli, 'lr:label');
    assert.deepEqual([label.dtype, label.shape], ['INT64', fx.outputs[0]!.shape]);
    assertSameBytes(label.blob, fx.outputs[0]!.bytes, 'labels');
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
});

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
