#!/usr/bin/env python3
"""PUT /tasks/{id}/instances read by the streaming reader (src/core/
quorum-json-reader.c) against a real quorum-server: a save is read from the
body's bytes into the model without a tree, and every body it cannot take
is answered as the tree path answers it, word for word. Prints TAP.
Argument: the quorum-server binary."""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, error_message, png, report  # noqa: E402

SERVER = sys.argv[1]


def polygon(index, n=20):
    """A star-shaped polygon of @n vertices with full-precision coordinates."""
    cx, cy = 30 + (index * 37) % 900, 30 + (index * 53) % 700
    return {"id": "p%d" % index, "label": "lake", "kind": "polygon",
            "points": [[cx + (12 + (k % 3)) * math.cos(2 * math.pi * k / n) + index / 7.0,
                        cy + (12 + (k % 3)) * math.sin(2 * math.pi * k / n)] for k in range(n)]}


server = Server(SERVER)
try:
    s = server
    s.call("POST", "/projects", s.root, {"name": "Lakes"})
    s.call("PUT", "/projects/1/labels", s.root,
           {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []},
                       {"name": "lake", "color": "#1c71d8", "kind": "polygon", "attributes": []}]})
    status, body = s.call("POST", "/projects/1/files?name=lake.png", s.root,
                          raw=png(1000, 800, 40), content_type="image/png")
    assert status == 201, body
    file_id = body["id"]
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Lakes", "passes_per_file": 1, "review_frequency": 0},
                          "files": [file_id]})
    assert status == 201, job
    status, job = s.call("POST", "/jobs/%d/launch" % job["id"], s.root)
    assert status == 200, job
    ann_id, ann = s.user("ann", "annotator")
    status, task = s.call("POST", "/jobs/%d/next" % job["id"], ann)
    assert status == 200, task
    path = "/tasks/%d/instances" % task["id"]
    version = task["version"]

    def put(raw, content_type="application/json"):
        return s.call("PUT", path, ann, raw=raw.encode() if isinstance(raw, str) else raw,
                      content_type=content_type)

    # A big save: the reply and a later read hold exactly what was sent.
    instances = [polygon(i) for i in range(900)]  # under the 1 MiB body limit
    status, saved = put(json.dumps({"version": version, "instances": instances}))
    check("a save of 900 polygons of 20 vertices is taken", status == 200 and saved["version"] == version + 1,
          str(saved)[:300])
    sent = [dict(i, attributes={}, frame=0, track_id=None, author="ann", copied_from=None) for i in instances]
    check("the reply holds every instance, every coordinate to the bit", saved.get("instances") == sent)
    status, got = s.call("GET", "/tasks/%d" % task["id"], ann)
    check("a read gives the same instances", status == 200 and got["instances"] == sent)
    version += 1

    # Other members are left alone, as the tree path leaves them.
    status, body = put(json.dumps({"client": {"name": "app", "tags": [1, {"x": None}]}, "version": version,
                                   "instances": [polygon(1)]}))
    check("a member other than version and instances is ignored", status == 200, body)
    version += 1

    def refused(name, raw, message, prefix=False, content_type="application/json", status_wanted=400):
        status, body = put(raw, content_type)
        got = error_message(body)
        check(name, status == status_wanted and (got.startswith(message) if prefix else got == message),
              {"status": status, "message": got, "wanted": message})

    good = json.dumps([polygon(2)])
    refused("version twice", '{"version": %d, "instances": %s, "version": %d}' % (version, good, version),
            "body: 1:", prefix=True)
    refused("a repeated member in an ignored object",
            '{"version": %d, "x": {"a": 1, "a": 2}, "instances": %s}' % (version, good), "body: 1:", prefix=True)
    refused("an ignored member twice",
            '{"x": 1, "version": %d, "x": 2, "instances": %s}' % (version, good), "body: 1:", prefix=True)
    refused("instances twice",
            '{"version": %d, "instances": [], "instances": %s}' % (version, good), "body: 1:", prefix=True)
    refused("version 3.0 is not a whole number here",
            '{"version": %d.0, "instances": %s}' % (version, good), "version: must be a whole number")
    refused("version as a string", '{"version": "%d", "instances": %s}' % (version, good),
            "version: must be a whole number")
    refused("version null", '{"version": null, "instances": %s}' % good, "version: is missing")
    refused("version 0", '{"version": 0, "instances": %s}' % good,
            "version: must be a whole number of at least 1, the task's current version")
    refused("no instances", '{"version": %d}' % version, "instances: is missing")
    bad = [polygon(i) for i in range(5)]
    bad[3]["points"] = bad[3]["points"][:2]
    refused("a polygon of two points, named by its index",
            json.dumps({"version": version, "instances": bad}),
            "instances[3].points: a polygon needs at least 3 points")
    bad = [polygon(i) for i in range(3)]
    bad[1]["label"] = "car"
    refused("a label of another kind",
            json.dumps({"version": version, "instances": bad}),
            "instances[1].kind: the label “car” is drawn as a box, not a polygon")
    bad = [polygon(1), polygon(1)]
    refused("one id twice", json.dumps({"version": version, "instances": bad}),
            "instances[1].id: “p1” is already the id of instances[0]")
    refused("text after the body", '{"version": %d, "instances": %s} x' % (version, good),
            "body: 1:", prefix=True)
    refused("a body cut short", '{"version": %d, "instances": %s' % (version, good[:-5]),
            "body: 1:", prefix=True)
    refused("an array body", good, "body: must be a JSON object")
    refused("bytes that are not UTF-8", b'{"version": 1, "instances": [], "x": "\xff"}',
            "body: 1:", prefix=True)
    refused("not JSON by its type", '{"version": %d, "instances": %s}' % (version, good),
            "Content-Type: send application/json, not text/plain", content_type="text/plain",
            status_wanted=400)
    status, got = s.call("GET", "/tasks/%d" % task["id"], ann)
    check("refused saves changed nothing", got["version"] == version and len(got["instances"]) == 1, got["version"])

    # Tracks (src/core/quorum-track.h): the flags are stored as sent, and a
    # broken track is refused by PUT and PATCH alike, naming the field.
    def box(ident, track, **flags):
        return dict({"id": ident, "label": "car", "kind": "box", "points": [[1, 2], [30, 40]],
                     "track_id": track}, **flags)

    tracked = [box("a", "t1", keyframe=False, occluded=True), box("b", "t2", outside=True), box("c", None)]
    status, saved = put(json.dumps({"version": version, "instances": tracked}))
    check("a save of tracked instances with their flags is taken", status == 200, saved)
    version += 1
    status, got = s.call("GET", "/tasks/%d" % task["id"], ann)
    flags = [(i["id"], i.get("keyframe", True), i.get("outside", False), i.get("occluded", False))
             for i in got["instances"]]
    check("keyframe, outside and occluded are read back as sent",
          flags == [("a", False, False, True), ("b", True, True, False), ("c", True, False, False)], flags)
    check("and only where they are not the default",
          "keyframe" not in got["instances"][2] and "outside" not in got["instances"][0], got["instances"])
    before = got["instances"]

    refused("two instances of one track on one frame",
            json.dumps({"version": version, "instances": tracked + [box("d", "t1")]}),
            "instances[3].frame: track t1 already has an instance on frame 0 (instances[0])")
    mixed = [box("a", "t1"), dict(polygon(5), track_id="t1", frame=0)]
    refused("a track of two labels",
            json.dumps({"version": version, "instances": mixed}),
            "instances[1].label: track t1 is a car (instances[0]), not a lake")
    refused("outside without a track",
            json.dumps({"version": version, "instances": [box("e", None, outside=True)]}),
            "instances[0].outside: only an instance of a track (with a track_id) can be outside")
    refused("a proposal without a track",
            json.dumps({"version": version, "instances": [box("e", None, keyframe=False)]}),
            "instances[0].keyframe: only an instance of a track (with a track_id) can be other than a keyframe")

    def patch(body):
        status, reply = s.call("PATCH", path, ann, body)
        return status, error_message(reply)

    status, message = patch({"version": version, "upsert": [box("d", "t1")]})
    check("a delta that adds a second instance of a track on a frame is refused",
          status == 400 and message == "upsert[0].frame: track t1 already has an instance on frame 0 "
                                       "(the task's instance “a”)", (status, message))
    status, message = patch({"version": version, "upsert": [box("d", "t1"), box("f", "t1")]})
    check("as is a delta that holds two of them",
          status == 400 and message == "upsert[1].frame: track t1 already has an instance on frame 0 "
                                       "(upsert[0])", (status, message))
    status, message = patch({"version": version, "upsert": [box("d", "t1")], "delete": ["a"]})
    check("a delta that replaces the track's instance on that frame is taken", status == 200, message)
    version += 1
    status, message = patch({"version": version, "upsert": [box("a", "t1")], "delete": ["d"]})
    check("and one that puts it back", status == 200, message)
    version += 1
    status, got = s.call("GET", "/tasks/%d" % task["id"], ann)
    check("refused track saves changed nothing",
          got["version"] == version and [i["id"] for i in got["instances"]] == ["b", "c", "a"] and
          got["instances"][0] == before[1], got)

    # The file's existing instances (its gold) keep their tracks whole too.
    existing = "/files/%d/existing" % file_id
    status, body = s.call("PUT", existing, s.root, {"instances": [box("g1", "t9", occluded=True)]})
    check("existing instances of a track are taken", status == 200, body)
    status, body = s.call("PUT", existing, s.root, {"instances": [box("g1", "t9"), box("g2", "t9")]})
    check("existing instances with two of a track on a frame are refused",
          status == 400 and error_message(body) ==
          "instances[1].frame: track t9 already has an instance on frame 0 (instances[0])", body)
    status, body = s.call("GET", existing, s.root)
    check("and the existing instances are as they were",
          status == 200 and [(i["id"], i.get("occluded")) for i in body] == [("g1", True)], body)
finally:
    server.close()
report()
