#!/usr/bin/env python3
"""A guide's versions against a real quorum-server: every save that changes
the guide is its next version, kept and readable by number; a save that
changes nothing makes none; a save from a stale version (expected_version)
is refused with 409 and the current version, so that two editors do not
overwrite each other; the task view and GET /jobs/{id} say which version a
job's readers read; earlier versions are for reviewers up, not annotators
or viewers. The migration that made versions keeps a guide of before as
its version 1: its SQL, read from the store's list (by what it creates, not
by its number, which a later merge may change), is run on a database made
as it was before. Prints TAP. Argument: the quorum-server binary."""
import os
import re
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import BACKEND, GUIDES_BEFORE_VERSIONS, Server, check, error_message, png, report  # noqa: E402

SERVER = sys.argv[1]
STORE_C = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "store", "quorum-store-migrations.c")


def versions_migration():
    """The SQL of the migration that creates guide_versions, as the store's
    migrations list in quorum-store-migrations.c spells it."""
    with open(STORE_C, encoding="utf-8") as source:
        text = source.read()
    block = text[text.index("migrations[] = {"):]
    block = re.sub(r"/\*.*?\*/", "", block[:block.index("};")], flags=re.S)
    entries, current = [], []
    for token in re.findall(r'"(?:[^"\\]|\\.)*"|,', block):
        if token == ",":
            entries.append("".join(current))
            current = []
        else:
            current.append(token[1:-1].encode().decode("unicode_escape"))
    entries.append("".join(current))
    return next(entry for entry in entries if "CREATE TABLE guide_versions" in entry)

