#!/usr/bin/env python3
"""COCO import into a project's existing instances and the consensus review
steps done by the server (Mark as best, Copy to Ground Truth, a new version)
against a real quorum-server process. Prints TAP. Argument: the
quorum-server binary."""
import http.client
import json
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, error_message, png, report  # noqa: E402

SERVER = sys.argv[1]


def headers_only(server, path, length, token=None):
    """Sends only the headers of a POST with a Content-Length of @length and
    "Expect: 100-continue", as curl does for a large body, and returns the
    status the server answers from them."""
    url = urllib.parse.urlparse(server.base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    connection.putrequest("POST", url.path + path)
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(length))
    connection.putheader("Expect", "100-continue")
    if token:
        connection.putheader("Authorization", "Bearer " + token)
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


def coco(images, annotations, categories=None):
    return {"images": images,
            "categories": categories or [{"id": 1, "name": "car"}, {"id": 2, "name": "lane"},
                                         {"id": 3, "name": "truck"}],
            "annotations": annotations}


def image(id, name, width=32, height=24):
    return {"id": id, "file_name": name, "width": width, "height": height}


def box(id, image_id, bbox, **extra):
    value = {"id": id, "image_id": image_id, "category_id": 1, "bbox": bbox, "segmentation": [], "iscrowd": 0}
    value.update(extra)
    return value


def polygon(id, image_id, ring, category=2):
    return {"id": id, "image_id": image_id, "category_id": category, "segmentation": [ring], "iscrowd": 0}


def shape(instances):
    """What a copy must keep of each instance, in order."""
    return [(i["label"], i["kind"], i["points"], i.get("attributes", {})) for i in instances]


