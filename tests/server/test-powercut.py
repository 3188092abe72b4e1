#!/usr/bin/env python3
"""Power cuts against a real quorum-server, after SQLite's crash tests.

The server runs with powercut-shim.so preloaded: every write to the data
folder that no fsync or fdatasync has made durable yet (and every new name no
folder sync has) is thrown away at the cut, and the process is killed. While
annotators save their tasks, an administrator creates projects and uploads
images and an annotator signs in again and again, the server is cut at a
random moment (a random write, or SIGUSR2 at a random time), restarted on
the same data, and checked: every save, project, upload and login that was
answered 200/201 is there with its content, the blobs are whole, and the
database passes PRAGMA integrity_check and foreign_key_check. Half the cuts
throw away every unsynced write; the other half keep a random part of them,
torn and out of order, as a disk may.

Prints TAP and the figures. Arguments: the quorum-server binary and the
shim. QUORUM_POWERCUT_CUTS sets the number of cuts (100),
QUORUM_POWERCUT_SEED the random choices (from the clock by default, and
printed)."""
import hashlib
import http.client
import json
import os
import random
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, png  # noqa: E402

SERVER = sys.argv[1]
SHIM = os.path.abspath(sys.argv[2])
CUTS = int(os.environ.get("QUORUM_POWERCUT_CUTS", "100"))
ANNOTATORS = 4
results = []
SEED = int(os.environ.get("QUORUM_POWERCUT_SEED", str(int(time.time()))))
rng = random.Random(SEED)


def check(name, condition, detail=""):
    results.append((name, bool(condition), detail))
    return bool(condition)


