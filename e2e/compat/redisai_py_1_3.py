"""Drives redisai-py 1.3.0, unchanged from PyPI, through every operation it offers against a
modelkv server in RedisAI 1.2 mode (--redisai-compat 1.2), checking each result, and prints one
JSON line per operation: {"op", "ok", "detail"}.

    python redisai_py_1_3.py PORT MODELS_DIR
"""

import os
import warnings

import numpy as np
from matrix import A, B, PORT, SCRIPT, check, model, report
from redisai import Client

warnings.simplefilter("ignore")
con = Client(port=PORT)
ENTRY_POINTS = """
def add(tensors: List[Tensor], keys: List[str], args: List[str]):
    return tensors[0] + tensors[1]

def scale(tensors: List[Tensor], keys: List[str], args: List[str]):
    return tensors[0] * float(args[0])
"""


@check("loadbackend")
def _():
    assert con.loadbackend("TORCH", "packages/backend-torch") == "OK"


@check("config (MODEL_CHUNK_SIZE, BACKENDSPATH: set and get)")
def _():
    assert con.config("MODEL_CHUNK_SIZE") == 511 * 1024 * 1024
    assert con.config("MODEL_CHUNK_SIZE", 100) == "OK"
    assert con.config("MODEL_CHUNK_SIZE") == 100
    assert con.config("BACKENDSPATH", os.getcwd()) == "OK"
    assert con.config("BACKENDSPATH") == os.getcwd()


@check("tensorset (numpy) + tensorget (numpy)")
def _():
    assert con.tensorset("py:a", A) == "OK"
    assert con.tensorset("py:b", B) == "OK"
    got = con.tensorget("py:a")
    assert got.dtype == np.float32 and np.array_equal(got, A), got


@check("tensorset (list) + tensorget (as_numpy=False)")
def _():
    assert con.tensorset("py:list", [2, 3, 4, 5], shape=(2, 2), dtype="int16") == "OK"
    got = con.tensorget("py:list", as_numpy=False)
    assert got == {"dtype": "INT16", "shape": [2, 2], "values": [2, 3, 4, 5]}, got


@check("tensorget (meta_only)")
def _():
    assert con.tensorget("py:a", meta_only=True) == {"dtype": "FLOAT", "shape": [2, 3]}


@check("tensorget (as_numpy_mutable)")
def _():
    got = con.tensorget("py:a", as_numpy_mutable=True)
    got[0, 0] = 100
    assert got[0, 0] == 100 and np.array_equal(con.tensorget("py:a"), A)


@check("tensorset + tensorget (STRING, numpy)")
def _():
    words = np.array(["first", "second", "third"])
    assert con.tensorset("py:words", words) == "OK"
    got = con.tensorget("py:words")
    assert list(got) == ["first", "second", "third"], got


@check("modelstore (TF, tag, node names) + modelexecute")
def _():
    assert con.modelstore("py:tf", "TF", "CPU", model("tf", "mul.pb"), tag="mul:v1", inputs=["a", "b"], outputs=["c"]) == "OK"
    assert con.modelexecute("py:tf", inputs=["py:a", "py:b"], outputs=["py:c"]) == "OK"
    assert np.array_equal(con.tensorget("py:c"), A * B)


@check("modelstore (TORCH, batching options, blob in chunks) + modelexecute with TIMEOUT")
def _():
    blob = model("torch", "addtwo.pt")
    assert len(blob) > 100, "the blob goes in several MODEL_CHUNK_SIZE chunks"
    assert con.modelstore("py:torch", "TORCH", "CPU", blob, batch=4, minbatch=2, minbatchtimeout=20) == "OK"
    assert con.modelexecute("py:torch", inputs=["py:a", "py:b"], outputs="py:s", timeout=5000) == "OK"
    assert np.array_equal(con.tensorget("py:s"), A + B)


@check("modelstore (ONNX) + modelexecute")
def _():
    assert con.modelstore("py:onnx", "ONNX", "CPU", model("onnx", "tiny_mul.onnx")) == "OK"
    assert con.modelexecute("py:onnx", inputs=["py:a", "py:b"], outputs=["py:p"]) == "OK"
    assert np.array_equal(con.tensorget("py:p"), A * B)


@check("modelset (deprecated) + modelrun (deprecated)")
def _():
    assert con.modelset("py:old", "TF", "CPU", model("tf", "mul.pb"), inputs=["a", "b"], outputs=["c"]) == "OK"
    assert con.modelrun("py:old", ["py:a", "py:b"], ["py:o"]) == "OK"
    assert np.array_equal(con.tensorget("py:o"), A * B)


@check("modelget (meta_only)")
def _():
    meta = con.modelget("py:torch", meta_only=True)
    assert meta == {
        "backend": "TORCH",
        "device": "CPU",
        "tag": "",
        "batchsize": 4,
        "minbatchsize": 2,
        "inputs": [],
        "outputs": [],
        "minbatchtimeout": 20,
    }, meta


@check("modelget (with the blob, in MODEL_CHUNK_SIZE chunks)")
def _():
    got = con.modelget("py:tf")
    blob = got["blob"]
    joined = b"".join(blob) if isinstance(blob, list) else blob
    assert joined == model("tf", "mul.pb") and got["tag"] == "mul:v1" and got["inputs"] == ["a", "b"], got


@check("modelscan")
def _():
    scan = con.modelscan()
    assert ["py:tf", "mul:v1"] in scan and ["py:onnx", ""] in scan, scan


@check("modeldel")
def _():
    assert con.modeldel("py:onnx") == "OK"
    assert con.exists("py:onnx") == 0