server = Server(SERVER)
try:
    s = server
    s.call("POST", "/projects", s.root, {"name": "Streets"})
    s.call("PUT", "/projects/1/labels", s.root,
           {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]})
    status, street = s.call("POST", "/projects/1/files?name=street.png", s.root, raw=png(16, 12, 40),
                            content_type="image/png")
    assert status == 201, street
    ed_id, ed = s.user("ed", "editor")
    eve_id, eve = s.user("eve", "editor")
    rev_id, rev = s.user("rev", "reviewer")
    ann_id, ann = s.user("ann", "annotator")
    view_id, viewer = s.user("vic", "viewer")

    status, guide = s.call("POST", "/projects/1/guides", ed, {"name": "Boxes", "markdown": "# Boxes\n\nTight."})
    check("a new guide is version 1, saved by its author",
          status == 201 and guide["version"] == 1 and guide["updated_by"] == ed_id
          and guide["updated_by_name"] == "ed" and guide["updated_at"] == guide["updated"], guide)
    gid = guide["id"]

    status, body = s.call("PUT", "/guides/%d" % gid, ed,
                          {"name": "Boxes", "markdown": "# Boxes\n\nTight boxes.", "expected_version": 1})
    check("a save from the current version makes version 2", status == 200 and body["version"] == 2, body)
    status, same = s.call("PUT", "/guides/%d" % gid, ed,
                          {"name": "Boxes", "markdown": "# Boxes\n\nTight boxes.", "expected_version": 2})
    check("a save that changes nothing makes no version", status == 200 and same["version"] == 2, same)
    status, body = s.call("PUT", "/guides/%d" % gid, eve, {"name": "Boxes", "markdown": "# Boxes\n\nTight boxes!"})
    check("a save without expected_version is the next version, by its author",
          status == 200 and body["version"] == 3 and body["updated_by_name"] == "eve", body)

    # ed still edits from version 2: his save is refused, nothing is lost.
    status, body = s.call("PUT", "/guides/%d" % gid, ed,
                          {"name": "Boxes", "markdown": "# Boxes\n\nMine.", "expected_version": 2})
    check("a save from a stale version is 409 naming the field, with the current version",
          status == 409 and error_message(body).startswith("expected_version:")
          and body["error"].get("version") == 3, body)
    status, body = s.call("GET", "/guides/%d" % gid, ed)
    check("and changes nothing", status == 200 and body["version"] == 3 and body["markdown"].endswith("Tight boxes!"),
          body)
    status, body = s.call("PUT", "/guides/%d" % gid, ed,
                          {"name": "Boxes", "markdown": "x", "expected_version": 0})
    check("expected_version 0 is 400", status == 400 and error_message(body).startswith("expected_version:"), body)
    status, body = s.call("PUT", "/guides/%d" % gid, ed,
                          {"name": "Boxes", "markdown": "x", "expected_version": "3"})
    check("a string expected_version is 400", status == 400 and "expected_version" in error_message(body), body)

    status, versions = s.call("GET", "/guides/%d/versions" % gid, rev)
    check("the versions, newest first, with date, author and name",
          status == 200 and [v["number"] for v in versions] == [3, 2, 1]
          and [v["author_name"] for v in versions] == ["eve", "ed", "ed"]
          and all(v["name"] == "Boxes" and v["created"] > 0 for v in versions)
          and "markdown" not in versions[0], versions)
    status, first = s.call("GET", "/guides/%d/versions/1" % gid, rev)
    check("one version by number, with its text",
          status == 200 and first["number"] == 1 and first["markdown"] == "# Boxes\n\nTight."
          and first["guide"] == gid and first["author"] == ed_id, first)
    status, body = s.call("GET", "/guides/%d/versions/9" % gid, rev)
    check("a version that does not exist is 404", status == 404 and error_message(body) == "no version 9 of guide %d" % gid,
          body)
    status, body = s.call("GET", "/guides/99/versions", rev)
    check("the versions of no guide are 404", status == 404, body)
    status, body = s.call("GET", "/guides/%d/versions" % gid, ann)
    check("an annotator may not read earlier versions (403)", status == 403, body)
    status, body = s.call("GET", "/guides/%d/versions/1" % gid, viewer)
    check("nor may a viewer (403)", status == 403, body)

    # Restoring is saving an old text again: a new version.
    status, body = s.call("PUT", "/guides/%d" % gid, ed,
                          {"name": first["name"], "markdown": first["markdown"], "expected_version": 3})
    check("saving version 1's text again makes version 4", status == 200 and body["version"] == 4
          and body["markdown"] == first["markdown"], body)
    status, renamed = s.call("PUT", "/guides/%d" % gid, ed,
                             {"name": "Tight boxes", "markdown": first["markdown"], "expected_version": 4})
    check("a new name alone is a new version", status == 200 and renamed["version"] == 5, renamed)
    status, versions = s.call("GET", "/guides/%d/versions" % gid, ed)
    check("every version is kept", [v["number"] for v in versions] == [5, 4, 3, 2, 1]
          and versions[0]["name"] == "Tight boxes" and versions[1]["name"] == "Boxes", versions)
    status, listed = s.call("GET", "/projects/1/guides", viewer)
    check("the project's guides carry their version", status == 200 and listed[0]["version"] == 5, listed)

    # What a job's readers read.
    status, review = s.call("POST", "/projects/1/guides", ed, {"name": "Review", "markdown": "Check."})
    status, job = s.call("POST", "/projects/1/jobs", ed,
                         {"settings": {"name": "Cars", "passes_per_file": 1, "review_frequency": 0,
                                       "draw_guide": str(gid), "review_guide": str(review["id"])},
                          "files": [street["id"]]})
    assert status == 201, job
    status, body = s.call("GET", "/jobs/%d" % job["id"], viewer)
    check("GET /jobs/{id} names the guides and their current versions",
          status == 200 and body["guides"] == {"draw": {"id": gid, "name": "Tight boxes", "version": 5},
                                               "review": {"id": review["id"], "name": "Review", "version": 1}},
          body.get("guides"))
    s.call("POST", "/jobs/%d/launch" % job["id"], ed)
    status, task = s.call("POST", "/jobs/%d/next" % job["id"], ann)
    check("the annotator's task view carries the guide's version",
          status == 200 and task["guide"]["id"] == gid and task["guide"]["version"] == 5, task.get("guide"))
    s.call("PUT", "/guides/%d" % gid, ed, {"name": "Tight boxes", "markdown": "Newer.", "expected_version": 5})
    status, task = s.call("GET", "/tasks/%d" % task["id"], ann)
    check("and the version read now after a save", status == 200 and task["guide"]["version"] == 6
          and task["guide"]["markdown"] == "Newer.", task.get("guide"))
    status, body = s.call("PUT", "/guides/%d" % gid, ann, {"name": "x", "markdown": "y"})
    check("an annotator may not save a guide (403)", status == 403, body)

    # ---- the migration: a guide of before is its own version 1 ----------
    # SQLite's migration path (a database rebuilt as of before), which PostgreSQL's schema has no use for.
    if BACKEND == "sqlite":
        s.process.terminate()
        s.process.wait()
        db = sqlite3.connect(os.path.join(s.data, "quorum.sqlite"))
        db.executescript(GUIDES_BEFORE_VERSIONS)
        before = db.execute("SELECT markdown, updated FROM guides WHERE id = ?", (gid,)).fetchone()
        db.executescript(versions_migration())
        db.close()
        s.start()
        s.root = s.login("root", "root password")
        status, migrated = s.call("GET", "/guides/%d" % gid, s.root)
        check("after the migration a guide of before is at version 1, saved by no one known",
              status == 200 and migrated["version"] == 1 and migrated["updated_by"] is None
              and migrated["markdown"] == before[0], migrated)
        status, versions = s.call("GET", "/guides/%d/versions" % gid, s.root)
        check("and its version 1 is its text, of its date",
              status == 200 and [v["number"] for v in versions] == [1] and versions[0]["created"] == before[1]
              and versions[0]["author"] is None, versions)
        status, body = s.call("PUT", "/guides/%d" % gid, s.root,
                              {"name": "Tight boxes", "markdown": "After.", "expected_version": 1})
        check("and its next save is version 2", status == 200 and body["version"] == 2, body)
finally:
    server.close()
report()
