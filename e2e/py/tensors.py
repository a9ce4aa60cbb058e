"""AI.TENSORSET / AI.TENSORGET through redis-py, checked against numpy.

Usage: tensors.py PORT SECTION, SECTION one of spec, dtypes, errors, large, pipeline.
Exits non-zero (with the failing assertion) when the server's behaviour differs.
"""
import sys

import numpy as np
import redis

PORT = int(sys.argv[1])
SECTION = sys.argv[2]
r = redis.Redis(host="127.0.0.1", port=PORT)

NUMERIC = {
    "FLOAT": ("<f4", ["1.5", "-2.25", "0", "0.1", "3.4028234663852886e38", "-7"], (2, 3)),
    "DOUBLE": ("<f8", ["0.1", "-1e300", "2.5", "0.3333333333333333", "1.7976931348623157e308", "-4"], (3, 2)),
    "INT8": ("<i1", ["-128", "127", "0", "-1"], (4,)),
    "INT16": ("<i2", ["-32768", "32767", "1", "-2"], (2, 2)),
    "INT32": ("<i4", ["-2147483648", "2147483647", "5", "-6"], (1, 4)),
    "INT64": ("<i8", ["-9223372036854775808", "9223372036854775807", "0", "42"], (4, 1)),
    "UINT8": ("<u1", ["0", "255", "1", "128"], (2, 2)),
    "UINT16": ("<u2", ["0", "65535", "2", "40000"], (4,)),
    "BOOL": ("<u1", ["0", "1", "1", "0"], (2, 2)),
}
STRINGS = ["a", "hello", "", "ünïcødé ✓"]


def text(value):
    return value.decode() if isinstance(value, bytes) else value


def as_numbers(dtype, elements):
    if np.dtype(NUMERIC[dtype][0]).kind == "f":
        assert all(isinstance(e, bytes) for e in elements), f"{dtype} VALUES must be doubles (bulk in RESP2): {elements!r}"
        return np.array([float(e) for e in elements], dtype=NUMERIC[dtype][0])
    assert all(isinstance(e, int) for e in elements), f"{dtype} VALUES must be integers: {elements!r}"
    return np.array(elements, dtype=NUMERIC[dtype][0])


def check_tensor(key, dtype, shape, expected_blob):
    meta = r.execute_command("AI.TENSORGET", key, "META")
    assert len(meta) == 2 and text(meta[0]) == dtype and list(meta[1]) == list(shape), meta
    blob = r.execute_command("AI.TENSORGET", key, "BLOB")
    assert len(blob) == 3 and text(blob[0]) == dtype and list(blob[1]) == list(shape), blob[:2]
    assert blob[2] == expected_blob, f"{dtype} blob {blob[2]!r} != {expected_blob!r}"
    return r.execute_command("AI.TENSORGET", key, "VALUES")


def section_spec():
    assert r.execute_command("AI.TENSORSET", "foo", "FLOAT", 2, 2, "VALUES", 1, 2, 3, 4) == b"OK"
    expected = np.array([[1, 2], [3, 4]], dtype="<f4")
    values = check_tensor("foo", "FLOAT", (2, 2), expected.tobytes())
    assert np.array_equal(as_numbers("FLOAT", values[2]), expected.ravel()), values
    # Without BLOB or VALUES the tensor is zero-filled.
    assert r.execute_command("AI.TENSORSET", "zeros", "DOUBLE", 3) == b"OK"
    check_tensor("zeros", "DOUBLE", (3,), np.zeros(3, dtype="<f8").tobytes())
    return 2


def section_dtypes():
    checks = 0
    for dtype, (np_type, words, shape) in NUMERIC.items():
        expected = np.array([float(w) if "." in w or "e" in w else int(w) for w in words], dtype=np_type).reshape(shape)
        key = f"py:values:{dtype}"
        assert r.execute_command("AI.TENSORSET", key, dtype, *shape, "VALUES", *words) == b"OK"
        values = check_tensor(key, dtype, shape, expected.tobytes())
        assert np.array_equal(as_numbers(dtype, values[2]), expected.ravel()), (dtype, values[2])
        key = f"py:blob:{dtype}"
        assert r.execute_command("AI.TENSORSET", key, dtype, *shape, "BLOB", expected.tobytes()) == b"OK"
        values = check_tensor(key, dtype, shape, expected.tobytes())
        assert np.array_equal(as_numbers(dtype, values[2]), expected.ravel()), (dtype, values[2])
        checks += 2
    blob = b"".join(s.encode() + b"\0" for s in STRINGS)
    assert r.execute_command("AI.TENSORSET", "py:values:STRING", "STRING", 2, 2, "VALUES", *STRINGS) == b"OK"
    values = check_tensor("py:values:STRING", "STRING", (2, 2), blob)
    assert [text(v) for v in values[2]] == STRINGS, values[2]
    assert r.execute_command("AI.TENSORSET", "py:blob:STRING", "STRING", 4, "BLOB", blob) == b"OK"
    values = check_tensor("py:blob:STRING", "STRING", (4,), blob)
    assert [text(v) for v in values[2]] == STRINGS, values[2]
    return checks + 2


