#!/usr/bin/env python3
"""More readers than the minimum, against a real quorum-server: a project
admin adds a fourth labeller to a file of a job with 3 passes; the file's
consensus waits for that pass too, then shows four sets and six pair scores,
and its agreement equals the core's (quorumctl agreement) on those four
sets. What may not be added is refused and changes nothing. Prints TAP.
Arguments: the quorum-server and quorumctl binaries."""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, png, report  # noqa: E402

SERVER, CTL = sys.argv[1], sys.argv[2]


def box(name, x, y, w=20, h=14):
    return {"id": name, "label": "car", "kind": "box", "points": [[x, y], [x + w, y + h]]}


def message(body):
    return body.get("error", {}).get("message", "") if isinstance(body, dict) else ""


server = Server(SERVER)
work = tempfile.mkdtemp(prefix="quorum-readers-")
try:
    s = server
    s.call("POST", "/projects", s.root, {"name": "Readers"})
    s.call("PUT", "/projects/1/labels", s.root,
           {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]})
    status, f = s.call("POST", "/projects/1/files?name=street.png", s.root,
                       raw=png(120, 80, 60), content_type="image/png")
    status, other_file = s.call("POST", "/projects/1/files?name=other.png", s.root,
                                raw=png(120, 80, 70), content_type="image/png")
    users = {}
    for name in ("ann", "ben", "cat", "dan"):
        users[name] = s.user(name, "annotator")
    rev_id, rev = s.user("rev", "reviewer")
    viewer_id, viewer = s.user("vic", "viewer")
    editor_id, editor = s.user("eve", "editor")

    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Three passes", "passes_per_file": 3, "review_frequency": 0},
                          "files": [f["id"], other_file["id"]]})
    jid = job["id"]
    path = "/jobs/%d/files/%d/readers" % (jid, f["id"])
    status, body = s.call("POST", path, s.root, {"user": users["dan"][0]})
    check("a draft job takes no readers (422)", status == 422 and message(body).startswith("state:"), body)
    s.call("POST", "/jobs/%d/launch" % jid, s.root)

    status, body = s.call("POST", path, editor, {"user": users["dan"][0]})
    check("an editor may not add a reader (403)", status == 403, body)
    status, body = s.call("POST", path, users["ann"][1], {"user": users["dan"][0]})
    check("nor an annotator (403)", status == 403, body)
    status, body = s.call("POST", path, s.root, {"user": viewer_id})
    check("a viewer cannot be a reader (422, naming the role)",
          status == 422 and "viewer" in message(body), body)
    status, body = s.call("POST", path, s.root, {})
    check("user is required (400)", status == 400 and message(body).startswith("user:"), body)
    status, body = s.call("POST", "/jobs/%d/files/999/readers" % jid, s.root, {"user": users["dan"][0]})
    check("a file not in the job: 404", status == 404, body)

    # ann, ben and cat take the three planned passes of the file.
    drawn = {}
    for name in ("ann", "ben", "cat"):
        status, task = s.call("POST", "/jobs/%d/next" % jid, users[name][1])
        assert status == 200 and task["file"] == f["id"], task
        drawn[name] = task
    status, body = s.call("POST", path, s.root, {"user": users["ann"][0]})
    check("a file's annotator cannot read it twice (422)", status == 422 and "already works" in message(body), body)
    status, tasks_before = s.call("GET", "/jobs/%d/tasks" % jid, s.root)

    status, added = s.call("POST", path, s.root, {"user": users["dan"][0]})
    check("a project admin adds dan as a fourth reader: 201, a draw task, pass 4, assigned to dan",
          status == 201 and added["kind"] == "draw" and added["pass"] == 4 and added["assignee"] == users["dan"][0]
          and added["state"] == "assigned", added)
    status, tasks_after = s.call("GET", "/jobs/%d/tasks" % jid, s.root)
    check("the job holds one more task", len(tasks_after) == len(tasks_before) + 1, len(tasks_after))
    status, mine = s.call("GET", "/me/tasks", users["dan"][1])
    check("dan finds it in his tasks", status == 200 and added["id"] in [t["id"] for t in mine], mine)

    sets = {"ann": [box("a1", 10, 10), box("a2", 60, 40)],
            "ben": [box("b1", 11, 10), box("b2", 61, 41)],
            "cat": [box("c1", 10, 11), box("c2", 80, 5)],
            "dan": [box("d1", 12, 11), box("d2", 60, 42), box("d3", 30, 50)]}
    drawn["dan"] = added
    for name in ("ann", "ben", "cat"):
        task = drawn[name]
        status, saved = s.call("PUT", "/tasks/%d/instances" % task["id"], users[name][1],
                               {"version": task["version"], "instances": sets[name]})
        status, body = s.call("POST", "/tasks/%d/submit" % task["id"], users[name][1], {"version": saved["version"]})
        assert status == 200, body
    status, tasks = s.call("GET", "/jobs/%d/tasks" % jid, s.root)
    consensus = [t for t in tasks if t["kind"] == "consensus" and t["file"] == f["id"]][0]
    check("with three of four passes in, the consensus still waits", consensus["state"] == "waiting", consensus)

    status, task = s.call("GET", "/tasks/%d" % added["id"], users["dan"][1])
    status, saved = s.call("PUT", "/tasks/%d/instances" % added["id"], users["dan"][1],
                           {"version": task["version"], "instances": sets["dan"]})
    status, body = s.call("POST", "/tasks/%d/submit" % added["id"], users["dan"][1], {"version": saved["version"]})
    check("dan submits his pass", status == 200, body)

    status, view = s.call("POST", "/jobs/%d/next" % jid, rev)
    check("then the consensus opens to a reviewer", status == 200 and view["kind"] == "consensus"
          and view["file"] == f["id"], view)
    deadline = time.time() + 20
    while view.get("scores") is None and time.time() < deadline:
        time.sleep(0.2)
        status, view = s.call("GET", "/tasks/%d" % view["id"], rev)
    scores = view.get("scores") or {}
    check("it shows four sets", len(view["passes"]) == 4, [p["annotator"] for p in view["passes"]])
    check("and six pair scores over four annotators",
          len(scores.get("pairs", [])) == 6 and len(scores.get("annotators", [])) == 4, scores)

    paths = []
    for p in view["passes"]:
        file_path = os.path.join(work, "%s.json" % p["annotator"])
        with open(file_path, "w") as out:
            json.dump({"annotator": p["annotator"], "file": {"width": 120, "height": 80, "frames": 1},
                       "instances": p["instances"]}, out)
        paths.append(file_path)
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(work, "config"))
    out = subprocess.run([CTL, "agreement", "--json", "--threshold", repr(scores["threshold"])] + paths,
                         capture_output=True, text=True, env=env, timeout=60)
    core = json.loads(out.stdout) if out.returncode == 0 else {}
    check("the agreement equals the core's on the four sets",
          out.returncode == 0 and abs(core["agreement"] - scores["agreement"]) <= 1e-9,
          (out.stderr, core.get("agreement"), scores.get("agreement")))

    status, body = s.call("POST", path, s.root, {"user": users["ann"][0]})
    check("once the consensus has begun no reader is added (422)",
          status == 422 and message(body).startswith("state:"), body)

    status, single = s.call("POST", "/projects/1/jobs", s.root,
                            {"settings": {"name": "Once", "passes_per_file": 1, "review_frequency": 0},
                             "files": [other_file["id"]]})
    s.call("POST", "/jobs/%d/launch" % single["id"], s.root)
    status, body = s.call("POST", "/jobs/%d/files/%d/readers" % (single["id"], other_file["id"]), s.root,
                          {"user": users["dan"][0]})
    check("a job of one pass per file has no consensus to add readers to (422)",
          status == 422 and message(body).startswith("passes_per_file:"), body)
finally:
    server.close()

report()
