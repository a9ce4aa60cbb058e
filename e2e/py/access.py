"""Authentication, ACL users and the ACL file through redis-py's own commands and errors.

Usage: access.py PORT SECTION PASSWORD [ACLFILE], SECTION one of auth, acl, aclfile (which needs ACLFILE, the file the server was started with).
Exits non-zero (with the failing assertion) when the server's behaviour differs.
"""
import sys

import numpy as np
import redis
from redis.exceptions import AuthenticationError, NoPermissionError, ResponseError

PORT = int(sys.argv[1])
SECTION = sys.argv[2]
PASSWORD = sys.argv[3]
ACLFILE = sys.argv[4] if len(sys.argv) > 4 else None


def text(value):
    return value.decode() if isinstance(value, bytes) else value


def connect(**kwargs):
    return redis.Redis(host="127.0.0.1", port=PORT, **kwargs)


def raises(exc, fn, pattern):
    try:
        fn()
    except exc as err:
        assert pattern in str(err), f"{exc.__name__}: {err!r} lacks {pattern!r}"
        return
    raise AssertionError(f"expected {exc.__name__} ({pattern})")


def auth():
    raises(AuthenticationError, lambda: connect().ping(), "Authentication required")
    # redis-py 4.3 raises WRONGPASS as a ResponseError, as it does against Redis.
    raises(ResponseError, lambda: connect(password="wrong").ping(), "WRONGPASS invalid username-password pair")
    raises(ResponseError, lambda: connect(username="nobody", password=PASSWORD).ping(), "WRONGPASS")
    r = connect(password=PASSWORD)
    assert r.ping() is True
    assert text(r.acl_whoami()) == "default"
    x = np.arange(12, dtype="<f4").reshape(3, 4)
    assert r.execute_command("AI.TENSORSET", "py:x", "FLOAT", 3, 4, "BLOB", x.tobytes()) == b"OK"
    got = r.execute_command("AI.TENSORGET", "py:x", "BLOB")
    assert np.frombuffer(got[2], dtype="<f4").reshape(3, 4).tolist() == x.tolist()
    info = r.info("stats")
    assert info["acl_access_denied_auth"] >= 2, info


def acl():
    admin = connect(password=PASSWORD)
    assert admin.acl_setuser(
        "py", enabled=True, passwords=["+py-pass"], categories=["+@ai", "-@dangerous"], keys=["in:*", "out:*"]
    )
    user = admin.acl_getuser("py")
    assert user["enabled"] is True, user
    assert user["categories"] == ["-@all", "+@ai", "-@dangerous"], user
    assert user["keys"] == ["~in:*", "~out:*"], user
    assert len(user["passwords"]) == 1 and len(user["passwords"][0]) == 64, user
    assert "py" in [text(u) for u in admin.acl_users()]
    assert "ai.modelset" in [text(c) for c in admin.acl_cat("dangerous")]

    py = connect(username="py", password="py-pass")
    assert py.execute_command("AI.TENSORSET", "in:a", "FLOAT", 2, "VALUES", 1, 2) == b"OK"
    raises(NoPermissionError, lambda: py.execute_command("AI.TENSORSET", "secret", "FLOAT", 1, "VALUES", 1), "No permissions to access a key")
    raises(
        NoPermissionError,
        lambda: py.execute_command("AI.MODELSET", "in:m", "ONNX", "CPU", b"\x08\x07"),
        "User py has no permissions to run the 'ai.modelset' command",
    )
    raises(NoPermissionError, lambda: py.config_get("*"), "'config|get' command")
    log = admin.acl_log()
    assert log[0]["reason"] == "command" and log[0]["object"] == "config|get", log[0]
    assert log[0]["username"] == "py" and log[0]["client-info"]["user"] == "py", log[0]
    assert isinstance(log[0]["age-seconds"], float)
    assert admin.acl_log_reset()
    assert admin.acl_log() == []
    assert admin.acl_deluser("py") == 1
    raises(ResponseError, lambda: connect(username="py", password="py-pass").ping(), "WRONGPASS")


def aclfile():
    admin = connect(password=PASSWORD)
    assert admin.acl_setuser("saved", enabled=True, passwords=["+saved-pass"], categories=["+@read"], keys=["k:*"])
    assert admin.acl_save()
    written = open(ACLFILE).read()
    assert "saved-pass" not in written and PASSWORD not in written, written
    lines = written.splitlines()
    assert lines[0].startswith("user default on #") and lines[0].endswith(" ~* &* +@all"), lines
    assert lines[1].startswith("user saved on #") and lines[1].endswith(" ~k:* resetchannels -@all +@read"), lines

    saved = connect(username="saved", password="saved-pass")
    assert saved.exists("k:1") == 0
    # Another operator edits the file: a broken line loads nothing, a good file replaces the users.
    with open(ACLFILE, "a") as f:
        f.write("user broken on +nosuchcommand\n")
    raises(ResponseError, lambda: admin.acl_load(), "Unknown command or category name in ACL")
    assert "saved" in [text(u) for u in admin.acl_users()], "a broken file changes nothing"
    with open(ACLFILE, "w") as f:
        f.write(lines[0] + "\n" + "user loaded on >loaded-pass ~* +@all\n")
    assert admin.acl_load()
    assert sorted(text(u) for u in admin.acl_users()) == ["default", "loaded"]
    # The user was redefined: its connection was closed (redis-py reconnects, and is refused).
    raises(ResponseError, lambda: saved.exists("k:1"), "WRONGPASS")
    assert connect(username="loaded", password="loaded-pass").ping() is True
    assert admin.ping() is True, "the default user's connections stay"


{"auth": auth, "acl": acl, "aclfile": aclfile}[SECTION]()
print("ok")