def section_errors():
    bad = [
        ("AI.TENSORSET",),
        ("AI.TENSORSET", "bad"),
        ("AI.TENSORGET", "foo", "META", "BLOB", "BLOB"),
        ("AI.TENSORSET", "bad", "COMPLEX64", 2, "VALUES", 1, 2),
        ("AI.TENSORSET", "bad", "FLOAT", -1, "VALUES", 1),
        ("AI.TENSORSET", "bad", "FLOAT", "x", "VALUES", 1),
        ("AI.TENSORSET", "bad", "FLOAT", 2, 2, "BLOB", b"\0" * 15),
        ("AI.TENSORSET", "bad", "INT8", 1, "VALUES", 300),
        ("AI.TENSORSET", "bad", "UINT16", 1, "VALUES", -1),
        ("AI.TENSORSET", "bad", "FLOAT", 3, "VALUES", 1, 2),
        ("AI.TENSORSET", "bad", "STRING", 2, "BLOB", b"no-terminator"),
        ("AI.TENSORGET", "missing", "BLOB"),
        ("AI.TENSORGET", "foo", "XML"),
    ]
    r.execute_command("AI.TENSORSET", "foo", "FLOAT", 1, "VALUES", 1)
    for command in bad:
        try:
            reply = r.execute_command(*command)
        except redis.exceptions.ResponseError:
            pass
        else:
            raise AssertionError(f"{command!r} answered {reply!r}, expected an error")
        assert r.ping() is True, f"server stopped answering after {command!r}"
    assert r.exists("bad") == 0
    return len(bad)


def section_large():
    rng = np.random.default_rng(7)
    tensor = rng.standard_normal((1024, 2048), dtype=np.float32)
    blob = tensor.astype("<f4").tobytes()
    assert len(blob) == 8 * 1024 * 1024
    assert r.execute_command("AI.TENSORSET", "py:big", "FLOAT", 1024, 2048, "BLOB", blob) == b"OK"
    reply = r.execute_command("AI.TENSORGET", "py:big", "BLOB")
    assert text(reply[0]) == "FLOAT" and list(reply[1]) == [1024, 2048]
    assert reply[2] == blob, "8 MiB blob differs"
    back = np.frombuffer(reply[2], dtype="<f4").reshape(1024, 2048)
    assert np.array_equal(back, tensor)
    assert r.delete("py:big") == 1
    return 1


def section_pipeline():
    pipe = r.pipeline(transaction=False)
    n = 300
    for i in range(n):
        pipe.execute_command("AI.TENSORSET", f"py:p{i}", "INT32", 1, "VALUES", i)
        pipe.execute_command("AI.TENSORGET", f"py:p{i}", "VALUES")
        if i % 10 == 0:
            pipe.execute_command("AI.TENSORSET", f"py:p{i}", "INT8", 1, "VALUES", 1000)
        pipe.execute_command("AI.TENSORGET", f"py:p{i}", "META")
    replies = pipe.execute(raise_on_error=False)
    k = 0
    for i in range(n):
        assert replies[k] == b"OK", replies[k]
        assert replies[k + 1][2] == [i], (i, replies[k + 1])
        k += 2
        if i % 10 == 0:
            assert isinstance(replies[k], redis.exceptions.ResponseError), replies[k]
            k += 1
        assert text(replies[k][0]) == "INT32" and list(replies[k][1]) == [1], replies[k]
        k += 1
    assert k == len(replies)
    return len(replies)


SECTIONS = {
    "spec": section_spec,
    "dtypes": section_dtypes,
    "errors": section_errors,
    "large": section_large,
    "pipeline": section_pipeline,
}

print(f"ok {SECTION}: {SECTIONS[SECTION]()} checks")
