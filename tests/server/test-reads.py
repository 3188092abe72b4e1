#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reads never wait behind a write, and never show one not yet acknowledged.

The server runs with powercut-shim.so preloaded, which makes every sync of
the data folder take SYNC seconds: a write is answered only after its sync,
so it stays unacknowledged that long. Meanwhile GETs of what it changes must
be answered at once (well under SYNC) and show the state before it; once it
is answered, they show it. Prints TAP. Arguments: the quorum-server binary
and the shim."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, png, report  # noqa: E402

SERVER = sys.argv[1]
SHIM = os.path.abspath(sys.argv[2])
SYNC = 1.5          # seconds each sync takes under the shim
FAST = 0.5          # what "at once" must beat, with room for a busy machine

server = Server(SERVER)
try:
    # Everything set up at full speed, then the server again with slow syncs.
    root = server.root
    status, _ = server.call("POST", "/projects", root, {"name": "Reads"})
    assert status == 201
    status, _ = server.call("PUT", "/projects/1/labels", root,
                            {"labels": [{"name": "car", "color": "#e01b24", "kind": "box"}]})
    assert status == 200
    status, _ = server.call("POST", "/projects/1/files?name=a.png", root, raw=png(8, 8, 1), content_type="image/png")
    assert status == 201
    status, job = server.call("POST", "/projects/1/jobs", root,
                              {"settings": {"name": "J", "passes_per_file": 1, "review_frequency": 0}, "files": [1]})
    assert status == 201
    status, _ = server.call("POST", "/jobs/%d/launch" % job["id"], root)
    assert status == 200
    _, ann = server.user("ann", "annotator")
    status, task = server.call("POST", "/jobs/%d/next" % job["id"], ann)
    assert status == 200
    task_id, version = task["id"], task["version"]

    server.process.terminate()
    server.process.wait()
    saved = server.env
    server.env = dict(saved, LD_PRELOAD=SHIM, ASAN_OPTIONS="verify_asan_link_order=0",
                      QUORUM_POWERCUT_DIR=server.data, QUORUM_POWERCUT_SYNC_US=str(int(SYNC * 1e6)))
    try:
        server.start()
    finally:
        server.env = saved

    def timed(method, path, token, body=None):
        start = time.monotonic()
        status, reply = server.call(method, path, token, body)
        return status, reply, time.monotonic() - start

    # A slow save in a thread of its own.
    saved_reply = {}

    def save():
        saved_reply["sent"] = time.monotonic()
        saved_reply["status"], saved_reply["body"], saved_reply["took"] = timed(
            "PUT", "/tasks/%d/instances" % task_id, ann,
            {"version": version, "instances": [{"id": "b", "label": "car", "kind": "box", "points": [[1, 1], [5, 4]]}]})
        saved_reply["answered"] = time.monotonic()

    saver = threading.Thread(target=save)
    saver.start()
    time.sleep(0.2)   # the save is in the server, committed, its sync under way

    reads = []
    while time.monotonic() - saved_reply["sent"] < SYNC * 0.8:
        status, reply, took = timed("GET", "/tasks/%d" % task_id, ann)
        reads.append((status, reply.get("version") if reply else None, len(reply.get("instances", [])) if reply else None,
                      took, time.monotonic() - saved_reply["sent"]))
    saver.join()
    check("the save took a sync of the slow disk (the shim works)",
          saved_reply["status"] == 200 and saved_reply["took"] >= SYNC * 0.9, saved_reply)
    early = [r for r in reads if r[4] < SYNC * 0.8]  # answered before the save could be
    check("several reads while the save was not yet answered", len(early) >= 3, reads)
    check("each answered at once, not after the sync (%.0f ms at most)" % (1000 * max((r[3] for r in reads), default=0)),
          early and all(r[0] == 200 and r[3] < FAST for r in early), early)
    check("none shows the save before it is answered: the version before it, no instance",
          early and all(r[1] == version and r[2] == 0 for r in early), early)
    status, reply, took = timed("GET", "/tasks/%d" % task_id, ann)
    check("once answered, the save is read back", status == 200 and reply["version"] == saved_reply["body"]["version"]
          and len(reply["instances"]) == 1, reply)

    # A new project, unacknowledged, is not listed; once answered, it is.
    created = {}

    def create():
        created["status"], created["body"], created["took"] = timed("POST", "/projects", root, {"name": "Later"})

    creator = threading.Thread(target=create)
    started = time.monotonic()
    creator.start()
    time.sleep(0.2)
    status, listed, took = timed("GET", "/projects", root)
    listed_early = time.monotonic() - started < SYNC * 0.8
    creator.join()
    check("a project list read while a project is being created is answered at once",
          status == 200 and took < FAST and listed_early, (status, took))
    check("and does not list the project not yet acknowledged",
          status == 200 and [p["name"] for p in listed] == ["Reads"], listed)
    check("the project is answered after its sync", created["status"] == 201 and created["took"] >= SYNC * 0.9, created)
    status, listed = server.call("GET", "/projects", root)
    check("and then listed", status == 200 and sorted(p["name"] for p in listed) == ["Later", "Reads"], listed)

    # A write still waits for its sync, as before: two saves in a row.
    status, reply, took = timed("PUT", "/tasks/%d/instances" % task_id, ann,
                                {"version": saved_reply["body"]["version"], "instances": []})
    check("a write is still answered only after its sync", status == 200 and took >= SYNC * 0.9, (status, took))
    version = reply["version"]

    # What is answered from a thread's work with no sync under way (an upload,
    # a sign-in: their batches hold no reply) is read back during the next
    # write's sync. The server used to keep the snapshot taken for such a
    # batch, with no sync to end it, and answered the next sync's reads from
    # it: the upload was not listed, and the new token not known (401, or the
    # read sent the batch's way, after the sync).
    status, uploaded = server.call("POST", "/projects/1/files?name=b.png", root, raw=png(8, 8, 2),
                                   content_type="image/png")
    assert status == 201
    fresh = server.login("ann", "ann-password")
    later = {}

    def save_again():
        later["status"], later["body"], later["took"] = timed(
            "PUT", "/tasks/%d/instances" % task_id, ann, {"version": version, "instances": []})

    saver = threading.Thread(target=save_again)
    started = time.monotonic()
    saver.start()
    time.sleep(0.2)
    status_files, files, took_files = timed("GET", "/projects/1/files", root)
    files_during = time.monotonic() - started < SYNC * 0.8
    status, me, took = timed("GET", "/me", fresh)
    me_during = time.monotonic() - started < SYNC * 0.8
    saver.join()
    check("during a write's sync, an upload answered before it is listed (%.0f ms)" % (1000 * took_files),
          status_files == 200 and uploaded["id"] in [f["id"] for f in files] and took_files < FAST and files_during,
          (status_files, [f["id"] for f in files], took_files, files_during))
    check("and a token signed in before it reads at once (%.0f ms)" % (1000 * took),
          status == 200 and me["name"] == "ann" and took < FAST and me_during, (status, me, took, me_during))
    check("the write itself waited for its sync", later["status"] == 200 and later["took"] >= SYNC * 0.9, later)
finally:
    server.close()
report()
