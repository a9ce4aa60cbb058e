// The TORCH backend through redis-py (Debian's python3-redis): a TorchScript model and a script
// stored and run, outputs checked with numpy against Python torch's references; errors arrive
// as redis.ResponseError.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useServer } from '../src/file-server.js';
import { redisPy } from '../src/harness.js';
import { PY_FIXTURES } from '../src/redis-py-fixtures.js';
import { TORCH_BACKEND_ARGS, TORCH_MODELS } from './torch-fixtures.js';

const server = useServer({ args: TORCH_BACKEND_ARGS });

const SCRIPT =
  PY_FIXTURES +
  String.raw`
def run_case(command, key, case, prefix, fn=None):
    ins = []
    for i, e in enumerate(case["inputs"]):
        k = "%s:in%d" % (prefix, i)
        assert r.execute_command("AI.TENSORSET", k, e["dtype"], *e["shape"], "BLOB", read(e).tobytes()) in OK
        ins.append(k)
    outs = ["%s:out%d" % (prefix, i) for i in range(len(case["outputs"]))]
    head = [command, key] + ([fn] if fn else [])
    assert r.execute_command(*head, "INPUTS", *ins, "OUTPUTS", *outs) in OK
    for k, e in zip(outs, case["outputs"]):
        dtype, shape, data = r.execute_command("AI.TENSORGET", k, "BLOB")
        assert dtype.decode() == e["dtype"] and list(shape) == e["shape"], (k, dtype, shape, e)
        got = np.frombuffer(data, dtype=NP[e["dtype"]]).reshape(e["shape"])
        if e["dtype"] in ("FLOAT", "DOUBLE"):
            np.testing.assert_allclose(got, read(e), rtol=1e-4, atol=1e-5)
        else:
            np.testing.assert_array_equal(got, read(e))
    return len(outs)

checked = 0
tuple3 = load_manifest("tuple3")
blob = open(os.path.join(models, tuple3["file"]), "rb").read()
assert r.execute_command("AI.MODELSET", "py:tuple3", "TORCH", "CPU", "BLOB", blob) in OK
backend, device, stored = r.execute_command("AI.MODELGET", "py:tuple3")
assert (backend, device, stored) == (b"TORCH", b"CPU", blob)
checked += run_case("AI.MODELRUN", "py:tuple3", tuple3["cases"][0], "py:tuple3")

functions = load_manifest("functions")
source = open(os.path.join(models, functions["file"])).read()
assert r.execute_command("AI.SCRIPTSET", "py:fns", "CPU", source) in OK
assert r.execute_command("AI.SCRIPTGET", "py:fns") == [b"CPU", source.encode()]
assert r.type("py:fns") == b"AI_SCRIPT"
for i, case in enumerate(functions["cases"]):
    checked += run_case("AI.SCRIPTRUN", "py:fns", case, "py:fns:%d" % i, case["function"])

bad = load_manifest("compile_error")
try:
    r.execute_command("AI.SCRIPTSET", "py:bad", "CPU", open(os.path.join(models, bad["file"])).read())
    raise SystemExit("compile error not reported")
except redis.ResponseError as err:
    want = "line %d, column %d" % (bad["error"]["line"], bad["error"]["column"])
    assert want in str(err) and bad["error"]["reason"] in str(err), str(err)

raises = load_manifest("raises")
assert r.execute_command("AI.SCRIPTSET", "py:raise", "CPU", open(os.path.join(models, raises["file"])).read()) in OK
x = raises["cases"][0]["inputs"][0]
r.execute_command("AI.TENSORSET", "py:x", x["dtype"], *x["shape"], "BLOB", read(x).tobytes())
try:
    r.execute_command("AI.SCRIPTRUN", "py:raise", raises["error"]["function"], "INPUTS", "py:x", "OUTPUTS", "py:y")
    raise SystemExit("the script's exception was not reported")
except redis.ResponseError as err:
    assert str(err).endswith(raises["error"]["message"]), str(err)
assert r.exists("py:y") == 0
assert r.ping()
assert r.execute_command("AI.SCRIPTDEL", "py:fns") in OK
assert r.exists("py:fns") == 0
print("checked", checked)
`;

test('redis-py: a TorchScript model and a script, outputs checked with numpy; errors as ResponseError', async () => {
  const r = await redisPy(server.port, { code: SCRIPT }, [TORCH_MODELS]);
  assert.equal(r.code, 0, `redis-py script failed:\n${r.stderr}`);
  assert.match(r.stdout, /^checked (\d+)\s*$/);
  assert.ok(Number(/checked (\d+)/.exec(r.stdout)![1]) >= 9, r.stdout);
});
