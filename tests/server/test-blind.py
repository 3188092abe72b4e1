#!/usr/bin/env python3
"""Blind labelling and exam gold against a real quorum-server: a released
draw task reaches its next annotator empty (the saved work kept aside), a
reviewer never reviews a pass of a file they draw, and an exam taker never
reads the gold, whatever their project role. A job with blind=false shows
a draw's annotator the file's other passes, read-only. Prints TAP. Argument: the
quorum-server binary."""
import json
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import BACKEND, Server, check, png, report  # noqa: E402

SERVER = sys.argv[1]


def box(name, x):
    return {"id": name, "label": "car", "kind": "box", "points": [[x, 0], [x + 5, 5]]}


server = Server(SERVER)
try:
    s = server
    s.call("POST", "/projects", s.root, {"name": "Blind"})
    s.call("PUT", "/projects/1/labels", s.root,
           {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]})
    files = []
    for i in range(4):
        status, body = s.call("POST", "/projects/1/files?name=blind-%d.png" % i, s.root,
                              raw=png(32, 24, 40 + i), content_type="image/png")
        files.append(body["id"])
    ann_id, ann = s.user("ann", "annotator")
    ben_id, ben = s.user("ben", "annotator")
    rev_id, rev = s.user("rev", "reviewer")
    rev2_id, rev2 = s.user("rev2", "reviewer")

    # A released draw reaches the next annotator empty.
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Release", "passes_per_file": 2, "review_frequency": 0},
                          "files": [files[0]]})
    s.call("POST", "/jobs/%d/launch" % job["id"], s.root)
    status, task = s.call("POST", "/jobs/%d/next" % job["id"], ann)
    status, saved = s.call("PUT", "/tasks/%d/instances" % task["id"], ann,
                           {"version": task["version"], "instances": [box("ann-1", 1)]})
    check("ann saves a box on pass 1", status == 200, saved)
    status, body = s.call("POST", "/tasks/%d/release" % task["id"], s.root)
    check("an admin releases ann's task", status == 200, body)
    status, again = s.call("POST", "/jobs/%d/next" % job["id"], ben)
    check("ben gets the released pass", status == 200 and again["id"] == task["id"], again)
    check("with none of ann's instances (blind)",
          again["instances"] == [] and "ann-1" not in json.dumps(again), again)
    if BACKEND == "postgresql":
        done = subprocess.run(["psql", "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", s.database, "-c",
                               "SELECT user_id, instances_json FROM released_work WHERE task_id = %d" % task["id"]],
                              capture_output=True, text=True, check=True)
        kept = [(int(user_id) if user_id else None, instances_json) for user_id, instances_json in
                (line.split("\t", 1) for line in done.stdout.splitlines())]
    else:
        db = sqlite3.connect("file:%s/quorum.sqlite?mode=ro" % s.data, uri=True)
        kept = db.execute("SELECT user_id, instances_json FROM released_work WHERE task_id = ?",
                          (task["id"],)).fetchall()
        db.close()
    check("ann's saved work is kept aside, not lost",
          len(kept) == 1 and kept[0][0] == ann_id and "ann-1" in kept[0][1], kept)

    # A reviewer who draws a pass of a file never reviews another pass of it.
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Reviewed", "passes_per_file": 2, "review_frequency": 1},
                          "files": [files[1]]})
    s.call("POST", "/jobs/%d/launch" % job["id"], s.root)
    drawn = {}
    for name, token in (("rev", rev), ("ann", ann)):
        status, task = s.call("POST", "/jobs/%d/next" % job["id"], token)
        assert status == 200 and task["kind"] == "draw", task
        status, saved = s.call("PUT", "/tasks/%d/instances" % task["id"], token,
                               {"version": task["version"], "instances": [box(name + "-1", 3)]})
        status, body = s.call("POST", "/tasks/%d/submit" % task["id"], token, {"version": saved["version"]})
        drawn[name] = task["id"]
    status, body = s.call("POST", "/jobs/%d/next" % job["id"], rev)
    check("a reviewer who drew pass 1 is not given the review of ann's pass 2", status == 204, body)
    status, tasks = s.call("GET", "/jobs/%d/tasks" % job["id"], s.root)
    ann_review = [t["id"] for t in tasks if t["kind"] == "review" and t["pass"] == 0][1]
    status, body = s.call("POST", "/tasks/%d/assign" % ann_review, s.root, {"user": rev_id})
    check("nor by an admin's hand (422)", status == 422 and "annotate" in body["error"]["message"], body)
    status, review = s.call("POST", "/jobs/%d/next" % job["id"], rev2)
    check("another reviewer gets it", status == 200 and review["kind"] == "review", review)

    # An exam taker never reads the gold, whatever their role.
    s.call("PUT", "/files/%d/existing" % files[2], s.root, {"instances": [box("gold-1", 2)]})
    status, exam = s.call("POST", "/projects/1/jobs", s.root,
                          {"settings": {"name": "Exam", "passes_per_file": 1, "review_frequency": 0,
                                        "type": "exam", "awarded_credentials": ["Blind expert"]}, "files": [files[2]]})
    assert status == 201, exam
    s.call("POST", "/jobs/%d/launch" % exam["id"], s.root)
    status, body = s.call("GET", "/files/%d/existing" % files[2], rev)
    check("a reviewer who takes no exam reads the gold", status == 200 and "gold-1" in json.dumps(body), body)
    status, body = s.call("POST", "/jobs/%d/apply" % exam["id"], rev)
    check("the reviewer applies to the exam", status == 201, body)
    status, body = s.call("GET", "/files/%d/existing" % files[2], rev)
    check("as a taker they no longer read the gold (404)", status == 404 and "gold-1" not in json.dumps(body), body)
    s.call("POST", "/jobs/%d/apply" % exam["id"], ben)
    status, task = s.call("POST", "/jobs/%d/next" % exam["id"], ben)
    status, body = s.call("POST", "/tasks/%d/submit" % task["id"], ben, {"version": task["version"]})
    status, tasks = s.call("GET", "/jobs/%d/tasks" % exam["id"], s.root)
    ben_review = [t["id"] for t in tasks if t["kind"] == "review" and t["state"] == "available"]
    status, body = s.call("POST", "/tasks/%d/assign" % ben_review[0], s.root, {"user": rev_id})
    check("another taker's exam review is not assigned to a taker (422)", status == 422, body)
    status, mine = s.call("POST", "/jobs/%d/next" % exam["id"], rev)
    status, body = s.call("POST", "/tasks/%d/submit" % mine["id"], rev, {"version": mine["version"]})
    status, body = s.call("POST", "/jobs/%d/next" % exam["id"], rev)
    check("nor given by next task once their own draw is in", status == 204, body)

    # Not blind: each annotator sees the file's other passes, never an
    # untaken one, never their own among them, and cannot write them.
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Open", "passes_per_file": 3, "review_frequency": 0,
                                       "blind": False}, "files": [files[3]]})
    s.call("POST", "/jobs/%d/launch" % job["id"], s.root)
    status, first = s.call("POST", "/jobs/%d/next" % job["id"], ann)
    check("a draw of a job that is not blind lists no other pass while nobody else draws",
          status == 200 and first.get("others") == [], first)
    s.call("PUT", "/tasks/%d/instances" % first["id"], ann,
           {"version": first["version"], "instances": [box("open-ann", 1)]})
    status, second = s.call("POST", "/jobs/%d/next" % job["id"], ben)
    others = second.get("others")
    check("ben's pass lists ann's, with her instances and name, and not his own",
          status == 200 and len(others) == 1 and others[0]["id"] == first["id"] and
          others[0]["annotator"] == "ann" and [i["id"] for i in others[0]["instances"]] == ["open-ann"], second)
    status, body = s.call("PUT", "/tasks/%d/instances" % first["id"], ben,
                          {"version": others[0]["version"] if "version" in others[0] else 2,
                           "instances": []})
    check("ben cannot write ann's pass (404)", status == 404, body)
    status, body = s.call("GET", "/tasks/%d" % first["id"], ann)
    check("and ann's own view lists ben's pass, empty so far",
          status == 200 and [o["id"] for o in body["others"]] == [second["id"]] and
          body["others"][0]["instances"] == [], body)
    status, body = s.call("GET", "/tasks/%d" % again["id"], ben)
    check("a blind job's draw lists no other pass", status == 200 and "others" not in body, body)
finally:
    server.close()

report()
