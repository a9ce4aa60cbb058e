"""What the redisai-py drivers share: the operations' results, the test models and the inputs.

`check(op)` decorates a function that runs one operation and asserts its result; `report()`
prints one JSON line per operation: {"op", "ok", "detail"}.
"""

import json
import os
import sys
import traceback

import numpy as np

PORT, MODELS = int(sys.argv[1]), sys.argv[2]
A = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)
B = np.full((2, 3), 2, dtype=np.float32)
SCRIPT = "def addtwo(a, b):\n    return a + b\n"

_results = []


def check(op):
    def run(fn):
        try:
            fn()
            _results.append({"op": op, "ok": True})
        except Exception as err:  # every failure is a result of the matrix
            _results.append({"op": op, "ok": False, "detail": "".join(traceback.format_exception_only(type(err), err)).strip()})
        return fn

    return run


def model(backend, name):
    with open(os.path.join(MODELS, backend, name), "rb") as f:
        return f.read()


def report():
    for r in _results:
        print(json.dumps(r))
