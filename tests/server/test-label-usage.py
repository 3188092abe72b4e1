#!/usr/bin/env python3
"""Label usage against a real quorum-server: GET /projects/{id}/labels/usage
counts the instances of every task of the project's jobs per label and kind,
and per label and attribute they set, as the test counts them from what it
saved; only a project admin may read it. Prints TAP. Argument: the
quorum-server binary."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, png, report  # noqa: E402

SERVER = sys.argv[1]

SCHEMA = {"labels": [
    {"name": "car", "color": "#e01b24", "kind": "box",
     "attributes": [{"name": "occluded", "type": "boolean"}, {"name": "note", "type": "text"}]},
    {"name": "lake", "color": "#3584e4", "kind": "polygon", "attributes": []},
]}


def car(name, x, **attributes):
    return {"id": name, "label": "car", "kind": "box", "points": [[x, 0], [x + 5, 5]], "attributes": attributes}


def lake(name, x):
    return {"id": name, "label": "lake", "kind": "polygon", "points": [[x, 0], [x + 5, 0], [x, 5]]}


server = Server(SERVER)
try:
    s = server
    s.call("POST", "/projects", s.root, {"name": "Usage"})
    s.call("POST", "/projects", s.root, {"name": "Other"})
    s.call("PUT", "/projects/1/labels", s.root, SCHEMA)
    s.call("PUT", "/projects/2/labels", s.root, SCHEMA)
    status, empty = s.call("GET", "/projects/1/labels/usage", s.root)
    check("a project with no task uses no label", status == 200 and empty == {"labels": [], "attributes": []}, empty)

    ann_id, ann = s.user("ann", "annotator")
    s.call("PUT", "/projects/2/members/%d" % ann_id, s.root, {"role": "annotator"})
    saved = {1: [], 2: []}
    for project, sets in ((1, [[car("c1", 1, occluded=True), car("c2", 9), lake("l1", 20)],
                               [car("c3", 2, occluded=False, note="x")]]),
                          (2, [[car("o1", 1, occluded=True), lake("o2", 3), lake("o3", 8)]])):
        status, f = s.call("POST", "/projects/%d/files?name=u-%d.png" % (project, project), s.root,
                           raw=png(32, 24, 40 + project), content_type="image/png")
        status, job = s.call("POST", "/projects/%d/jobs" % project, s.root,
                             {"settings": {"name": "J", "passes_per_file": len(sets)}, "files": [f["id"]]})
        s.call("POST", "/jobs/%d/launch" % job["id"], s.root)
        for instances in sets:
            status, task = s.call("POST", "/jobs/%d/next" % job["id"], ann)
            status, body = s.call("PUT", "/tasks/%d/instances" % task["id"], ann,
                                  {"version": task["version"], "instances": instances})
            assert status == 200, body
            saved[project].extend(instances)
            # A second annotator would be refused the same file's next pass:
            # each pass goes to a fresh user.
            ann_id, ann = s.user("ann%d%d" % (project, len(saved[project])), "annotator")
            s.call("PUT", "/projects/2/members/%d" % ann_id, s.root, {"role": "annotator"})

    def expected(instances):
        labels, attributes = {}, {}
        for i in instances:
            labels[(i["label"], i["kind"])] = labels.get((i["label"], i["kind"]), 0) + 1
            for name in i.get("attributes", {}):
                attributes[(i["label"], name)] = attributes.get((i["label"], name), 0) + 1
        return ({"labels": [{"label": l, "kind": k, "instances": n} for (l, k), n in sorted(labels.items())],
                 "attributes": [{"label": l, "attribute": a, "instances": n}
                                for (l, a), n in sorted(attributes.items())]})

    status, usage = s.call("GET", "/projects/1/labels/usage", s.root)
    check("usage counts project 1's instances per label and kind, and per attribute set",
          status == 200 and usage == expected(saved[1]), (usage, expected(saved[1])))
    status, usage = s.call("GET", "/projects/2/labels/usage", s.root)
    check("and another project's apart", status == 200 and usage == expected(saved[2]), usage)

    status, body = s.call("GET", "/projects/1/labels/usage", ann)
    check("an annotator may not read it (403)", status == 403, body)
    status, body = s.call("GET", "/projects/99/labels/usage", s.root)
    check("an unknown project is 404", status == 404, body)
finally:
    server.close()
report()
