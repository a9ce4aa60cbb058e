// ONNX models through redis-py (Debian's python3-redis), outputs checked with numpy against the
// references torch computed when the models were made.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useServer } from '../src/file-server.js';
import { redisPy } from '../src/harness.js';
import { PY_FIXTURES } from '../src/redis-py-fixtures.js';
import { ONNX_BACKEND_ARGS, ONNX_MODELS } from './onnx-fixtures.js';

const server = useServer({ args: ONNX_BACKEND_ARGS });

const SCRIPT =
  PY_FIXTURES +
  String.raw`
name = sys.argv[3]
manifest = load_manifest(name)
blob = open(os.path.join(models, manifest["model"]), "rb").read()
key = "py:" + name
assert r.execute_command("AI.MODELSET", key, "ONNX", "CPU", blob) in OK
backend, device, stored = r.execute_command("AI.MODELGET", key)
assert (backend, device) == (b"ONNX", b"CPU"), (backend, device)
assert stored == blob
assert r.type(key) == b"AI__MODEL"

ins, outs = [], []
pipe = r.pipeline(transaction=False)
for i, e in enumerate(manifest["inputs"]):
    k = "%s:in%d" % (key, i)
    pipe.execute_command("AI.TENSORSET", k, e["dtype"], *e["shape"], "BLOB", read(e).tobytes())
    ins.append(k)
assert all(x in OK for x in pipe.execute())
outs = ["%s:out%d" % (key, i) for i in range(len(manifest["outputs"]))]
assert r.execute_command("AI.MODELRUN", key, "INPUTS", *ins, "OUTPUTS", *outs) in OK
checks = 0
for k, e in zip(outs, manifest["outputs"]):
    dtype, shape, data = r.execute_command("AI.TENSORGET", k, "BLOB")
    assert dtype.decode() == e["dtype"], (dtype, e["dtype"])
    assert list(shape) == e["shape"], (shape, e["shape"])
    got = np.frombuffer(data, dtype=NP[e["dtype"]]).reshape(e["shape"])
    want = read(e)
    if e["dtype"] in ("FLOAT", "DOUBLE"):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    else:
        np.testing.assert_array_equal(got, want)
    checks += 1

info = r.execute_command("AI.INFO", key)
fields = dict(zip([f.decode() if isinstance(f, bytes) else f for f in info[0::2]], info[1::2]))
assert fields["CALLS"] == 1 and fields["ERRORS"] == 0, fields
assert fields["SAMPLES"] == manifest["inputs"][0]["shape"][0], fields

try:
    r.execute_command("AI.MODELRUN", key, "INPUTS", "py:missing", "OUTPUTS", "py:o")
    raise AssertionError("MODELRUN with a missing input did not fail")
except redis.ResponseError as err:
    assert str(err) == "Input key is empty", str(err)
try:
    r.execute_command("AI.MODELSET", "py:bad", "ONNX", "CPU", blob[: len(blob) // 2])
    raise AssertionError("MODELSET with a truncated blob did not fail")
except redis.ResponseError as err:
    assert "protobuf parsing failed" in str(err), str(err)
assert r.exists("py:bad") == 0
assert r.delete(key) == 1
print("ok %s: %d outputs" % (name, checks))
`;

describe('redis-py: ONNX models', () => {
  for (const name of ['tiny_mul', 'mnist_cnn', 'int64_affine', 'two_outputs', 'dtypes']) {
    test(`${name}: MODELSET, MODELGET, MODELRUN match numpy references; errors raise ResponseError`, async () => {
      const r = await redisPy(server.port, { code: SCRIPT }, [ONNX_MODELS, name]);
      assert.equal(r.code, 0, `redis-py ${name} failed:\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^ok ${name}: \\d+ outputs`, 'm'));
    });
  }
});
