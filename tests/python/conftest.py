"""The fixtures of the Python tests of libquorum-client: a real
quorum-server (tests/server/quorum_test_server.py) and the build tree's
Quorum-1.0 typelib. meson sets QUORUM_SERVER_BIN, QUORUM_BUILD_ROOT,
QUORUM_SOURCE_ROOT, GI_TYPELIB_PATH and LD_LIBRARY_PATH."""
import json
import os
import subprocess
import sys

import pytest

SOURCE_ROOT = os.environ.get("QUORUM_SOURCE_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_ROOT = os.environ.get("QUORUM_BUILD_ROOT") or os.path.join(SOURCE_ROOT, "_build")
EXAMPLES = os.path.join(SOURCE_ROOT, "examples", "python")

sys.path.insert(0, os.path.join(SOURCE_ROOT, "tests", "server"))
from quorum_test_server import Server, png  # noqa: E402,F401


@pytest.fixture(scope="module")
def server():
    """A fresh server with a project “Streets” (id 1) whose one label is a box “car”."""
    binary = os.environ.get("QUORUM_SERVER_BIN") or os.path.join(BUILD_ROOT, "src", "server", "quorum-server")
    s = Server(binary)
    status, body = s.call("POST", "/projects", s.root, {"name": "Streets"})
    assert status == 201, body
    status, body = s.call("PUT", "/projects/1/labels", s.root,
                          {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]})
    assert status == 200, body
    yield s
    s.close()


def run_example(server, name, *args, token=None, stdin=None, config=None):
    """Runs examples/python/NAME against @server with the token in the
    environment (never on a command line a log shows). Answers
    (exit status, stdout parsed as JSON or None, stderr). @config: the
    XDG_CONFIG_HOME where quorumctl keeps its sign-ins."""
    env = dict(os.environ)
    if config is not None:
        env["XDG_CONFIG_HOME"] = str(config)
    env.pop("QUORUM_TOKEN", None)
    if token is not None:
        env["QUORUM_TOKEN"] = token
    address = server.base[len("http://"):-len("/api/v1")]
    done = subprocess.run([sys.executable, os.path.join(EXAMPLES, name), "--server", address] + [str(a) for a in args],
                          input=stdin, capture_output=True, text=True, env=env, timeout=120)
    try:
        result = json.loads(done.stdout) if done.stdout.strip() else None
    except ValueError:
        result = None
    return done.returncode, result, done.stderr
