/**
 * The start of a redis-py script that reads fixture manifests (e2e/src/fixtures.ts describes
 * them), run as `redisPy(port, { code: PY_FIXTURES + script }, [modelsDir, ...args])`. It
 * defines `r` (redis-py on argv[1]), `models` (argv[2]), `OK` (what a successful command may
 * answer), `NP` (dtype word to numpy dtype), `load_manifest(name)` and `read(entry)` (a
 * tensor file as a numpy array; STRING as an object array of bytes).
 */
export const PY_FIXTURES = String.raw`
import json, os, sys
import numpy as np
import redis

models = sys.argv[2]
r = redis.Redis(port=int(sys.argv[1]))
OK = (b"OK", "OK", True)
NP = {"FLOAT": "<f4", "DOUBLE": "<f8", "INT8": "i1", "INT16": "<i2", "INT32": "<i4", "INT64": "<i8",
      "UINT8": "u1", "UINT16": "<u2", "BOOL": "?"}

def load_manifest(name):
    return json.load(open(os.path.join(models, name + ".json")))

def read(entry):
    raw = open(os.path.join(models, entry["file"]), "rb").read()
    if entry["dtype"] == "STRING":
        return np.array(raw.split(b"\0")[:-1], dtype=object).reshape(entry["shape"])
    return np.frombuffer(raw, dtype=NP[entry["dtype"]]).reshape(entry["shape"])
`;
