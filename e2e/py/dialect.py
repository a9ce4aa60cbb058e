"""Runs dialect steps with redis-py and prints each reply in dialect-norm's comparable form.

    python3 dialect.py PORT STEPS.json

STEPS.json is a list of commands, each a list of words and {"file": path} (the file's bytes).
The output is one JSON list, a reply per command: bytes as text (or {"hex"} when not printable
UTF-8), integers, None, lists, and errors as {"err": str(exception)} (redis-py strips "ERR ").
"""

import json
import sys

import redis

r = redis.Redis(port=int(sys.argv[1]))


def arg(word):
    if isinstance(word, dict):
        with open(word["file"], "rb") as f:
            return f.read()
    return word


def norm(value):
    if isinstance(value, redis.exceptions.ResponseError):
        return {"err": str(value)}
    if isinstance(value, bytes):
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            return {"hex": value.hex()}
        if any((ord(c) < 32 and c not in "\n\t") or ord(c) == 127 for c in text):
            return {"hex": value.hex()}
        return text
    if isinstance(value, list):
        return [norm(v) for v in value]
    if value is True:
        # redis-py turns some +OK replies into True.
        return "OK"
    return value


replies = []
with open(sys.argv[2]) as f:
    for command in json.load(f):
        try:
            replies.append(norm(r.execute_command(*[arg(w) for w in command])))
        except redis.exceptions.ResponseError as err:
            replies.append({"err": str(err)})
print(json.dumps(replies))
