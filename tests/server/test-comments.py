#!/usr/bin/env python3
"""Review comments that land (docs/api.md, "Review comments") against a real
quorum-server: a reviewer rejects with a task comment, one pinned to an
instance and one to a point; the annotator reads them on their returned
task; bad pins are refused and change nothing; on the resubmission the
reviewer sees the comments and what changed since, computed from the set
they rejected; strangers get 404 on the comments route; quorumctl rejects
and lists the same way; an exam's taker sees the comments only once the
attempt is decided, and no point pin unless the exam shows its answers.
Prints TAP. Arguments: the quorum-server binary, the quorumctl binary."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, error_message, png, report  # noqa: E402

SERVER = sys.argv[1]
QUORUMCTL = sys.argv[2]
WIDTH, HEIGHT = 64, 48


def box(instance_id, x0, y0, x1, y1):
    return {"id": instance_id, "label": "car", "kind": "box", "points": [[x0, y0], [x1, y1]]}


def texts(comments):
    return sorted(c["text"] for c in comments)


server = Server(SERVER)
try:
    s = server
    s.call("POST", "/projects", s.root, {"name": "Streets"})
    s.call("PUT", "/projects/1/labels", s.root,
           {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]})
    files = []
    for i in range(2):
        status, body = s.call("POST", "/projects/1/files?name=street-%d.png" % i, s.root,
                              raw=png(WIDTH, HEIGHT, 30 + 40 * i), content_type="image/png")
        assert status == 201, body
        files.append(body["id"])
    ann_id, ann = s.user("ann", "annotator")
    ben_id, ben = s.user("ben", "annotator")
    rev_id, rev = s.user("rev", "reviewer")
    viewer_id, viewer = s.user("vic", "viewer")
    status, body = s.call("POST", "/users", s.root, {"name": "stranger", "password": "stranger-password"})
    stranger = s.login("stranger", "stranger-password")

    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Reviewed", "passes_per_file": 1, "review_frequency": 1},
                          "files": files})
    s.call("POST", "/jobs/%d/launch" % job["id"], s.root)

    # ann draws the first file and submits; rev takes its review.
    status, draw = s.call("POST", "/jobs/%d/next" % job["id"], ann)
    first = [box("a1", 1, 1, 10, 10), box("a2", 20, 5, 30, 15), box("a3", 40, 20, 50, 30)]
    status, saved = s.call("PUT", "/tasks/%d/instances" % draw["id"], ann,
                           {"version": draw["version"], "instances": first})
    s.call("POST", "/tasks/%d/submit" % draw["id"], ann, {"version": saved["version"]})
    status, review = s.call("POST", "/jobs/%d/next" % job["id"], rev)
    check("the reviewer gets the review of ann's draw", status == 200 and review["reviews"] == draw["id"], review)
    check("a review never rejected has no comments and no changed_since",
          review["review_comments"] == [] and review["changed_since"] is None, review)

    # Bad bodies: each refused with the field named, and nothing changes.
    good_pin = {"text": "cut off", "instance": "a2"}
    bad = [
        ("a pin naming an instance not in the set",
         {"comment": "loose", "pins": [good_pin, {"text": "where?", "instance": "ab12"}]},
         "pins[1].instance: no instance “ab12” in this task"),
        ("a point outside the image",
         {"comment": "loose", "pins": [{"text": "here", "x": WIDTH + 1, "y": 3}]}, "pins[0].x"),
        ("a point at a negative y",
         {"comment": "loose", "pins": [{"text": "here", "x": 3, "y": -0.5}]}, "pins[0].y"),
        ("a point on a frame the image has not",
         {"comment": "loose", "pins": [{"text": "here", "x": 3, "y": 3, "frame": 1}]}, "pins[0].frame"),
        ("a pin with empty text", {"comment": "loose", "pins": [{"text": "  ", "instance": "a1"}]},
         "pins[0].text"),
        ("a pin with no text", {"comment": "loose", "pins": [{"instance": "a1"}]}, "pins[0].text"),
        ("a pin to an instance and a point", {"comment": "loose", "pins": [dict(good_pin, x=1, y=1)]},
         "pins[0]"),
        ("an empty task comment", {"comment": " \n "}, "comment"),
        ("a task comment of 4,001 characters", {"comment": "x" * 4001}, "comment: at most 4000"),
        ("a pin of 4,001 characters", {"comment": "ok", "pins": [{"text": "é" * 4001, "instance": "a1"}]},
         "pins[0].text: at most 4000"),
        ("pins only, no task comment", {"pins": [good_pin]}, "comment"),
        ("pins that are not a list", {"comment": "loose", "pins": {"text": "x"}}, "pins"),
    ]
    for name, body, field in bad:
        body["version"] = review["version"]
        status, reply = s.call("POST", "/tasks/%d/reject" % review["id"], rev, body)
        check("refused with 400 naming the field: " + name,
              status == 400 and error_message(reply).startswith(field), reply)
    status, reply = s.call("POST", "/tasks/%d/reject" % review["id"], rev,
                           {"comment": "stale", "pins": [good_pin], "version": review["version"] + 7})
    check("a valid rejection at a stale version is 409 with the current version",
          status == 409 and reply["error"]["version"] == review["version"], reply)
    status, after = s.call("GET", "/tasks/%d" % review["id"], s.root)
    status, drawn = s.call("GET", "/tasks/%d" % draw["id"], ann)
    check("refused rejections changed nothing",
          after["version"] == review["version"] and after["state"] == review["state"]
          and drawn["state"] == "submitted" and drawn["review_comments"] == [], [after, drawn])

    # The rejection: a task comment, an instance pin, a point pin; an author
    # in the body is not taken.
    status, rejected = s.call("POST", "/tasks/%d/reject" % review["id"], rev,
                              {"comment": "Boxes are too loose", "author": ben_id, "author_name": "ben",
                               "pins": [good_pin, {"text": "a car is missing here", "x": 55.5, "y": 40}],
                               "version": review["version"]})
    check("reject with a task comment and two pins", status == 200 and rejected["state"] == "waiting", rejected)

    status, back = s.call("POST", "/jobs/%d/next" % job["id"], ann)
    comments = back.get("review_comments", [])
    by_text = {c["text"]: c for c in comments}
    check("the annotator's returned task lists the three comments",
          status == 200 and back["id"] == draw["id"] and back["state"] == "rejected"
          and texts(comments) == ["Boxes are too loose", "a car is missing here", "cut off"], back)
    check("each comment has its pin: none, the instance, the point",
          len(by_text) == 3 and by_text["Boxes are too loose"]["pin"] is None
          and by_text["cut off"]["pin"] == {"instance": "a2"}
          and by_text["a car is missing here"]["pin"] == {"x": 55.5, "y": 40}, comments)
    check("each is round 1, a rejection, by the signed-in reviewer (not the body's author)",
          all(c["round"] == 1 and c["decision"] == "reject" and c["author"] == rev_id
              and c["author_name"] == "rev" and c["task"] == draw["id"] and c["review_task"] == review["id"]
              and isinstance(c["created"], int) for c in comments), comments)
    check("the older comments member still holds the task comment", back["comments"] == "Boxes are too loose", back)

    # Who reads GET /tasks/{id}/comments.
    status, listed = s.call("GET", "/tasks/%d/comments" % draw["id"], ann)
    check("the annotator reads the comments route",
          status == 200 and listed["draw"] == draw["id"] and texts(listed["comments"]) == texts(comments)
          and listed["changed_since"] == {"round": 1, "rejected": listed["changed_since"]["rejected"],
                                          "added": [], "removed": [], "changed": []}, listed)
    status, listed = s.call("GET", "/tasks/%d/comments" % draw["id"], rev)
    check("the reviewer of the draw reads them", status == 200 and len(listed["comments"]) == 3, listed)
    status, listed = s.call("GET", "/tasks/%d/comments" % draw["id"], s.root)
    check("a project admin reads them", status == 200 and len(listed["comments"]) == 3, listed)
    for name, token in (("another annotator", ben), ("a viewer", viewer), ("a stranger", stranger)):
        status, reply = s.call("GET", "/tasks/%d/comments" % draw["id"], token)
        check("%s gets 404 on the comments route" % name, status == 404 and "error" in reply, reply)
        status, reply = s.call("GET", "/tasks/%d/comments" % review["id"], token)
        check("%s gets 404 on the review's comments too" % name, status == 404, reply)
    status, reply = s.call("GET", "/tasks/%d/comments" % draw["id"])
    check("anonymous gets 401", status == 401, reply)

    # ann fixes: a1 kept, a2 tightened, a3 removed, a4 added; resubmits.
    fixed = [box("a1", 1, 1, 10, 10), box("a2", 21, 6, 29, 14), box("a4", 50, 35, 60, 45)]
    status, saved = s.call("PUT", "/tasks/%d/instances" % draw["id"], ann,
                           {"version": back["version"], "instances": fixed})
    s.call("POST", "/tasks/%d/submit" % draw["id"], ann, {"version": saved["version"]})
    status, again = s.call("POST", "/jobs/%d/next" % job["id"], rev)
    check("the resubmission goes back to the reviewer with the comments",
          status == 200 and again["id"] == review["id"] and texts(again["review_comments"]) == texts(comments),
          again)
    check("changed since the rejection: a4 added, a3 removed, a2 changed",
          again["changed_since"] is not None and again["changed_since"]["round"] == 1
          and again["changed_since"]["added"] == ["a4"] and again["changed_since"]["removed"] == ["a3"]
          and again["changed_since"]["changed"] == ["a2"], again.get("changed_since"))
    status, listed = s.call("GET", "/tasks/%d/comments" % review["id"], rev)
    check("the comments route of the review says the same",
          status == 200 and listed["draw"] == draw["id"] and listed["changed_since"] == again["changed_since"],
          listed)

    # Accept may carry a comment; it is round 2.
    status, accepted = s.call("POST", "/tasks/%d/accept" % review["id"], rev, {"comment": "Good now"})
    check("accept with a comment", status == 200 and accepted["state"] == "complete", accepted)
    status, listed = s.call("GET", "/tasks/%d/comments" % draw["id"], ann)
    check("the accept's comment is round 2",
          [(c["round"], c["decision"], c["text"]) for c in listed["comments"]][-1] == (2, "accept", "Good now"),
          listed)

    # quorumctl: ann draws the second file, rev rejects it from the shell.
    status, draw2 = s.call("POST", "/jobs/%d/next" % job["id"], ann)
    status, saved = s.call("PUT", "/tasks/%d/instances" % draw2["id"], ann,
                           {"version": draw2["version"], "instances": [box("b1", 2, 2, 12, 12)]})
    s.call("POST", "/tasks/%d/submit" % draw2["id"], ann, {"version": saved["version"]})
    status, review2 = s.call("POST", "/jobs/%d/next" % job["id"], rev)
    config = tempfile.mkdtemp(prefix="quorum-comments-cli-")

    def ctl(token, *args):
        env = dict(os.environ, QUORUM_SERVER=s.base[:-len("/api/v1")], QUORUM_TOKEN=token,
                   XDG_CONFIG_HOME=config, QUORUM_CREDENTIALS_STORE="file")
        return subprocess.run([QUORUMCTL] + list(args), capture_output=True, text=True, env=env, timeout=60)

    run = ctl(rev, "task", "reject", str(review2["id"]), "--pin", "b1:too wide", "--pin", "30,20:missed one")
    check("quorumctl task reject without --comment is a usage error (2) and sends nothing",
          run.returncode == 2 and "--comment" in run.stderr, run.stderr)
    for pin in ("b1", "b1:", "3,x:a point?"):
        run = ctl(rev, "task", "reject", str(review2["id"]), "--comment", "see pins", "--pin", pin)
        check("quorumctl task reject --pin %s is bad input (2)" % pin,
              run.returncode == 2 and "--pin" in run.stderr, run.stderr)
    run = ctl(rev, "task", "reject", str(review2["id"]), "--comment", "see pins", "--pin", "zz:nope")
    check("quorumctl task reject with an unknown instance exits 1 with the server's message",
          run.returncode == 1 and "pins[0].instance: no instance “zz”" in run.stderr, run.stderr)
    run = ctl(rev, "task", "reject", str(review2["id"]), "--comment", "see pins",
              "--pin", "b1:too wide", "--pin", "30,20:missed one")
    check("quorumctl task reject with a comment and two pins", run.returncode == 0, run.stderr)
    run = ctl(ann, "task", "comments", str(draw2["id"]), "--json")
    listed = json.loads(run.stdout) if run.returncode == 0 else {}
    check("quorumctl task comments --json prints the route's answer",
          [(c["text"], c["pin"]) for c in listed.get("comments", [])]
          == [("see pins", None), ("too wide", {"instance": "b1"}), ("missed one", {"x": 30, "y": 20})], run)
    run = ctl(ann, "task", "comments", str(draw2["id"]))
    check("quorumctl task comments prints a table naming what each is on",
          run.returncode == 0 and "instance b1" in run.stdout and "point 30,20" in run.stdout
          and "the task" in run.stdout and "rev" in run.stdout, run.stdout)
    run = ctl(ben, "task", "comments", str(draw2["id"]))
    check("quorumctl task comments as another annotator exits 1", run.returncode == 1, run.stderr)

    # ann gives the returned task back; ben, who takes it, starts blind:
    # the comments on ann's set are not for him.
    status, held = s.call("GET", "/tasks/%d" % draw2["id"], ann)
    s.call("PUT", "/tasks/%d/instances" % draw2["id"], ann, {"version": held["version"], "instances": []})
    status, reply = s.call("POST", "/tasks/%d/release" % draw2["id"], ann)
    check("ann gives back the returned task once at work on it", status == 200, reply)
    status, taken = s.call("POST", "/jobs/%d/next" % job["id"], ben)
    status2, listed = s.call("GET", "/tasks/%d/comments" % draw2["id"], ben)
    check("the next holder of a released task sees none of the comments on the previous holder's work",
          status == 200 and taken["id"] == draw2["id"] and taken["review_comments"] == []
          and status2 == 200 and listed["comments"] == [] and listed["changed_since"] is None, [taken, listed])
    status, listed = s.call("GET", "/tasks/%d/comments" % draw2["id"], s.root)
    check("a project admin still sees them", status == 200 and len(listed["comments"]) == 3, listed)

    # Consensus: rejecting sends the file back to both annotators; the task
    # comment and the point pin reach both, a pin on ann's instance only ann
    # (blind: ben never learns of ann's instances).
    status, merge = s.call("POST", "/projects/1/jobs", s.root,
                           {"settings": {"name": "Two readers", "passes_per_file": 2, "review_frequency": 0},
                            "files": [files[0]]})
    s.call("POST", "/jobs/%d/launch" % merge["id"], s.root)
    passes = {}
    for name, token in (("ann", ann), ("ben", ben)):
        status, task = s.call("POST", "/jobs/%d/next" % merge["id"], token)
        status, saved = s.call("PUT", "/tasks/%d/instances" % task["id"], token,
                               {"version": task["version"], "instances": [box("c-%s-1" % name, 3, 3, 20, 20)]})
        s.call("POST", "/tasks/%d/submit" % task["id"], token, {"version": saved["version"]})
        passes[name] = task["id"]
    status, consensus = s.call("POST", "/jobs/%d/next" % merge["id"], rev)
    check("the reviewer gets the consensus task", status == 200 and consensus["kind"] == "consensus", consensus)
    status, reply = s.call("POST", "/tasks/%d/reject" % consensus["id"], rev,
                           {"comment": "again", "pins": [{"text": "?", "instance": "c-cat-1"}]})
    check("a consensus pin must name an instance of one of the passes",
          status == 400 and error_message(reply) == "pins[0].instance: no instance “c-cat-1” in this task", reply)
    status, reply = s.call("POST", "/tasks/%d/reject" % consensus["id"], rev,
                           {"comment": "Both missed the truck",
                            "pins": [{"text": "too big", "instance": "c-ann-1"}, {"text": "truck", "x": 10, "y": 10, "frame": 0}]})
    check("reject a consensus task with pins", status == 200, reply)
    seen = {}
    for name, token in (("ann", ann), ("ben", ben)):
        status, view = s.call("GET", "/tasks/%d" % passes[name], token)
        seen[name] = (view["state"], texts(view["review_comments"]))
        seen[name + " pin"] = [c["pin"] for c in view["review_comments"] if c["text"] == "truck"]
    check("each annotator gets the task comment and the point; only ann the pin on her instance",
          seen == {"ann": ("rejected", ["Both missed the truck", "too big", "truck"]),
                   "ben": ("rejected", ["Both missed the truck", "truck"]),
                   "ann pin": [{"x": 10, "y": 10, "frame": 0}], "ben pin": [{"x": 10, "y": 10, "frame": 0}]}, seen)
    status, listed = s.call("GET", "/tasks/%d/comments" % consensus["id"], rev)
    check("the consensus task's comments route lists what its decision wrote on each pass",
          status == 200 and sorted((c["task"], c["text"]) for c in listed["comments"])
          == sorted([(passes["ann"], "Both missed the truck"), (passes["ann"], "too big"), (passes["ann"], "truck"),
                     (passes["ben"], "Both missed the truck"), (passes["ben"], "truck")]), listed)
    status, reply = s.call("GET", "/tasks/%d/comments" % passes["ann"], ben)
    check("ben cannot read ann's pass's comments", status == 404, reply)

    # An exam: the taker sees the comments once the attempt is decided, and
    # the point pin (maybe a gold instance's place) not at all without
    # show_answers.
    gold = [box("gold-1", 5, 5, 25, 25)]
    s.call("PUT", "/files/%d/existing" % files[1], s.root, {"instances": gold})
    s.call("POST", "/projects/1/credentials", s.root, {"name": "Street annotator"})
    status, exam = s.call("POST", "/projects/1/jobs", s.root,
                          {"settings": {"name": "Exam", "type": "exam", "awarded_credentials": ["Street annotator"]},
                           "files": [files[1]]})
    assert status == 201, exam
    s.call("POST", "/jobs/%d/launch" % exam["id"], s.root)
    status, applied = s.call("POST", "/jobs/%d/apply" % exam["id"], ben)
    status, tasks = s.call("GET", "/jobs/%d/tasks" % exam["id"], s.root)
    exam_draw = [t for t in tasks if t["kind"] == "draw" and t["assignee"] == ben_id][0]
    exam_review = [t for t in tasks if t["kind"] == "review" and t["reviews"] == exam_draw["id"]][0]
    status, saved = s.call("PUT", "/tasks/%d/instances" % exam_draw["id"], ben,
                           {"version": exam_draw["version"], "instances": [box("ben-1", 6, 6, 24, 24)]})
    s.call("POST", "/tasks/%d/submit" % exam_draw["id"], ben, {"version": saved["version"]})
    s.call("POST", "/tasks/%d/assign" % exam_review["id"], s.root, {"user": rev_id})
    status, reply = s.call("POST", "/tasks/%d/accept" % exam_review["id"], rev,
                           {"comment": "Close", "pins": [{"text": "good", "instance": "ben-1"},
                                                         {"text": "look here", "x": 15, "y": 15}]})
    check("an exam review is accepted with pins", status == 200, reply)
    status, view = s.call("GET", "/tasks/%d" % exam_draw["id"], ben)
    status2, listed = s.call("GET", "/tasks/%d/comments" % exam_draw["id"], ben)
    check("the taker sees no comments while the attempt is undecided",
          status == 200 and view["review_comments"] == [] and status2 == 200 and listed["comments"] == [],
          [view.get("review_comments"), listed])
    status, listed = s.call("GET", "/tasks/%d/comments" % exam_draw["id"], s.root)
    check("the trainer sees all three", status == 200 and len(listed["comments"]) == 3, listed)
    status, reply = s.call("POST", "/jobs/%d/attempts/%d/fail" % (exam["id"], applied["attempt"]), s.root)
    status, listed = s.call("GET", "/tasks/%d/comments" % exam_draw["id"], ben)
    pins = {c["text"]: c["pin"] for c in listed.get("comments", [])}
    check("once decided the taker sees them, without the point pin (no show_answers)",
          status == 200 and pins == {"Close": None, "good": {"instance": "ben-1"}, "look here": None}, listed)

    # An editor sees the point pin, until they take another exam on the same
    # file: then no point pin of this one reaches them either.
    eve_id, eve = s.user("eve", "editor")
    status, listed = s.call("GET", "/tasks/%d/comments" % exam_draw["id"], eve)
    pins = {c["text"]: c["pin"] for c in listed.get("comments", [])}
    check("an editor who takes no exam sees the point pin",
          status == 200 and pins.get("look here") == {"x": 15, "y": 15}, listed)
    status, exam2 = s.call("POST", "/projects/1/jobs", s.root,
                           {"settings": {"name": "Exam 2", "type": "exam", "awarded_credentials": ["Street annotator"]},
                            "files": [files[1]]})
    s.call("POST", "/jobs/%d/launch" % exam2["id"], s.root)
    status, body = s.call("POST", "/jobs/%d/apply" % exam2["id"], eve)
    assert status == 201, body
    for route in ("/tasks/%d/comments", "/tasks/%d"):
        status, listed = s.call("GET", route % exam_draw["id"], eve)
        found = (listed["review_comments"] if "review_comments" in listed else listed.get("comments")) or []
        check("taking another exam on the file, no point pin reaches them (%s)" % (route % exam_draw["id"]),
              status in (200, 404) and '"x"' not in json.dumps([c.get("pin") for c in found]), listed)
finally:
    server.close()
report()