@check("scriptset (deprecated) + scriptrun (deprecated)")
def _():
    assert con.scriptset("py:script", "CPU", SCRIPT, tag="s:v1") == "OK"
    assert con.scriptrun("py:script", "addtwo", ["py:a", "py:b"], ["py:ss"]) == "OK"
    assert np.array_equal(con.tensorget("py:ss"), A + B)


@check("scriptexecute (a script of AI.SCRIPTSET: tensors as arguments)")
def _():
    assert con.scriptexecute("py:script", "addtwo", inputs=["py:a", "py:b"], outputs=["py:se"]) == "OK"
    assert np.array_equal(con.tensorget("py:se"), A + B)


@check("scriptstore (entry points) + scriptexecute (tensors, keys and args lists)")
def _():
    assert con.scriptstore("py:ep", "CPU", ENTRY_POINTS, entry_points=["add", "scale"], tag="ep:v1") == "OK"
    assert con.scriptexecute("py:ep", "add", keys=["py:a"], inputs=["py:a", "py:b"], outputs=["py:epo"]) == "OK"
    assert np.array_equal(con.tensorget("py:epo"), A + B)
    assert con.scriptexecute("py:ep", "scale", inputs=["py:a"], args=["0.5"], outputs=["py:half"], timeout=5000) == "OK"
    assert np.array_equal(con.tensorget("py:half"), A * 0.5)


@check("scriptget (meta_only and with the source)")
def _():
    assert con.scriptget("py:script", meta_only=True) == {"device": "CPU", "tag": "s:v1"}
    got = con.scriptget("py:ep")
    # The client decodes string values, not the entry points' list.
    assert got == {"device": "CPU", "tag": "ep:v1", "entry points": [b"add", b"scale"], "source": ENTRY_POINTS}, got


@check("scriptscan")
def _():
    scan = con.scriptscan()
    assert ["py:script", "s:v1"] in scan and ["py:ep", "ep:v1"] in scan, scan


@check("scriptdel")
def _():
    assert con.scriptdel("py:script") == "OK"
    assert con.exists("py:script") == 0


@check("infoget + inforeset")
def _():
    info = con.infoget("py:tf")
    want = {"key": "py:tf", "type": "MODEL", "backend": "TF", "device": "CPU", "tag": "mul:v1", "samples": 2, "calls": 1, "errors": 0}
    assert {k: info[k] for k in want} == want and info["duration"] > 0, info
    assert con.inforeset("py:tf") == "OK"
    assert con.infoget("py:tf")["calls"] == 0


@check("dag (LOAD, PERSIST: tensorset, modelexecute, tensorget)")
def _():
    dag = con.dag(load=["py:a"], persist=["py:dag"])
    dag.tensorset("two", B)
    dag.modelexecute("py:tf", inputs=["py:a", "two"], outputs=["py:dag"])
    dag.tensorget("py:dag")
    replies = dag.execute()
    assert replies[:2] == ["OK", "OK"] and np.array_equal(replies[2], A * B), replies
    assert np.array_equal(con.tensorget("py:dag"), A * B) and con.exists("two") == 0


@check("dag (ROUTING, TIMEOUT: scriptexecute)")
def _():
    dag = con.dag(routing="py:a", timeout=5000)
    dag.tensorset("x", A)
    dag.scriptexecute("py:ep", "add", inputs=["x", "x"], outputs=["y"])
    dag.tensorget("y", as_numpy=False)
    replies = dag.execute()
    assert replies[:2] == ["OK", "OK"] and replies[2]["values"] == [float(v) for v in (A + A).flat], replies


@check("dag (readonly)")
def _():
    dag = con.dag(load="py:a", readonly=True)
    # Dag.tensorget asks for META BLOB whatever meta_only says, and then leaves the reply a dict.
    dag.tensorget("py:a", meta_only=True)
    [got] = dag.execute()
    assert got["dtype"] == "FLOAT" and got["shape"] == [2, 3], got


@check("dag (deprecated AI.DAGRUN: modelrun)")
def _():
    dag = con.dag()
    dag.tensorset("x", A)
    dag.tensorset("y", B)
    dag.modelrun("py:tf", inputs=["x", "y"], outputs=["z"])
    dag.tensorget("z")
    replies = dag.run()
    assert replies[:3] == ["OK", "OK", "OK"] and np.array_equal(replies[3], A * B), replies


@check("pipeline (transaction=False: tensorset, tensorget, a plain redis command)")
def _():
    pipe = con.pipeline(transaction=False)
    pipe.tensorset("py:pipe", A)
    pipe.tensorget("py:pipe")
    pipe.exists("py:pipe")
    replies = pipe.execute()
    assert replies[0] == b"OK" and np.array_equal(replies[1], A) and replies[2] == 1, replies


@check("pipeline (transaction=True: MULTI ... EXEC with tensorset, AI.MODELEXECUTE, tensorget)")
def _():
    pipe = con.pipeline(transaction=True)
    pipe.tensorset("py:tx:a", A)
    pipe.tensorset("py:tx:b", B)
    # The client's Pipeline has no modelexecute: the command goes as redis-py sends any other.
    pipe.execute_command("AI.MODELEXECUTE", "py:tf", "INPUTS", 2, "py:tx:a", "py:tx:b", "OUTPUTS", 1, "py:tx:c")
    pipe.tensorget("py:tx:c")
    replies = pipe.execute()
    assert replies[:3] == [b"OK", b"OK", b"OK"] and np.array_equal(replies[3], A * B), replies
    assert con.tensorget("py:tx:c").tolist() == (A * B).tolist()


report()
