"""A real quorum-server process for the Python tests: a temporary data
folder, an administrator "root", a free loopback port, JSON calls.

With QUORUM_TEST_BACKEND=postgresql each Server keeps its rows in a fresh
database of a PostgreSQL cluster of this test process's own (started at the
first Server, stopped at exit: tests/pg_cluster.py), and its data folder
holds only the blobs; unset (or "sqlite"), the SQLite file in the data
folder as always."""
import atexit
import json
import sys
import os
import shutil
import struct
import subprocess
import tempfile
import urllib.error
import urllib.request
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pg_cluster  # noqa: E402

BACKEND = os.environ.get("QUORUM_TEST_BACKEND") or "sqlite"
if BACKEND not in ("sqlite", "postgresql"):
    sys.exit("QUORUM_TEST_BACKEND is “%s”: it must be “sqlite” or “postgresql”." % BACKEND)
_cluster = None
_databases = 0


def fresh_database():
    """With the PostgreSQL backend, the conninfo of a new empty database
    (the cluster started at the first call); otherwise None."""
    global _cluster, _databases
    if BACKEND != "postgresql":
        return None
    if _cluster is None:
        _cluster = pg_cluster.PgCluster().start()
        atexit.register(_cluster.stop)
    _databases += 1
    return _cluster.create_database("quorum_%d" % _databases)


def png(width, height, shade):
    """A small valid PNG, different for every shade."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes([shade, 60, 120]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


class Server:
    def __init__(self, binary, *options, fast_hashing=True):
        """fast_hashing=False hashes passwords at their real cost, for tests
        where that cost is what is measured."""
        self.binary = binary
        self.database = fresh_database()
        self.options = list(options)
        self.data = tempfile.mkdtemp(prefix="quorum-test-")
        self.env = dict(os.environ, QUORUM_PWHASH_FAST="1")
        if not fast_hashing:
            del self.env["QUORUM_PWHASH_FAST"]
        subprocess.run([binary, "--data", self.data, "--create-admin", "root"] + self.database_options(),
                       input="root password\n", text=True, env=self.env, check=True, capture_output=True)
        self.start()
        self.root = self.login("root", "root password")

    def database_options(self):
        """["--database", CONNINFO] with the PostgreSQL backend, else []."""
        return ["--database", self.database] if self.database else []

    # The options of every start, with --database kept whatever a test sets
    # them to or however a subclass starts the server.
    @property
    def options(self):
        return self._options + self.database_options()

    @options.setter
    def options(self, options):
        self._options = list(options)

    def start(self):
        self.process = subprocess.Popen([self.binary, "--data", self.data, "--listen", "127.0.0.1:0"] + self.options,
                                        stdout=subprocess.PIPE, text=True, env=self.env)
        line = self.process.stdout.readline()
        self.base = "http://127.0.0.1:%d/api/v1" % int(line.split("port")[1])

    def call(self, method, path, token=None, body=None, raw=None, content_type=None, timeout=30):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if token:
            request.add_header("Authorization", "Bearer " + token)
        if data is not None:
            request.add_header("Content-Type", content_type or "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                text = reply.read()
                return reply.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            text = error.read()
            return error.code, json.loads(text) if text else None

    def login(self, user, password):
        status, body = self.call("POST", "/login", body={"user": user, "password": password})
        assert status == 200, body
        return body["token"]

    def user(self, name, role, project=1):
        status, body = self.call("POST", "/users", self.root, {"name": name, "password": name + "-password"})
        assert status == 201, body
        status, _ = self.call("PUT", "/projects/%d/members/%d" % (project, body["id"]), self.root, {"role": role})
        assert status == 200
        return body["id"], self.login(name, name + "-password")

    def close(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait()
        shutil.rmtree(self.data)


# ---- databases of before ----------------------------------------------------

# Undoes the migration that keeps guide versions, for tests that make a
# database of an older schema: guide_versions goes, and the guides table is
# made again without version and updated_by (a foreign key, which DROP
# COLUMN refuses).
GUIDES_BEFORE_VERSIONS = (
    "DROP TABLE guide_versions;"
    "CREATE TABLE guides_before (id INTEGER PRIMARY KEY,"
    "  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL, markdown TEXT NOT NULL, updated INTEGER NOT NULL,"
    "  UNIQUE (project_id, name));"
    "INSERT INTO guides_before SELECT id, project_id, name, markdown, updated FROM guides;"
    "DROP TABLE guides;"
    "ALTER TABLE guides_before RENAME TO guides;")


# ---- TAP ------------------------------------------------------------------

RESULTS = []


def check(name, condition, detail=""):
    """Records one check of the test; returns whether it held."""
    RESULTS.append((name, bool(condition), detail))
    return bool(condition)


def error_message(body):
    """The message of an {"error": …} reply, or ""."""
    return body["error"]["message"] if isinstance(body, dict) and "error" in body else ""


def report(figures=()):
    """Prints the checks as TAP, with @figures as comments, and exits 1 when
    one failed."""
    failed = 0
    for number, (name, ok, detail) in enumerate(RESULTS, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", number, name))
        if not ok:
            failed += 1
            print("# " + json.dumps(detail, default=str)[:2000])
    for figure in figures:
        print("# " + figure)
    print("1..%d" % len(RESULTS))
    sys.exit(1 if failed else 0)
