"""MULTI / EXEC / WATCH through redis-py's own transaction tools: pipeline() (which wraps its
commands in MULTI / EXEC by default), WATCH with WatchError, Redis.transaction() retrying, and the
queued-command errors redis-py raises.

Usage: transactions.py PORT MODEL_FILE. Prints "ok transactions: N checks"; exits non-zero on a
failed assertion.
"""
import sys
import threading

import redis

PORT = int(sys.argv[1])
with open(sys.argv[2], "rb") as f:
    MODEL = f.read()

r = redis.Redis(host="127.0.0.1", port=PORT)
other = redis.Redis(host="127.0.0.1", port=PORT)
checks = 0


def check(condition, what):
    global checks
    assert condition, what
    checks += 1


# The default pipeline is a transaction: a model uploaded, run and read back in one EXEC.
p = r.pipeline()
p.execute_command("AI.MODELSET", "py:m", "ONNX", "CPU", "BLOB", MODEL)
p.execute_command("AI.TENSORSET", "py:a", "FLOAT", 2, 3, "VALUES", 1, 2, 3, 4, 5, 6)
p.execute_command("AI.TENSORSET", "py:b", "FLOAT", 2, 3, "VALUES", 2, 2, 2, 2, 2, 2)
p.execute_command("AI.MODELRUN", "py:m", "INPUTS", "py:a", "py:b", "OUTPUTS", "py:c")
p.execute_command("AI.TENSORGET", "py:c", "VALUES")
res = p.execute()
check(res[:4] == [b"OK"] * 4, f"queued writes answer OK: {res!r}")
check(res[4][0] == b"FLOAT" and res[4][1] == [2, 3], f"TENSORGET inside EXEC: {res[4]!r}")
check([float(v) for v in res[4][2]] == [2, 4, 6, 8, 10, 12], f"the run inside EXEC saw the tensors set before it: {res[4]!r}")

# A runtime error inside EXEC is one of the replies; the other commands still run.
p = r.pipeline()
p.execute_command("AI.TENSORSET", "py:ok", "INT8", 1, "VALUES", 1)
p.execute_command("AI.TENSORGET", "py:missing", "VALUES")
res = p.execute(raise_on_error=False)
check(res[0] == b"OK" and isinstance(res[1], redis.ResponseError), f"errors stay in place: {res!r}")
check(r.exists("py:ok") == 1, "the command before the error ran")

# An unknown command or a wrong arity aborts the whole transaction (EXECABORT).
p = r.pipeline()
p.execute_command("AI.TENSORSET", "py:never", "INT8", 1, "VALUES", 1)
p.execute_command("AI.TENSORGET")
try:
    p.execute()
    check(False, "a queued arity error must fail the transaction")
except redis.ResponseError as e:
    check("wrong number of arguments" in str(e) or "EXECABORT" in str(e), f"EXECABORT or the queued error: {e}")
check(r.exists("py:never") == 0, "nothing of an aborted transaction ran")

# WATCH: another client's write makes EXEC fail with WatchError.
with r.pipeline() as p:
    p.watch("py:a")
    other.execute_command("AI.TENSORSET", "py:a", "FLOAT", 1, "VALUES", 9)
    p.multi()
    p.execute_command("AI.TENSORSET", "py:x", "INT8", 1)
    try:
        p.execute()
        check(False, "EXEC after a watched key changed must fail")
    except redis.WatchError:
        check(True, "WatchError")
check(r.exists("py:x") == 0, "the watched transaction did not run")

# A run writing the watched key counts as a change too.
with r.pipeline() as p:
    p.watch("py:c")
    other.execute_command("AI.TENSORSET", "py:a", "FLOAT", 2, 3, "VALUES", 1, 1, 1, 1, 1, 1)
    other.execute_command("AI.MODELRUN", "py:m", "INPUTS", "py:a", "py:b", "OUTPUTS", "py:c")
    p.multi()
    p.execute_command("AI.TENSORSET", "py:y", "INT8", 1)
    try:
        p.execute()
        check(False, "EXEC after a run wrote the watched key must fail")
    except redis.WatchError:
        check(True, "WatchError after a run")


# Redis.transaction() retries on WatchError: a counter kept in a tensor, bumped concurrently.
r.execute_command("AI.TENSORSET", "py:counter", "INT64", 1, "VALUES", 0)
N = 20


def bump(pipe):
    current = int(pipe.execute_command("AI.TENSORGET", "py:counter", "VALUES")[2][0])
    pipe.multi()
    pipe.execute_command("AI.TENSORSET", "py:counter", "INT64", 1, "VALUES", current + 1)


def worker():
    client = redis.Redis(host="127.0.0.1", port=PORT)
    for _ in range(N):
        client.transaction(bump, "py:counter")


threads = [threading.Thread(target=worker) for _ in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
final = int(r.execute_command("AI.TENSORGET", "py:counter", "VALUES")[2][0])
check(final == 3 * N, f"every optimistic increment counted once: {final}")

print(f"ok transactions: {checks} checks")
