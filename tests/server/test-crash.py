#!/usr/bin/env python3
"""Concurrency and crash safety against a real quorum-server: 50 annotators
asking for work at the same moment get 50 different tasks; the server is
killed with SIGKILL while they save, and after a restart on the same data
every save that had been answered is there and the database passes
PRAGMA integrity_check. Prints TAP. Argument: the quorum-server binary."""
import json
import os
import signal
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, png, report  # noqa: E402

SERVER = sys.argv[1]
N = 50


server = Server(SERVER)
try:
    s = server
    s.call("POST", "/projects", s.root, {"name": "Load"})
    s.call("PUT", "/projects/1/labels", s.root,
           {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]})
    files = []
    for i in range(N + 10):
        status, body = s.call("POST", "/projects/1/files?name=f%03d.png" % i, s.root,
                              raw=png(8, 8, i % 250), content_type="image/png")
        files.append(body["id"])
    users = [s.user("annotator-%02d" % i, "annotator") for i in range(N)]
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Load", "passes_per_file": 1, "review_frequency": 0},
                          "files": files})
    s.call("POST", "/jobs/%d/launch" % job["id"], s.root)

    # 50 concurrent next-task requests.
    got = [None] * N
    barrier = threading.Barrier(N)

    def ask(i):
        barrier.wait()
        status, task = s.call("POST", "/jobs/%d/next" % job["id"], users[i][1])
        got[i] = task if status == 200 else None

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [task["id"] for task in got if task]
    check("50 concurrent next-task requests hand out 50 different tasks",
          len(ids) == N and len(set(ids)) == N, ids)

    # Everyone saves as fast as they can; the server is killed meanwhile.
    acknowledged = {}
    lock = threading.Lock()
    stop = threading.Event()

    def save(i):
        task = got[i]
        version = task["version"]
        n = 0
        while not stop.is_set():
            n += 1
            instance = {"id": "i%d" % n, "label": "car", "kind": "box", "points": [[0, 0], [n % 7 + 1, 1]]}
            try:
                status, body = s.call("PUT", "/tasks/%d/instances" % task["id"], users[i][1],
                                      {"version": version, "instances": [instance]}, timeout=5)
            except OSError:
                return
            if status != 200:
                return
            version = body["version"]
            with lock:
                acknowledged[task["id"]] = (version, instance["id"])

    threads = [threading.Thread(target=save, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    time.sleep(2.5)
    s.process.send_signal(signal.SIGKILL)
    s.process.wait()
    stop.set()
    for t in threads:
        t.join()
    check("saves were acknowledged before the kill", len(acknowledged) >= 10, len(acknowledged))

    db = sqlite3.connect(os.path.join(s.data, "quorum.sqlite"))
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()
    check("the database passes PRAGMA integrity_check after SIGKILL", integrity == "ok", integrity)

    s.start()
    lost = []
    for task_id, (version, instance_id) in acknowledged.items():
        status, task = s.call("GET", "/tasks/%d" % task_id, s.root)
        # A save in flight at the kill may have landed after the last answer:
        # then the version is higher; an answered save is never missing.
        if status != 200 or task["version"] < version or (
                task["version"] == version and task["instances"][0]["id"] != instance_id):
            lost.append((task_id, version, instance_id, task.get("version")))
    check("every acknowledged save is there after the restart", not lost, lost)
finally:
    server.close()

report()
