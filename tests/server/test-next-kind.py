#!/usr/bin/env python3
"""POST /jobs/{id}/next with a kind against a real quorum-server: a
reviewer's queue apart from their own drawing. With {"kind": …} (or
?kind=) only a task of that kind is given, by every rule of DESIGN §2;
an unknown kind is refused with 400 and changes nothing. Prints TAP.
Argument: the quorum-server binary."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, error_message, png, report  # noqa: E402

SERVER = sys.argv[1]


def states(s, job_id):
    status, tasks = s.call("GET", "/jobs/%d/tasks" % job_id, s.root)
    assert status == 200, tasks
    return [(t["id"], t["kind"], t["state"], t["assignee"], t["version"]) for t in tasks]


def submit(s, token, task):
    status, body = s.call("PUT", "/tasks/%d/instances" % task["id"], token,
                          {"version": task["version"],
                           "instances": [{"id": "i-1", "label": "car", "kind": "box", "points": [[1, 1], [9, 9]]}]})
    assert status == 200, body
    status, body = s.call("POST", "/tasks/%d/submit" % task["id"], token, {"version": body["version"]})
    assert status == 200, body


server = Server(SERVER)
try:
    s = server
    s.call("POST", "/projects", s.root, {"name": "Streets"})
    s.call("PUT", "/projects/1/labels", s.root,
           {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]})
    files = []
    for i in range(3):
        status, f = s.call("POST", "/projects/1/files?name=street-%d.png" % i, s.root, raw=png(32, 24, 10 + i),
                           content_type="image/png")
        assert status == 201, f
        files.append(f["id"])
    ann_id, ann = s.user("ann", "annotator")
    cat_id, cat = s.user("cat", "annotator")
    rev_id, rev = s.user("rev", "reviewer")

    # Three files, one pass each, every pass reviewed.
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Queues", "passes_per_file": 1, "review_frequency": 1},
                          "files": files})
    job_id = job["id"]
    s.call("POST", "/jobs/%d/launch" % job_id, s.root)
    next_path = "/jobs/%d/next" % job_id

    # ann draws the first two files: their reviews wait, the third draw too.
    for expected in files[:2]:
        status, task = s.call("POST", next_path, ann, {"kind": "draw"})
        check("ann asking for a draw gets the draw of file %d" % expected,
              status == 200 and task["kind"] == "draw" and task["file"] == expected, task)
        submit(s, ann, task)

    # Bad kinds: 400 naming the field and what it may be, nothing changed.
    before = states(s, job_id)
    status, body = s.call("POST", next_path + "?kind=drawing", rev)
    check("an unknown kind in the query is refused (400) naming kind and the kinds",
          status == 400 and error_message(body).startswith("kind:")
          and all(k in error_message(body) for k in ("draw", "review", "consensus")), body)
    status, body = s.call("POST", next_path, rev, {"kind": "Review"})
    check("an unknown kind in the body too (400)", status == 400 and "kind:" in error_message(body), body)
    status, body = s.call("POST", next_path, rev, {"kind": 2})
    check("a kind that is no string (400)", status == 400 and "kind:" in error_message(body), body)
    status, body = s.call("POST", next_path + "?kind=draw", rev, {"kind": "review"})
    check("a query and a body that disagree (400)", status == 400 and "kind:" in error_message(body), body)
    status, body = s.call("POST", next_path, rev, raw=b"{not json", content_type="application/json")
    check("a body that is no JSON (400)", status == 400, body)
    check("and none of these changed a task", states(s, job_id) == before, states(s, job_id))

    # The reviewer's two queues: a draw is never a review and a review never a draw.
    status, task = s.call("POST", next_path, rev, {"kind": "draw"})
    check("rev asking for a draw gets the third file's draw, not a waiting review",
          status == 200 and task["kind"] == "draw" and task["file"] == files[2], task)
    rev_draw = task
    status, task = s.call("POST", next_path + "?kind=review", rev)
    check("rev asking for a review gets the first review, though a draw of theirs is unfinished",
          status == 200 and task["kind"] == "review" and task["file"] == files[0], task)
    rev_review = task
    status, task = s.call("POST", next_path, rev, {"kind": "review"})
    check("asked again, the same unfinished review", status == 200 and task["id"] == rev_review["id"], task)
    status, task = s.call("POST", next_path, rev, {"kind": "draw"})
    check("and for a draw, the same unfinished draw", status == 200 and task["id"] == rev_draw["id"], task)
    status, task = s.call("POST", next_path, rev, {"kind": "consensus"})
    check("no consensus in a one-pass job: 204", status == 204, task)
    status, task = s.call("POST", next_path, rev)
    check("without a kind, their first unfinished task in job order as always",
          status == 200 and task["id"] == rev_review["id"], task)

    # An annotator never gets a review, even when asking for one.
    status, task = s.call("POST", next_path, cat, {"kind": "review"})
    check("an annotator asking for a review gets nothing (204) while a review waits", status == 204, task)
    status, task = s.call("POST", next_path, cat, {"kind": "draw"})
    check("nor a draw when every draw is taken (204)", status == 204, task)

    # Never one's own work to review: rev's draw, once submitted, is not
    # theirs to review even when they ask for reviews only.
    status, body = s.call("POST", "/tasks/%d/accept" % rev_review["id"], rev, {})
    check("rev accepts the review", status == 200, body)
    submit(s, rev, rev_draw)
    status, task = s.call("POST", next_path, rev, {"kind": "review"})
    check("rev asking for a review gets ann's second file, never their own third",
          status == 200 and task["kind"] == "review" and task["file"] == files[1], task)
    status, body = s.call("POST", "/tasks/%d/accept" % task["id"], rev, {})
    status, task = s.call("POST", next_path, rev, {"kind": "review"})
    check("with only their own draw left to review: 204", status == 204, task)
    status, task = s.call("POST", next_path, rev, {"kind": "draw"})
    check("and no draw for them either (204)", status == 204, task)

    # Consensus apart from reviews: one file, two passes, no review.
    status, f = s.call("POST", "/projects/1/files?name=crossing.png", s.root, raw=png(32, 24, 90),
                       content_type="image/png")
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Two passes", "passes_per_file": 2, "review_frequency": 0},
                          "files": [f["id"]]})
    s.call("POST", "/jobs/%d/launch" % job["id"], s.root)
    two_path = "/jobs/%d/next" % job["id"]
    for token in (ann, cat):
        status, task = s.call("POST", two_path, token)
        submit(s, token, task)
    status, task = s.call("POST", two_path, rev, {"kind": "review"})
    check("with only a consensus task waiting, asking for a review gives nothing (204)", status == 204, task)
    status, task = s.call("POST", two_path, cat, {"kind": "consensus"})
    check("an annotator asking for consensus gets nothing (204)", status == 204, task)
    status, task = s.call("POST", two_path + "?kind=consensus", rev)
    check("asking for consensus gives the consensus task",
          status == 200 and task["kind"] == "consensus" and task["file"] == f["id"], task)
finally:
    server.close()

report()
