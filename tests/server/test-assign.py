#!/usr/bin/env python3
"""Assignment by hand against a real quorum-server: GET /jobs/{id}/tasks,
GET /me/tasks, POST /tasks/{id}/assign and /release, and the rules of
DESIGN §2 that even an admin's hand keeps. Prints TAP. Argument: the
quorum-server binary."""
import http.client
import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import BACKEND, Server, check, error_message, png, report  # noqa: E402

SERVER = sys.argv[1]


server = Server(SERVER)
try:
    s = server
    s.call("POST", "/projects", s.root, {"name": "Streets"})
    s.call("PUT", "/projects/1/labels", s.root,
           {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]})
    status, f1 = s.call("POST", "/projects/1/files?name=street-1.png", s.root, raw=png(32, 24, 10),
                        content_type="image/png")
    assert status == 201, f1
    ann_id, ann = s.user("ann", "annotator")
    cat_id, cat = s.user("cat", "annotator")
    rev_id, rev = s.user("rev", "reviewer")
    rev2_id, rev2 = s.user("rev2", "reviewer")
    ed_id, ed = s.user("ed", "editor")
    status, body = s.call("POST", "/users", s.root, {"name": "out", "password": "out-password"})
    out = s.login("out", "out-password")

    # One file, P 2, R 1: draw 1, its review, draw 2, its review, consensus.
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "By hand", "passes_per_file": 2, "review_frequency": 1},
                          "files": [f1["id"]]})
    job_id = job["id"]
    s.call("POST", "/jobs/%d/launch" % job_id, s.root)

    status, tasks = s.call("GET", "/jobs/%d/tasks" % job_id, ed)
    check("an editor lists a job's tasks", status == 200 and len(tasks) == 5, tasks)
    check("in task order, with kind, pass, state and the file's name",
          [(t["kind"], t["pass"], t["state"]) for t in tasks]
          == [("draw", 1, "available"), ("review", 0, "waiting"), ("draw", 2, "available"),
              ("review", 0, "waiting"), ("consensus", 0, "waiting")]
          and all(t["file"] == f1["id"] and t["file_name"] == "street-1.png" for t in tasks)
          and all(t["assignee"] is None and t["assignee_name"] is None and t["version"] == 1 for t in tasks),
          tasks)
    d1, r1, d2, r2, c = [t["id"] for t in tasks]
    status, body = s.call("GET", "/jobs/%d/tasks" % job_id, ann)
    check("an annotator cannot list a job's tasks (403)", status == 403, body)
    status, body = s.call("GET", "/jobs/%d/tasks" % job_id, out)
    check("a non-member is told there is no such project (404)", status == 404, body)

    # ann takes draw 1 the usual way; the admin gives draw 2 to rev by hand.
    status, task = s.call("POST", "/jobs/%d/next" % job_id, ann)
    check("ann gets draw 1 from next", status == 200 and task["id"] == d1, task)
    status, task = s.call("POST", "/tasks/%d/assign" % d2, s.root, {"user": rev_id})
    check("the admin assigns draw 2 to rev",
          status == 200 and task["assignee"] == rev_id and task["state"] == "assigned" and task["version"] == 2, task)
    status, body = s.call("POST", "/jobs/%d/next" % job_id, cat)
    check("with P annotators on the file, next gives cat nothing (204)", status == 204, body)
    # libsoup's server closes the connection after a 204 (it has no length):
    # the reply must say so, or a client's next request on it meets a reset.
    base = urllib.parse.urlsplit(s.base)
    connection = http.client.HTTPConnection(base.netloc, timeout=10)
    connection.request("POST", base.path + "/jobs/%d/next" % job_id, headers={"Authorization": "Bearer " + cat})
    reply = connection.getresponse()
    reply.read()
    check("a 204 says the connection closes (Connection: close)",
          reply.status == 204 and (reply.getheader("Connection") or "").lower() == "close",
          (reply.status, reply.getheaders()))
    connection.close()

    # Beyond P: a third annotator on the file, by hand.
    status, task = s.call("POST", "/tasks/%d/assign" % d1, s.root, {"user": cat_id})
    check("the admin may go beyond P: draw 1 goes to cat", status == 200 and task["assignee"] == cat_id, task)
    status, tasks = s.call("GET", "/jobs/%d/tasks" % job_id, s.root)
    check("the task list names the assignees",
          [t["assignee_name"] for t in tasks] == ["cat", None, "rev", None, None], tasks)

    # The rules that hold even for an admin.
    status, body = s.call("POST", "/tasks/%d/assign" % d1, s.root, {"user": rev_id})
    check("two passes of one file to one person: 422", status == 422 and "two passes" in error_message(body), body)
    status, body = s.call("POST", "/tasks/%d/assign" % r2, s.root, {"user": rev_id})
    check("rev reviewing the draw task rev drew: 422",
          status == 422 and "reviews their own work" in error_message(body), body)
    status, body = s.call("POST", "/tasks/%d/assign" % c, s.root, {"user": rev_id})
    check("one of the file's annotators as its consensus reviewer: 422",
          status == 422 and "consensus reviewer" in error_message(body), body)
    status, body = s.call("POST", "/tasks/%d/assign" % r1, s.root, {"user": ann_id})
    check("an annotator's role cannot take a review: 422", status == 422 and "role" in error_message(body), body)
    check("the refusal names the user, their role and the task's kind",
          error_message(body) == "user: ann's role, annotator, may not take a review task", body)
    status, body = s.call("POST", "/tasks/%d/assign" % r1, s.root, {"user": s.call("GET", "/me", out)[1]["id"]})
    check("a non-member cannot be assigned: 422", status == 422 and "not a member" in error_message(body), body)
    status, body = s.call("POST", "/tasks/%d/assign" % r1, s.root, {"user": 999})
    check("an unknown user: 404", status == 404 and "no user 999" in error_message(body), body)
    status, body = s.call("POST", "/tasks/%d/assign" % r1, s.root, {"user": "rev"})
    check("user must be an id: 400 naming it", status == 400 and error_message(body).startswith("user"), body)
    status, task = s.call("POST", "/tasks/%d/assign" % r2, s.root, {"user": rev2_id})
    check("a waiting review can be given to another reviewer and keeps waiting",
          status == 200 and task["assignee"] == rev2_id and task["state"] == "waiting", task)

    # Who may assign.
    status, body = s.call("POST", "/tasks/%d/assign" % r1, ed, {"user": rev2_id})
    check("an editor is not a project admin: 403", status == 403, body)
    status, body = s.call("POST", "/tasks/%d/assign" % r1, ann, {"user": ann_id})
    check("an annotator cannot assign: 403", status == 403, body)
    status, body = s.call("POST", "/tasks/%d/assign" % r1, out, {"user": rev2_id})
    check("a non-member cannot assign: 404", status == 404, body)
    status, body = s.call("POST", "/tasks/999/assign", s.root, {"user": rev2_id})
    check("an unknown task: 404", status == 404 and "no task 999" in error_message(body), body)

    # /me/tasks: exactly the caller's open tasks.
    status, mine = s.call("GET", "/me/tasks", cat)
    check("cat's task list is draw 1, with job and file names",
          status == 200 and [(t["id"], t["kind"], t["state"], t["job"], t["job_name"], t["file"], t["file_name"])
                             for t in mine]
          == [(d1, "draw", "assigned", job_id, "By hand", f1["id"], "street-1.png")], mine)
    status, mine = s.call("GET", "/me/tasks", rev)
    check("rev's task list is draw 2", status == 200 and [t["id"] for t in mine] == [d2], mine)
    status, mine = s.call("GET", "/me/tasks", ann)
    check("ann, whose task went to cat, has none", status == 200 and mine == [], mine)

    # Release.
    status, body = s.call("POST", "/tasks/%d/release" % d2, cat)
    check("someone else's task cannot be released by an annotator (403)", status == 403, body)
    status, task = s.call("POST", "/tasks/%d/release" % d1, cat)
    check("the assignee releases: available, no assignee, version bumped",
          status == 200 and task["state"] == "available" and task["assignee"] is None and task["version"] == 4, task)
    status, mine = s.call("GET", "/me/tasks", cat)
    check("a released task leaves the assignee's list", mine == [], mine)
    status, body = s.call("POST", "/tasks/%d/release" % d1, s.root)
    check("releasing a task nobody holds: 422", status == 422, body)
    status, task = s.call("POST", "/jobs/%d/next" % job_id, ann)
    check("the released task is given out again by next", status == 200 and task["id"] == d1, task)
    status, task = s.call("POST", "/tasks/%d/release" % d2, s.root)
    check("a project admin releases anyone's task", status == 200 and task["state"] == "available", task)

    # Submitted work stays with its annotator.
    status, current = s.call("GET", "/tasks/%d" % d1, ann)
    status, saved = s.call("PUT", "/tasks/%d/instances" % d1, ann, {"version": current["version"], "instances": []})
    status, body = s.call("POST", "/tasks/%d/submit" % d1, ann, {"version": saved["version"]})
    status, body = s.call("POST", "/tasks/%d/assign" % d1, s.root, {"user": cat_id})
    check("a submitted task cannot be reassigned: 422", status == 422 and "submitted" in error_message(body), body)
    status, body = s.call("POST", "/tasks/%d/release" % d1, ann)
    check("nor released: 422", status == 422, body)

    # Next task finishes open files before it opens new ones, even when an
    # untouched file comes first: three files, P 2, no review.
    more = []
    for i in range(3):
        status, body = s.call("POST", "/projects/1/files?name=open-%d.png" % i, s.root,
                              raw=png(32, 24, 100 + i), content_type="image/png")
        more.append(body["id"])
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Open files", "passes_per_file": 2, "review_frequency": 0},
                          "files": more})
    s.call("POST", "/jobs/%d/launch" % job["id"], s.root)
    takers = [s.user(name, "annotator") for name in ("p1", "p2", "p3", "p4", "p5")]
    given = [s.call("POST", "/jobs/%d/next" % job["id"], token)[1] for _, token in takers[:3]]
    check("in file order: two passes of the first file, then the second",
          [(t["file"], t["pass"]) for t in given] == [(more[0], 1), (more[0], 2), (more[1], 1)], given)
    for task in given[:2]:
        s.call("POST", "/tasks/%d/release" % task["id"], s.root)
    status, task = s.call("POST", "/jobs/%d/next" % job["id"], takers[3][1])
    check("the open second file's other pass comes before the untouched first file",
          status == 200 and (task["file"], task["pass"]) == (more[1], 2), task)
    status, task = s.call("POST", "/jobs/%d/next" % job["id"], takers[4][1])
    check("a file whose passes are all taken is no longer open: file order again",
          status == 200 and (task["file"], task["pass"]) == (more[0], 1), task)

    # A reviewer chosen by hand for a waiting review never draws the task it
    # reviews, and a consensus reviewer chosen by hand never draws the file:
    # next keeps the rules the admin's hand keeps.
    status, body = s.call("POST", "/projects/1/files?name=chosen.png", s.root, raw=png(32, 24, 200),
                          content_type="image/png")
    chosen_file = body["id"]
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Chosen reviewer", "passes_per_file": 2, "review_frequency": 1},
                          "files": [chosen_file]})
    s.call("POST", "/jobs/%d/launch" % job["id"], s.root)
    status, tasks = s.call("GET", "/jobs/%d/tasks" % job["id"], s.root)
    cd1, cr1, cd2, cr2, cc = [t["id"] for t in tasks]
    status, task = s.call("POST", "/tasks/%d/assign" % cr1, s.root, {"user": rev2_id})
    check("a waiting review is given to rev2 by hand", status == 200 and task["state"] == "waiting", task)
    status, body = s.call("POST", "/tasks/%d/assign" % cd1, s.root, {"user": rev2_id})
    check("the admin cannot give rev2 the draw task rev2 will review (422)",
          status == 422 and "reviews their own work" in error_message(body), body)
    status, task = s.call("POST", "/jobs/%d/next" % job["id"], rev2)
    check("nor does next give rev2 any pass of the file they review (blind): 204",
          status == 204, task)
    status, body = s.call("POST", "/tasks/%d/assign" % cd2, s.root, {"user": rev2_id})
    check("nor the admin the other pass (422)",
          status == 422 and "reviews a pass of this file" in error_message(body), body)
    status, task = s.call("POST", "/tasks/%d/assign" % cc, s.root, {"user": rev_id})
    check("the waiting consensus task is given to rev by hand", status == 200 and task["state"] == "waiting", task)
    status, task = s.call("POST", "/jobs/%d/next" % job["id"], rev)
    check("next never gives the consensus reviewer a pass of the file",
          status == 204, task)

    # An exam's draw tasks belong to their taker: they never go back to
    # everyone, by hand or when idle.
    s.call("PUT", "/files/%d/existing" % chosen_file, s.root,
           {"instances": [{"id": "gold-1", "label": "car", "kind": "box", "points": [[0, 0], [10, 10]]}]})
    status, exam = s.call("POST", "/projects/1/jobs", s.root,
                          {"settings": {"name": "Exam", "passes_per_file": 1, "review_frequency": 0,
                                        "type": "exam", "awarded_credentials": ["Careful"]},
                           "files": [chosen_file]})
    assert status == 201, exam
    s.call("POST", "/jobs/%d/launch" % exam["id"], s.root)
    status, body = s.call("POST", "/jobs/%d/apply" % exam["id"], ann)
    status, exam_task = s.call("POST", "/jobs/%d/next" % exam["id"], ann)
    status, body = s.call("POST", "/tasks/%d/release" % exam_task["id"], ann)
    check("the taker cannot release an exam's draw task (422)", status == 422, body)
    status, body = s.call("POST", "/jobs/%d/next" % exam["id"], cat)
    check("so nobody else gets it from next", status == 204, body)

    # A job's guide is one of its project's: a job that names another
    # project's guide shows no guide, and so no text of that project.
    status, other_project = s.call("POST", "/projects", s.root, {"name": "Elsewhere"})
    status, secret = s.call("POST", "/projects/%d/guides" % other_project["id"], s.root,
                            {"name": "Secret", "markdown": "# not for project 1"})
    status, own = s.call("POST", "/projects/1/guides", s.root, {"name": "Own", "markdown": "# boxes"})
    status, body = s.call("POST", "/projects/1/files?name=guided.png", s.root, raw=png(32, 24, 210),
                          content_type="image/png")
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Guided", "passes_per_file": 1, "review_frequency": 1,
                                       "draw_guide": str(secret["id"]), "review_guide": str(own["id"])},
                          "files": [body["id"]]})
    s.call("POST", "/jobs/%d/launch" % job["id"], s.root)
    status, task = s.call("POST", "/jobs/%d/next" % job["id"], ann)
    check("a task never shows another project's guide",
          status == 200 and task["guide"] is None and "not for project 1" not in json.dumps(task), task)
    status, body = s.call("PUT", "/tasks/%d/instances" % task["id"], ann, {"version": task["version"], "instances": []})
    s.call("POST", "/tasks/%d/submit" % task["id"], ann, {"version": body["version"]})
    status, review = s.call("POST", "/jobs/%d/next" % job["id"], rev)
    check("and shows its own project's guide",
          status == 200 and review["guide"] is not None and review["guide"]["id"] == own["id"], review)
