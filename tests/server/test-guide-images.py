#!/usr/bin/env python3
"""A guide's images against a real quorum-server: the task view maps the
plain file names a guide's images give to the project's files, and whoever
sees the task may read those files, and no others; a remote image, a path
out of the project, another project's file of the same name and a name with
no file are never mapped. Prints TAP. Argument: the quorum-server binary."""
import json
import os
import sqlite3
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import BACKEND, Server, check, png, report  # noqa: E402

SERVER = sys.argv[1]


def content(server, file_id, token):
    """The status of GET /files/{id}/content and the bytes or the error body."""
    request = urllib.request.Request(server.base + "/files/%d/content" % file_id)
    request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


GUIDE = """# Boxes

Draw the box tight: ![A tight box](example-tight-box.png "Tight")

Not like this: ![A loose box](example-loose-box.png)

![From the web](https://example.com/example-tight-box.png)
![Out of the project](../secret.png)
`![in code](secret.png)`
"""

server = Server(SERVER)
try:
    s = server
    status, org = s.call("POST", "/orgs", s.root, {"name": "Acme"})
    assert status == 201, org
    s.call("POST", "/projects", s.root, {"name": "Streets", "org": org["id"]})
    s.call("POST", "/projects", s.root, {"name": "Elsewhere"})
    for project in (1, 2):
        s.call("PUT", "/projects/%d/labels" % project, s.root,
               {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]})

    def upload(project, name, shade):
        data = png(16, 12, shade)
        status, body = s.call("POST", "/projects/%d/files?name=%s" % (project, name), s.root,
                              raw=data, content_type="image/png")
        assert status == 201, body
        return body["id"], data

    streets = [upload(1, "street-%d.png" % i, 10 + i)[0] for i in range(2)]
    # The other project's file of the same name comes first: only the id order
    # of the newest would pick it.
    other_tight, _ = upload(2, "example-tight-box.png", 200)
    tight, tight_bytes = upload(1, "example-tight-box.png", 100)
    secret, _ = upload(1, "secret.png", 150)
    ann_id, ann = s.user("ann", "annotator")
    ben_id, ben = s.user("ben", "annotator")
    status, body = s.call("POST", "/users", s.root, {"name": "acme", "password": "acme-password"})
    status, _ = s.call("POST", "/orgs/%d/members" % org["id"], s.root, {"user": body["id"]})
    acme = s.login("acme", "acme-password")

    status, guide = s.call("POST", "/projects/1/guides", s.root, {"name": "Boxes", "markdown": GUIDE})
    check("an editor writes a guide with images", status == 201, guide)
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Boxes", "passes_per_file": 1, "review_frequency": 0,
                                       "draw_guide": str(guide["id"])}, "files": streets[0:1]})
    s.call("POST", "/jobs/%d/launch" % job["id"], s.root)
    status, task = s.call("POST", "/jobs/%d/next" % job["id"], ann)
    check("ann takes a task", status == 200 and task["guide"]["id"] == guide["id"], task)
    images = task["guide"].get("images")
    check("the guide maps exactly the existing plain name to this project's file",
          images == {"example-tight-box.png": tight}, images)
    status, same = s.call("GET", "/tasks/%d" % task["id"], ann)
    check("GET /tasks/{id} maps it too", status == 200 and same["guide"]["images"] == images, same)

    status, data = content(s, tight, ann)
    check("ann downloads the guide's image", status == 200 and data == tight_bytes, status)
    status, body = s.call("GET", "/files/%d" % tight, ann)
    check("and reads its record", status == 200 and body["name"] == "example-tight-box.png", body)
    status, body = content(s, secret, ann)
    check("but not a project file no guide shows (404)", status == 404, body)
    status, body = content(s, streets[1], ann)
    check("nor a file of another task (404)", status == 404, body)
    status, body = content(s, other_tight, ann)
    check("nor the other project's file of the same name (404)", status == 404, body)
    status, body = content(s, tight, ben)
    check("an annotator with no task in the job gets 404", status == 404, body)
    status, body = s.call("GET", "/tasks/%d" % task["id"], ben)
    check("and does not see the task either", status == 404, body)

    # A worker of the project's organization, through an org share.
    status, org_job = s.call("POST", "/projects/1/jobs", s.root,
                             {"settings": {"name": "Shared", "share": "org", "passes_per_file": 1,
                                           "review_frequency": 0, "draw_guide": str(guide["id"])},
                              "files": streets[1:2]})
    s.call("POST", "/jobs/%d/launch" % org_job["id"], s.root)
    status, body = content(s, tight, acme)
    check("an org worker without a task cannot read the image (404)", status == 404, body)
    status, shared = s.call("POST", "/jobs/%d/next" % org_job["id"], acme)
    check("an org worker takes a task of the org job",
          status == 200 and shared["guide"]["images"] == {"example-tight-box.png": tight}, shared)
    status, data = content(s, tight, acme)
    check("and downloads the guide's image", status == 200 and data == tight_bytes, status)
    status, body = content(s, secret, acme)
    check("but not another file (404)", status == 404, body)

    # A newer file of the same name takes the name over.
    newer, newer_bytes = upload(1, "example-tight-box.png", 120)
    newest_elsewhere, _ = upload(2, "example-tight-box.png", 220)
    status, task = s.call("GET", "/tasks/%d" % task["id"], ann)
    check("the newest file of a name in the guide's project is the one mapped",
          task["guide"]["images"] == {"example-tight-box.png": newer}, task["guide"])
    status, data = content(s, newer, ann)
    check("and readable", status == 200 and data == newer_bytes, status)

    # Dropping the reference takes the access away.
    status, body = s.call("PUT", "/guides/%d" % guide["id"], s.root,
                          {"name": "Boxes", "markdown": "# Boxes\n\n![Now this](secret.png)\n"})
    check("the editor updates the guide", status == 200, body)
    status, task = s.call("GET", "/tasks/%d" % task["id"], ann)
    check("the task view follows the update",
          task["guide"]["images"] == {"secret.png": secret}, task["guide"])
    status, body = content(s, newer, ann)
    check("the dropped image is no longer readable (404)", status == 404, body)
    status, body = s.call("GET", "/files/%d" % newer, ann)
    check("nor its record (404)", status == 404, body)
    status, body = content(s, secret, ann)
    check("the newly shown one is", status == 200, status)

    # A guide written before the server recorded images (schema 9) gets them
    # recorded when the server starts.
    # That is a migration of SQLite's schema (PostgreSQL's starts with guide_images), so SQLite only.
    if BACKEND == "sqlite":
        s.process.terminate()
        s.process.wait()
        db = sqlite3.connect("%s/quorum.sqlite" % s.data)
        db.execute("DELETE FROM guide_images")
        db.execute("INSERT INTO meta (key, value) VALUES ('guide_images', 'to scan')")
        db.commit()
        db.close()
        s.start()
        status, task = s.call("GET", "/tasks/%d" % task["id"], ann)
        check("an older guide's images are recorded at start",
              status == 200 and task["guide"]["images"] == {"secret.png": secret}, task)
        db = sqlite3.connect("file:%s/quorum.sqlite?mode=ro" % s.data, uri=True)
        pending = db.execute("SELECT count(*) FROM meta WHERE key = 'guide_images'").fetchone()[0]
        db.close()
        check("once", pending == 0, pending)
finally:
    server.close()

report()