server = Server(SERVER)
try:
    s = server
    s.call("POST", "/projects", s.root, {"name": "Streets"})
    status, body = s.call("PUT", "/projects/1/labels", s.root,
                          {"labels": [{"name": "car", "color": "#e01b24", "kind": "box",
                                       "attributes": [{"name": "occluded", "type": "boolean"}]},
                                      {"name": "lane", "color": "#3584e4", "kind": "polygon", "attributes": []}]})
    assert status == 200, body
    files = {}
    for i, name in enumerate(("street-a.png", "street-b.png", "street-c.png", "street-d.png")):
        status, body = s.call("POST", "/projects/1/files?name=" + name, s.root,
                              raw=png(32, 24, 10 + 30 * i), content_type="image/png")
        assert status == 201, body
        files[name] = body["id"]
    ann_id, ann = s.user("ann", "annotator")
    ben_id, ben = s.user("ben", "annotator")
    cat_id, cat = s.user("cat", "annotator")
    rev_id, rev = s.user("rev", "reviewer")
    viewer_id, viewer = s.user("vic", "viewer")
    editor_id, editor = s.user("eve", "editor")

    def existing(name):
        status, body = s.call("GET", "/files/%d/existing" % files[name], s.root)
        assert status == 200, body
        return body

    # ---- COCO import ------------------------------------------------------
    old = [{"id": "old-1", "label": "car", "kind": "box", "points": [[0, 0], [5, 5]]}]
    status, body = s.call("PUT", "/files/%d/existing" % files["street-a.png"], s.root, {"instances": old})
    assert status == 200, body

    document = coco([image(1, "street-a.png"), image(2, "folder/street-b.png"), image(3, "elsewhere.png")],
                    [box(10, 1, [1, 2, 10, 5], attributes={"occluded": True}),
                     polygon(11, 1, [2, 2, 12, 2, 12, 9, 2, 9]),
                     box(12, 2, [4.5, 3, 6, 7]),
                     box(13, 3, [0, 0, 1, 1])])
    status, body = s.call("POST", "/projects/1/import/coco", editor, document)
    check("an import answers the matched files, the instances imported and the unmatched names",
          status == 200 and body == {"files": 2, "instances": 3, "unmatched": ["elsewhere.png"]}, body)
    a = existing("street-a.png")
    check("the first image's annotations replace the file's existing instances",
          [(i["id"], i["label"], i["kind"], i["points"]) for i in a]
          == [("coco-10", "car", "box", [[1, 2], [11, 7]]),
              ("coco-11", "lane", "polygon", [[2, 2], [12, 2], [12, 9], [2, 9]])], a)
    check("attributes are imported", a[0].get("attributes") == {"occluded": True}, a)
    b = existing("street-b.png")
    check("an image named with a folder matches the file by its base name",
          [(i["id"], i["label"], i["points"]) for i in b] == [("coco-12", "car", [[4.5, 3], [10.5, 10]])], b)
    check("files the document does not name keep no existing instances", existing("street-c.png") == [])
    status, listed = s.call("GET", "/projects/1/files", s.root)
    check("the imported files are marked as having existing instances",
          [f["has_existing"] for f in listed] == [True, True, False, False], listed)

    def refused(name, doc, prefix, raw=None):
        before = (existing("street-a.png"), existing("street-b.png"))
        status, body = s.call("POST", "/projects/1/import/coco", editor, doc, raw=raw)
        after = (existing("street-a.png"), existing("street-b.png"))
        check(name, status == 400 and error_message(body).startswith(prefix) and before == after,
              [status, body])

    replacement = [image(1, "street-a.png"), image(2, "street-b.png")]
    refused("an unknown category is refused naming the annotation, nothing changed",
            coco(replacement, [box(20, 2, [0, 0, 3, 3]), dict(box(21, 1, [0, 0, 3, 3]), category_id=3)]),
            "annotations[1].category_id: category 3 “truck” is not a label")
    refused("malformed JSON is refused naming the body, nothing changed", None, "body: 1:",
            raw=b'{"images": [}')
    refused("a polygon with 2 points is refused naming the ring, nothing changed",
            coco(replacement, [box(20, 2, [0, 0, 3, 3]), polygon(21, 1, [1, 1, 5, 5])]),
            "annotations[1].segmentation[0]: a polygon needs an even count of at least 6 numbers")
    refused("a label drawn with the wrong kind is refused naming the annotation",
            coco(replacement, [polygon(20, 1, [1, 1, 5, 1, 5, 5], category=1)]), "annotations[0].kind")
    refused("an image whose size differs from the file's is refused",
            coco([image(1, "street-a.png", 640, 480)], [box(20, 1, [0, 0, 3, 3])]), "images[0].width")
    refused("a missing images array is refused", {"categories": [], "annotations": []}, "images: is missing")
    for shade in (200, 220):
        status, body = s.call("POST", "/projects/1/files?name=twin.png", s.root, raw=png(32, 24, shade),
                              content_type="image/png")
        assert status == 201, body
    refused("an image whose name two files of the project carry is refused, nothing changed",
            coco(replacement + [image(3, "folder/twin.png")], [box(20, 1, [0, 0, 3, 3])]),
            "images[2].file_name: the project has 2 files called “twin.png”")
    status, body = s.call("POST", "/projects/1/import/coco?mode=merge", editor, document)
    check("an unknown mode is refused naming it", status == 400 and error_message(body).startswith("mode:"), body)

    status, body = s.call("POST", "/projects/1/import/coco", viewer, document)
    check("a viewer may not import (403)", status == 403, body)
    status, body = s.call("POST", "/projects/1/import/coco", ann, document)
    check("an annotator may not import (403)", status == 403, body)
    check("refused imports changed nothing", [i["id"] for i in existing("street-a.png")] == ["coco-10", "coco-11"])

    status, body = s.call("POST", "/projects/1/import/coco?mode=append", editor,
                          coco([image(1, "street-a.png")], [box(30, 1, [20, 10, 5, 5])]))
    a = existing("street-a.png")
    check("mode=append keeps the existing instances and adds the imported ones",
          status == 200 and body["instances"] == 1 and [i["id"] for i in a] == ["coco-10", "coco-11", "coco-30"],
          [body, a])
    status, body = s.call("POST", "/projects/1/import/coco?mode=append", editor,
                          coco([image(1, "street-a.png")], [box(30, 1, [20, 10, 5, 5])]))
    check("mode=append refuses an id the file has already",
          status == 400 and error_message(body).startswith("annotations[0]:") and len(existing("street-a.png")) == 3,
          body)

    # A body over the 1 MiB JSON limit is fine here, and only here.
    big = coco([image(1, "street-d.png")],
               [box(100 + n, 1, [n % 20, n % 10, 3, 3]) for n in range(20000)])
    raw = json.dumps(big, indent=2).encode()
    status, body = s.call("POST", "/projects/1/import/coco", editor, raw=raw)
    check("an import larger than 1 MiB is accepted (%d bytes)" % len(raw),
          len(raw) > 1024 * 1024 and status == 200 and body["instances"] == 20000, body)
    check("all of its instances are stored", len(existing("street-d.png")) == 20000)
    status, body = s.call("PUT", "/files/%d/existing" % files["street-c.png"], s.root,
                          raw=json.dumps({"instances": big["annotations"], "pad": " " * (1024 * 1024)}).encode())
    check("other JSON routes keep the 1 MiB limit (413)", status == 413, body)
    check("an import over 64 MiB is refused from its headers (413)",
          headers_only(s, "/projects/1/import/coco", 65 * 1024 * 1024, editor) == 413)
    check("a large import without a token is refused before its body is read (401)",
          headers_only(s, "/projects/1/import/coco", 2 * 1024 * 1024) == 401)

    # ---- consensus review steps -------------------------------------------
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Consensus", "passes_per_file": 3, "review_frequency": 0},
                          "files": [files["street-c.png"]]})
    status, job = s.call("POST", "/jobs/%d/launch" % job["id"], s.root)
    assert status == 200, job
    sets = {
        "ann": [{"id": "a1", "label": "car", "kind": "box", "points": [[1, 1], [10, 10]]},
                {"id": "a2", "label": "lane", "kind": "polygon", "points": [[0, 21], [30, 21], [30, 23]]}],
        "ben": [{"id": "b1", "label": "car", "kind": "box", "points": [[1, 1], [10, 10]],
                 "attributes": {"occluded": True}},
                {"id": "b2", "label": "lane", "kind": "polygon", "points": [[0, 20], [30, 20], [30, 23]]},
                {"id": "b3", "label": "car", "kind": "box", "points": [[20, 2], [30, 12]]}],
        "cat": [{"id": "c1", "label": "car", "kind": "box", "points": [[15, 15], [25, 22]]},
                {"id": "c2", "label": "car", "kind": "box", "points": [[2, 1], [10, 11]],
                 "attributes": {"occluded": False}}],
    }
    draws = {}
    for name, token in (("ann", ann), ("ben", ben), ("cat", cat)):
        status, task = s.call("POST", "/jobs/%d/next" % job["id"], token)
        status, saved = s.call("PUT", "/tasks/%d/instances" % task["id"], token,
                               {"version": task["version"], "instances": sets[name]})
        status, body = s.call("POST", "/tasks/%d/submit" % task["id"], token, {"version": saved["version"]})
        assert status == 200, body
        draws[name] = task["id"]
        sets[name] = saved["instances"]
    status, consensus = s.call("POST", "/jobs/%d/next" % job["id"], rev)
    check("a fourth user gets the consensus task", status == 200 and consensus["kind"] == "consensus", consensus)
    cid = consensus["id"]
    deadline = time.time() + 10
    while time.time() < deadline and not consensus.get("scores"):
        time.sleep(0.05)
        status, consensus = s.call("GET", "/tasks/%d" % cid, rev)
    scored_best = consensus["scores"]["best"]
    other, third = [n for n in ("ann", "ben", "cat") if draws[n] != scored_best]
    version = consensus["version"]

    status, marked = s.call("POST", "/tasks/%d/consensus/best" % cid, rev, {"version": version, "pass": draws[other]})
    check("Mark as best answers the next version and the chosen pass",
          status == 200 and marked["version"] == version + 1 and marked["best"] == draws[other], marked)
    status, task = s.call("GET", "/tasks/%d" % cid, rev)
    source_ids = [i["id"] for i in sets[other]]
    check("after Mark as best the output has the chosen pass's labels, points and attributes",
          shape(task["instances"]) == shape(sets[other]), [task["instances"], sets[other]])
    check("each copy names its source in copied_from and has a new id",
          [i["copied_from"] for i in task["instances"]] == source_ids
          and not set(i["id"] for i in task["instances"]) & set(source_ids)
          and len(set(i["id"] for i in task["instances"])) == len(source_ids), task["instances"])
    check("the chosen pass is recorded as the best, the best by score kept",
          task["scores"]["best"] == draws[other] and task["scores"]["scored_best"] == scored_best, task["scores"])
    version = task["version"]

    picked = [i["id"] for i in sets[third]][:2]
    status, copied = s.call("POST", "/tasks/%d/consensus/copy" % cid, rev,
                            {"version": version, "from": draws[third], "instances": picked})
    status, task = s.call("GET", "/tasks/%d" % cid, rev)
    check("Copy to Ground Truth appends copies of the chosen instances",
          status == 200 and copied["copied"] == 2 and copied["version"] == version + 1
          and len(task["instances"]) == len(sets[other]) + 2
          and [i["copied_from"] for i in task["instances"][-2:]] == picked
          and shape(task["instances"][-2:]) == shape([i for i in sets[third] if i["id"] in picked])
          and shape(task["instances"][:len(sets[other])]) == shape(sets[other]), [copied, task["instances"]])
    version = task["version"]
    before = task["instances"]

    status, body = s.call("POST", "/tasks/%d/consensus/copy" % cid, rev,
                          {"version": version, "from": draws[third], "instances": picked[:1]})
    check("copying an instance twice is refused naming it", status == 400
          and error_message(body).startswith("instances[0]:"), body)
    status, body = s.call("POST", "/tasks/%d/consensus/copy" % cid, rev,
                          {"version": version, "from": draws[third], "instances": ["nope"]})
    check("an id the pass does not have is refused naming it",
          status == 400 and error_message(body).startswith("instances[0]: task"), body)
    status, body = s.call("POST", "/tasks/%d/consensus/copy" % cid, rev,
                          {"version": version - 1, "from": draws[third]})
    check("a stale version gets 409 with the current version",
          status == 409 and body["error"]["version"] == version, body)
    status, body = s.call("POST", "/tasks/%d/consensus/best" % cid, rev, {"version": version - 1, "pass": draws[third]})
    check("a stale Mark as best gets 409 too", status == 409, body)

    # A draw task of another file (and job) is not a pass of this one.
    status, job2 = s.call("POST", "/projects/1/jobs", s.root,
                          {"settings": {"name": "Single", "passes_per_file": 1, "review_frequency": 0},
                           "files": [files["street-a.png"]]})
    s.call("POST", "/jobs/%d/launch" % job2["id"], s.root)
    status, foreign = s.call("POST", "/jobs/%d/next" % job2["id"], ann)
    status, body = s.call("POST", "/tasks/%d/consensus/copy" % cid, rev, {"version": version, "from": foreign["id"]})
    check("copying from a task of another file is refused naming from",
          status == 400 and error_message(body).startswith("from:"), body)
    status, body = s.call("POST", "/tasks/%d/consensus/best" % cid, rev, {"version": version, "pass": cid})
    check("the consensus task itself is not a pass", status == 400 and error_message(body).startswith("pass:"), body)
    status, body = s.call("POST", "/tasks/%d/consensus/best" % cid, rev, {"version": version})
    check("a missing pass is refused naming it", status == 400 and error_message(body) == "pass: is missing", body)

    status, body = s.call("POST", "/tasks/%d/consensus/best" % cid, ann, {"version": version, "pass": draws["ann"]})
    check("an annotator of the file gets 404", status == 404, body)
    status, body = s.call("POST", "/tasks/%d/consensus/clear" % cid, s.root, {"version": version})
    check("someone else's consensus task is 404 even for an administrator", status == 404, body)
    status, body = s.call("POST", "/tasks/%d/consensus/clear" % foreign["id"], ann, {"version": foreign["version"]})
    check("a draw task is not a consensus task (422)",
          status == 422 and error_message(body).startswith("kind:"), body)
    status, task = s.call("GET", "/tasks/%d" % cid, rev)
    check("refused steps changed nothing", task["version"] == version and task["instances"] == before, task)

    status, cleared = s.call("POST", "/tasks/%d/consensus/clear" % cid, rev, {"version": version})
    check("a new version starts empty", status == 200 and cleared["instances"] == []
          and cleared["version"] == version + 1, cleared)
    status, whole = s.call("POST", "/tasks/%d/consensus/copy" % cid, rev,
                           {"version": cleared["version"], "from": draws["ben"]})
    check("omitting instances copies the whole set",
          status == 200 and whole["copied"] == 3 and shape(whole["instances"]) == shape(sets["ben"]), whole)
    status, again = s.call("POST", "/tasks/%d/consensus/copy" % cid, rev,
                           {"version": whole["version"], "from": draws["ben"]})
    check("copying a whole set again skips what is there", status == 200 and again["copied"] == 0
          and len(again["instances"]) == 3, again)
    extra = [name for name in draws if name != "ben"][0]
    before_added = again["instances"]
    status, added = s.call("POST", "/tasks/%d/consensus/copy" % cid, rev,
                           {"version": again["version"], "from": draws[extra]})
    check("another whole set is added to it", status == 200 and
          len(added["instances"]) == 3 + len(sets[extra]), added)
    for bad, message in (({"replace": "yes"}, "replace: must be true or false"),
                         ({"replace": True, "instances": [sets[extra][0]["id"]]},
                          "replace: only a whole set replaces the output; leave out instances")):
        body = {"version": added["version"], "from": draws[extra]}
        body.update(bad)
        status, refused = s.call("POST", "/tasks/%d/consensus/copy" % cid, rev, body)
        check("a bad replace is refused naming it: " + message,
              status == 400 and error_message(refused) == message, refused)
    status, replaced = s.call("POST", "/tasks/%d/consensus/copy" % cid, rev,
                              {"version": added["version"], "from": draws["ben"], "replace": True})
    check("replace: the set takes the place of everything the output held, in one save",
          status == 200 and replaced["version"] == added["version"] + 1 and replaced["copied"] == 3
          and shape(replaced["instances"]) == shape(sets["ben"]), replaced)
    status, undone = s.call("POST", "/tasks/%d/consensus/undo" % cid, rev, {"version": replaced["version"]})
    check("undo brings back the output before the last step, authors and sources kept, as a new version",
          status == 200 and undone["version"] == replaced["version"] + 1 and
          undone["instances"] == added["instances"], undone)
    check("each step says how many steps undo can take back",
          replaced["undo_steps"] == added["undo_steps"] + 1 and undone["undo_steps"] == added["undo_steps"],
          (added.get("undo_steps"), replaced.get("undo_steps"), undone.get("undo_steps")))
    status, body = s.call("POST", "/tasks/%d/consensus/undo" % cid, rev, {"version": replaced["version"]})
    check("a stale undo gets 409", status == 409, body)
    status, body = s.call("POST", "/tasks/%d/consensus/undo" % cid, ann, {"version": undone["version"]})
    check("an annotator of the file cannot undo (404)", status == 404, body)
    status, again = s.call("POST", "/tasks/%d/consensus/undo" % cid, rev, {"version": undone["version"]})
    check("undo again takes back the step before (the set added)",
          status == 200 and again["instances"] == before_added, again)

    status, marked = s.call("POST", "/tasks/%d/consensus/best" % cid, rev,
                            {"version": again["version"], "pass": draws[other]})
    status, body = s.call("POST", "/tasks/%d/accept" % cid, rev, {})
    check("the consensus task is accepted", status == 200 and body["state"] == "complete", body)
    status, body = s.call("POST", "/tasks/%d/consensus/clear" % cid, rev, {"version": body["version"]})
    check("a completed consensus task refuses more steps (422)", status == 422, body)
    status, export = s.call("GET", "/jobs/%d/export?format=quorum" % job["id"], s.root)
    exported = export["files"][0] if status == 200 else {}
    check("the export names the chosen pass as the winner and its copy as the output",
          exported.get("best") == draws[other] and shape(exported.get("output") or []) == shape(sets[other])
          and [i["copied_from"] for i in exported["output"]] == [i["id"] for i in sets[other]], exported)
    status, export = s.call("GET", "/jobs/%d/export?format=coco" % job["id"], s.root)
    check("the COCO export holds the chosen pass's instances",
          status == 200 and len(export["annotations"]) == len(sets[other]), export)
finally:
    server.close()

report()
