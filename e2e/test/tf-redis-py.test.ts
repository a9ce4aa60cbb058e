// TF graphs through redis-py (Debian's python3-redis): MODELSET with INPUTS / OUTPUTS, MODELGET,
// MODELRUN checked with numpy against the outputs TensorFlow computed; errors as ResponseError.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useServer } from '../src/file-server.js';
import { redisPy } from '../src/harness.js';
import { PY_FIXTURES } from '../src/redis-py-fixtures.js';
import { RUN_CASES, TF_BACKEND_ARGS, TF_MODELS, exactOutputs } from './tf-fixtures.js';

const server = useServer({ args: TF_BACKEND_ARGS });

const SCRIPT =
  PY_FIXTURES +
  String.raw`
name, exact = sys.argv[3], sys.argv[4] == "exact"
manifest = load_manifest(name)
blob = open(os.path.join(models, manifest["model"]), "rb").read()
key = "py:" + name
ins = [e["name"] for e in manifest["inputs"]]
outs = [e["name"] for e in manifest["outputs"]]
assert r.execute_command("AI.MODELSET", key, "TF", "CPU", "INPUTS", *ins, "OUTPUTS", *outs, blob) in OK
backend, device, stored = r.execute_command("AI.MODELGET", key)
assert (backend, device) == (b"TF", b"CPU"), (backend, device)
assert stored == blob

def blob_of(array, dtype):
    if dtype == "STRING":
        return b"".join(v + b"\0" for v in array.reshape(-1))
    return np.ascontiguousarray(array).tobytes()

in_keys = []
for i, e in enumerate(manifest["inputs"]):
    k = "%s:in%d" % (key, i)
    assert r.execute_command("AI.TENSORSET", k, e["dtype"], *e["shape"], "BLOB", blob_of(read(e), e["dtype"])) in OK
    in_keys.append(k)
out_keys = ["%s:out%d" % (key, i) for i in range(len(outs))]
assert r.execute_command("AI.MODELRUN", key, "INPUTS", *in_keys, "OUTPUTS", *out_keys) in OK
for k, e in zip(out_keys, manifest["outputs"]):
    dtype, shape, data = r.execute_command("AI.TENSORGET", k, "BLOB")
    assert dtype.decode() == e["dtype"], (dtype, e["dtype"])
    assert list(shape) == e["shape"], (shape, e["shape"])
    want = read(e)
    if e["dtype"] == "STRING":
        got = np.array(data.split(b"\0")[:-1], dtype=object).reshape(e["shape"])
        assert got.tolist() == want.tolist(), (got, want)
    else:
        got = np.frombuffer(data, dtype=NP[e["dtype"]]).reshape(e["shape"])
        if exact or e["dtype"] not in ("FLOAT", "DOUBLE"):
            assert got.tobytes() == want.tobytes(), (e["name"], got, want)
        else:
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)

try:
    r.execute_command("AI.MODELSET", "py:bad", "TF", "CPU", "INPUTS", *ins, "OUTPUTS", "no_such_node", blob)
    raise AssertionError("MODELSET with an unknown node did not fail")
except redis.ResponseError as err:
    assert "no_such_node" in str(err), str(err)
try:
    r.execute_command("AI.MODELSET", "py:bad", "TF", "CPU", "OUTPUTS", *outs, blob)
    raise AssertionError("MODELSET without INPUTS did not fail")
except redis.ResponseError as err:
    assert "INPUTS" in str(err), str(err)
assert r.exists("py:bad") == 0
assert r.ping()
assert r.delete(key) == 1
print("ok %s: %d outputs" % (name, len(outs)))
`;

describe('redis-py: TF graphs', () => {
  for (const name of RUN_CASES) {
    test(`${name}: MODELSET, MODELGET, MODELRUN match TensorFlow; errors raise ResponseError`, async () => {
      const r = await redisPy(server.port, { code: SCRIPT }, [TF_MODELS, name, exactOutputs(name) ? 'exact' : 'close']);
      assert.equal(r.code, 0, `redis-py ${name} failed:\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^ok ${name}: \\d+ outputs`, 'm'));
    });
  }
});