def image(n):
    """A small PNG whose pixels spell @n: every upload is new content."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    seed = hashlib.sha256(b"powercut-%d" % n).digest()
    rows = b"".join(b"\x00" + (seed * 2)[:24] for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


class State:
    """What the clients were told, and what was in flight at the cut."""

    def __init__(self):
        self.lock = threading.Lock()
        self.tasks = {}          # id -> [version, instances, pending (version, instances) or None]
        self.projects = {}       # id -> name
        self.pending_projects = set()
        self.files = {}          # id -> sha256
        self.tokens = []         # (cut, token) of answered logins
        self.acknowledged = 0    # answers 200/201 to writes, over the whole test
        self.errors = []


def instance_key(instances):
    return [(i.get("id"), i.get("points")) for i in instances]


def saver(server, state, task_id, token, stop, cycle):
    n = 0
    while not stop.is_set():
        with state.lock:
            version = state.tasks[task_id][0]
        n += 1
        instances = [{"id": "t%d-c%d-n%d" % (task_id, cycle, n), "label": "car", "kind": "box",
                      "points": [[n % 5, cycle % 7], [n % 5 + 1 + cycle % 3, 9]]}]
        with state.lock:
            state.tasks[task_id][2] = (version + 1, instances)
        try:
            status, body = server.call("PUT", "/tasks/%d/instances" % task_id, token,
                                       {"version": version, "instances": instances}, timeout=10)
        except (OSError, http.client.HTTPException):
            return
        with state.lock:
            if status != 200 or body.get("version") != version + 1:
                state.errors.append(("save", task_id, version, status, body))
                return
            state.tasks[task_id] = [version + 1, instances, None]
            state.acknowledged += 1


def creator(server, state, stop, cycle):
    n = 0
    while not stop.is_set():
        n += 1
        name = "cut-%d-%d" % (cycle, n)
        with state.lock:
            state.pending_projects.add(name)
        try:
            status, body = server.call("POST", "/projects", server.root, {"name": name}, timeout=10)
        except (OSError, http.client.HTTPException):
            return
        with state.lock:
            if status != 201 or body.get("name") != name:
                state.errors.append(("project", name, status, body))
                return
            state.projects[body["id"]] = name
            state.pending_projects.discard(name)
            state.acknowledged += 1


def signer(server, state, stop, cycle):
    """Logins: the password check runs in a worker thread, and its token is
    answered outside the batches."""
    while not stop.is_set():
        try:
            status, body = server.call("POST", "/login", body={"user": "signer-%d" % cycle,
                                                               "password": "signer-%d-password" % cycle}, timeout=10)
        except (OSError, http.client.HTTPException):
            return
        with state.lock:
            if status != 200 or not body.get("token"):
                state.errors.append(("login", status, body))
                return
            state.tokens.append((cycle, body["token"]))
            state.acknowledged += 1


def uploader(server, state, stop, cycle, counter):
    while not stop.is_set():
        counter[0] += 1
        data = image(counter[0])
        try:
            status, body = server.call("POST", "/projects/1/files?name=u%d.png" % counter[0], server.root,
                                       raw=data, content_type="image/png", timeout=10)
        except (OSError, http.client.HTTPException):
            return
        with state.lock:
            if status != 201 or body.get("sha256") != hashlib.sha256(data).hexdigest():
                state.errors.append(("upload", counter[0], status, body))
                return
            state.files[body["id"]] = body["sha256"]
            state.acknowledged += 1


def verify(server, state, cycle):
    """After a restart: everything answered is there. Returns the number of
    acknowledged items checked, or None after a failure (reported)."""
    checked = 0
    db = sqlite3.connect(os.path.join(server.data, "quorum.sqlite"), timeout=10)
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchall()
        foreign = db.execute("PRAGMA foreign_key_check").fetchall()
        stored = {row[0] for row in db.execute("SELECT hash FROM tokens")}
    finally:
        db.close()
    where = "after cut %d" % cycle if cycle else "before the first cut"
    if not check("%s: PRAGMA integrity_check is ok" % where, integrity == [("ok",)], integrity):
        return None
    if not check("%s: PRAGMA foreign_key_check finds nothing" % where, not foreign, foreign):
        return None

    lost = []
    for task_id, (version, instances, pending) in sorted(state.tasks.items()):
        status, task = server.call("GET", "/tasks/%d" % task_id, server.root)
        if status != 200:
            lost.append((task_id, status, task))
            continue
        got = (task["version"], instance_key(task["instances"]))
        if got == (version, instance_key(instances)):
            state.tasks[task_id] = [version, instances, None]
        elif pending is not None and got == (pending[0], instance_key(pending[1])):
            # Saved, but the answer was lost in the cut: what the client sent.
            state.tasks[task_id] = [pending[0], pending[1], None]
        else:
            lost.append(("task", task_id, "answered", version, "found", got))
        checked += 1

    # Every answered login's token is stored; those of the last run also
    # sign in.
    for token_cycle, token in state.tokens:
        if hashlib.sha256(token.encode()).hexdigest() not in stored:
            lost.append(("token", token_cycle, token))
        elif token_cycle == cycle - 1:
            status, me = server.call("GET", "/me", token)
            if status != 200:
                lost.append(("token refused", token_cycle, status, me))
        checked += 1

    status, projects = server.call("GET", "/projects", server.root)
    by_id = {p["id"]: p["name"] for p in (projects if status == 200 else [])}
    for project_id, name in state.projects.items():
        if by_id.get(project_id) != name:
            lost.append(("project", project_id, name, by_id.get(project_id)))
        checked += 1
    known = set(state.projects.values())
    for project_id, name in by_id.items():
        if name.startswith("cut-") and name not in known:
            if name in state.pending_projects:
                state.projects[project_id] = name
            else:
                lost.append(("project nobody created", project_id, name))
    state.pending_projects.clear()

    status, files = server.call("GET", "/projects/1/files", server.root)
    by_id = {f["id"]: f["sha256"] for f in (files if status == 200 else [])}
    for file_id, sha in by_id.items():
        if file_id not in state.files:
            state.files[file_id] = sha   # answered too late, but its blob must be whole all the same
    for file_id, sha in state.files.items():
        path = os.path.join(server.data, "blobs", sha[:2], sha)
        try:
            with open(path, "rb") as blob:
                whole = hashlib.sha256(blob.read()).hexdigest() == sha
        except OSError:
            whole = False
        if by_id.get(file_id) != sha or not whole:
            lost.append(("file", file_id, sha, by_id.get(file_id), "blob whole" if whole else "blob missing"))
        checked += 1
    if not check("%s: every answered write is there after the restart" % where, not lost, lost):
        return None
    return checked


def start(server, env):
    saved = server.env
    server.env = env
    try:
        server.start()
    finally:
        server.env = saved


server = Server(SERVER)
state = State()
log = tempfile.NamedTemporaryFile(prefix="quorum-powercut-", suffix=".log", delete=False).name
began = time.monotonic()
try:
    s = server
    s.call("POST", "/projects", s.root, {"name": "Power"})
    s.call("PUT", "/projects/1/labels", s.root,
           {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]})
    files = []
    for i in range(ANNOTATORS):
        status, body = s.call("POST", "/projects/1/files?name=f%d.png" % i, s.root,
                              raw=png(8, 8, i), content_type="image/png")
        files.append(body["id"])
        state.files[body["id"]] = body["sha256"]
    users = [s.user("annotator-%d" % i, "annotator") for i in range(ANNOTATORS)]
    # The logins of each run are a user of their own: a user keeps at most
    # 100 sign-ins, and no run comes near as many.
    for cycle in range(CUTS + 1):
        status, body = s.call("POST", "/users", s.root, {"name": "signer-%d" % cycle,
                                                         "password": "signer-%d-password" % cycle})
        assert status == 201, body
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Power", "passes_per_file": 1, "review_frequency": 0},
                          "files": files})
    s.call("POST", "/jobs/%d/launch" % job["id"], s.root)
    tokens = {}
    for user_id, token in users:
        status, task = s.call("POST", "/jobs/%d/next" % job["id"], token)
        assert status == 200, task
        state.tasks[task["id"]] = [task["version"], task["instances"], None]
        tokens[task["id"]] = token
    s.process.terminate()
    s.process.wait()

    cut_lines = []
    checked_total = 0
    by_writes = 0
    uploads = [0]
    died_by_cut = 0
    phases = [0.0, 0.0, 0.0]    # seconds starting, checking, running until the cut
    for cycle in range(CUTS + 1):
        if cycle % 10 == 0:
            # A clean close removes the log: the next run creates it again,
            # and its name must be made durable too.
            subprocess.run([SERVER, "--data", s.data, "--create-admin", "admin-%d" % cycle],
                           input="admin password\n", text=True, env=s.env, check=True, capture_output=True)
        # verify_asan_link_order: a server built with AddressSanitizer
        # still runs with the shim preloaded first.
        env = dict(s.env, LD_PRELOAD=SHIM, ASAN_OPTIONS="verify_asan_link_order=0", QUORUM_POWERCUT_DIR=s.data, QUORUM_POWERCUT_LOG=log,
                   QUORUM_POWERCUT_SEED=str(rng.randrange(1 << 30)),
                   QUORUM_POWERCUT_MODE="torn" if cycle % 2 else "drop",
                   QUORUM_POWERCUT_SYNC_US=str(rng.choice([0, 1000, 3000])))
        use_writes = cycle % 3 == 1
        if use_writes:
            env["QUORUM_POWERCUT_WRITES"] = str(rng.randrange(1, 120))
        t0 = time.monotonic()
        start(s, env)
        t1 = time.monotonic()
        checked = verify(s, state, cycle)
        phases[0] += t1 - t0
        phases[1] += time.monotonic() - t1
        if checked is None:
            break
        checked_total += checked
        if cycle == CUTS:
            break

        stop = threading.Event()
        threads = [threading.Thread(target=saver, args=(s, state, task_id, token, stop, cycle))
                   for task_id, token in tokens.items()]
        threads.append(threading.Thread(target=creator, args=(s, state, stop, cycle)))
        threads.append(threading.Thread(target=uploader, args=(s, state, stop, cycle, uploads)))
        threads.append(threading.Thread(target=signer, args=(s, state, stop, cycle)))
        t2 = time.monotonic()
        for t in threads:
            t.start()
        if use_writes:
            try:
                s.process.wait(timeout=1.5)
                by_writes += 1
            except subprocess.TimeoutExpired:
                s.process.send_signal(signal.SIGUSR2)
        else:
            time.sleep(rng.uniform(0.02, 0.4))
            s.process.send_signal(signal.SIGUSR2)
        code = s.process.wait()
        stop.set()
        for t in threads:
            t.join()
        phases[2] += time.monotonic() - t2
        if code == -signal.SIGKILL:
            died_by_cut += 1
        if not check("cut %d: the server died by the cut" % (cycle + 1), code == -signal.SIGKILL, code):
            break
        if not check("cut %d: every write was answered as expected" % (cycle + 1), not state.errors, state.errors):
            break

    with open(log) as f:
        cut_lines = [line.split() for line in f if line.startswith("cut ")]
    fields = [dict(part.split("=") for part in line[2:]) for line in cut_lines]
    blocks = sum(int(f["blocks_reverted"]) for f in fields)
    tail = sum(int(f["tail_bytes_dropped"]) for f in fields)
    names = sum(int(f["names_undone"]) for f in fields)
    losing = sum(1 for f in fields if int(f["blocks_reverted"]) or int(f["tail_bytes_dropped"])
                 or int(f["names_undone"]))
    check("%d power cuts were made" % CUTS, died_by_cut == CUTS and len(cut_lines) == CUTS,
          (died_by_cut, len(cut_lines)))
    check("a third of the cuts or more threw away unsynced writes", losing >= CUTS // 3, losing)
    print("# seed %d (QUORUM_POWERCUT_SEED repeats the choices, not the timing)" % SEED)
    print("# %d cuts (%d at a random write, %d by signal; %d threw something away): %d blocks "
          "reverted, %d appended bytes dropped, %d names undone"
          % (len(cut_lines), by_writes, len(cut_lines) - by_writes, losing, blocks, tail, names))
    print("# %d writes answered 200/201; %d answered items checked after the restarts "
          "(%d task saves, %d projects, %d uploads, %d logins at the end); %.1f s (%.1f starting the server, "
          "%.1f checking, %.1f running until the cuts)"
          % (state.acknowledged, checked_total, len(state.tasks), len(state.projects), len(state.files),
             len(state.tokens), time.monotonic() - began, phases[0], phases[1], phases[2]))
finally:
    server.close()
    os.unlink(log)


def per_cut(name):
    return name.startswith(("cut ", "after cut ", "before the first cut"))


failed = sum(1 for r in results if not r[1])
# Only failures and a summary of the passing checks: one line per check of
# every cut would drown the output.
passed = [r for r in results if r[1]]
number = 0
for name, ok, detail in results:
    if ok and per_cut(name):
        continue
    number += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", number, name))
    if not ok:
        print("# " + json.dumps(detail, default=str)[:3000])
number += 1
print("ok %d - %d per-cut checks passed" % (number, sum(1 for r in passed if per_cut(r[0]))))
print("1..%d" % number)
sys.exit(1 if failed else 0)