finally:
    server.close()

# Idle release passes over an exam's draw tasks: a server that releases
# what was untouched for 0 seconds.
server = Server(SERVER, "--idle-release", "0")
try:
    s = server
    s.call("POST", "/projects", s.root, {"name": "Exams"})
    s.call("PUT", "/projects/1/labels", s.root,
           {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]})
    status, f1 = s.call("POST", "/projects/1/files?name=gold.png", s.root, raw=png(32, 24, 10),
                        content_type="image/png")
    s.call("PUT", "/files/%d/existing" % f1["id"], s.root,
           {"instances": [{"id": "gold-1", "label": "car", "kind": "box", "points": [[0, 0], [10, 10]]}]})
    taker_id, taker = s.user("taker", "annotator")
    other_id, other = s.user("other", "annotator")
    status, exam = s.call("POST", "/projects/1/jobs", s.root,
                          {"settings": {"name": "Exam", "passes_per_file": 1, "review_frequency": 0,
                                        "type": "exam", "awarded_credentials": ["Careful"]},
                           "files": [f1["id"]]})
    s.call("POST", "/jobs/%d/launch" % exam["id"], s.root)
    s.call("POST", "/jobs/%d/apply" % exam["id"], taker)
    time.sleep(1.2)
    status, body = s.call("POST", "/jobs/%d/next" % exam["id"], other)
    check("an idle exam draw task is not released to someone else", status == 204, body)
    status, task = s.call("POST", "/jobs/%d/next" % exam["id"], taker)
    check("it stays with its taker", status == 200 and task["assignee"] == taker_id, task)

    # Next task (for a reviewer, whether they take the exam) and the gold
    # check of GET /files/{id}/existing look a taker's tasks up by index,
    # not by walking the job's tasks or the server's: the plans of the
    # store's queries on the database the server wrote.
    if BACKEND == "postgresql":
        # PostgreSQL's planner prefers a scan of a table this small whatever
        # its indexes; with sequential scans off it takes the index when
        # one serves the query, and still shows "Seq Scan" when none does.
        def plan(sql, *args):
            done = subprocess.run(["psql", "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", s.database,
                                   "-c", "EXPLAIN " + sql.replace("?", "%d") % args],
                                  capture_output=True, text=True, check=True,
                                  env=dict(os.environ, PGOPTIONS="-c enable_seqscan=off"))
            return " | ".join(line.strip() for line in done.stdout.splitlines())
        by_job = plan("SELECT 1 FROM tasks x WHERE x.job_id = ? AND x.taker = ?", exam["id"], taker_id)
        by_file = plan("SELECT 1 AS yes FROM tasks WHERE file_id = ? AND taker = ? LIMIT 1", f1["id"], taker_id)
        check("a taker's tasks in a job are found by the taker index", "tasks_by_taker" in by_job, by_job)
        check("a taker's tasks on a file too, without a scan",
              "tasks_by_taker" in by_file and "Seq Scan" not in by_file, by_file)
    else:
        db = sqlite3.connect("file:%s?mode=ro" % os.path.join(s.data, "quorum.sqlite"), uri=True)
        try:
            def plan(sql, *args):
                return " | ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, args))
            by_job = plan("SELECT 1 FROM tasks x WHERE x.job_id = ? AND x.taker = ?", exam["id"], taker_id)
            by_file = plan("SELECT 1 AS yes FROM tasks WHERE file_id = ? AND taker = ? LIMIT 1", f1["id"], taker_id)
            check("a taker's tasks in a job are found by the taker index", "tasks_by_taker" in by_job, by_job)
            check("a taker's tasks on a file too, without a scan",
                  "tasks_by_taker" in by_file and "SCAN" not in by_file, by_file)
        finally:
            db.close()
finally:
    server.close()

report()
