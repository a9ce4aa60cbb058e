"""Drives redisai-py 0.5.0, unchanged from PyPI, through every operation it offers against a
modelkv server in its default (RedisAI 0.9) mode, checking each result, and prints one JSON line
per operation: {"op", "ok", "detail"}.

    python redisai_py_0_5.py PORT MODELS_DIR
"""

import numpy as np
from matrix import A, B, PORT, SCRIPT, check, model, report
from redisai import Backend, Client, Device, DType

con = Client(port=PORT)


@check("loadbackend")
def _():
    assert con.loadbackend("TORCH", "packages/backend-torch") == b"OK"


@check("tensorset (numpy) + tensorget (numpy)")
def _():
    assert con.tensorset("py5:a", A) == b"OK"
    assert con.tensorset("py5:b", B) == b"OK"
    got = con.tensorget("py5:a")
    assert got.dtype == np.float32 and got.shape == (2, 3) and np.array_equal(got, A), got


@check("tensorset (sequence) + tensorget (as_numpy=False)")
def _():
    assert con.tensorset("py5:seq", (2, 3, 4, 5), dtype=DType.int16, shape=(2, 2)) == b"OK"
    got = con.tensorget("py5:seq", as_numpy=False)
    assert got.value == [2, 3, 4, 5] and got.shape == (2, 2) and got.dtype == DType.int16, got


@check("tensorget (meta_only)")
def _():
    got = con.tensorget("py5:a", meta_only=True)
    assert got.value == [] and got.shape == (2, 3) and got.dtype == DType.float, got


@check("modelset (TF) + modelrun")
def _():
    assert con.modelset("py5:tf", Backend.tf, Device.cpu, model("tf", "mul.pb"), inputs=["a", "b"], outputs="c") == b"OK"
    assert con.modelrun("py5:tf", ["py5:a", "py5:b"], ["py5:c"]) == b"OK"
    assert np.array_equal(con.tensorget("py5:c"), A * B)


@check("modelset (TORCH) + modelrun")
def _():
    assert con.modelset("py5:torch", Backend.torch, Device.cpu, model("torch", "addtwo.pt")) == b"OK"
    assert con.modelrun("py5:torch", ["py5:a", "py5:b"], "py5:s") == b"OK"
    assert np.array_equal(con.tensorget("py5:s"), A + B)


@check("modelset (ONNX) + modelrun")
def _():
    assert con.modelset("py5:onnx", Backend.onnx, Device.cpu, model("onnx", "tiny_mul.onnx")) == b"OK"
    assert con.modelrun("py5:onnx", ["py5:a", "py5:b"], ["py5:p"]) == b"OK"
    assert np.array_equal(con.tensorget("py5:p"), A * B)


@check("modelget")
def _():
    got = con.modelget("py5:tf")
    assert got.backend == Backend.tf and got.device == Device.cpu and got.data == model("tf", "mul.pb"), got[1:]


@check("modeldel")
def _():
    assert con.modeldel("py5:onnx") == b"OK"
    assert con.exists("py5:onnx") == 0


@check("scriptset + scriptrun")
def _():
    assert con.scriptset("py5:script", Device.cpu, SCRIPT) == b"OK"
    assert con.scriptrun("py5:script", "addtwo", ["py5:a", "py5:b"], ["py5:ss"]) == b"OK"
    assert np.array_equal(con.tensorget("py5:ss"), A + B)


@check("scriptget")
def _():
    got = con.scriptget("py5:script")
    assert got.script == SCRIPT and got.device == Device.cpu, got


@check("scriptdel")
def _():
    assert con.scriptdel("py5:script") == b"OK"
    assert con.exists("py5:script") == 0


report()
