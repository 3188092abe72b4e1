#!/usr/bin/env python3
"""GET /credentials/{id}/grants, the current holders of a credential, against a
real quorum-server: who may read them (a project admin for a project's
credential, a server administrator for an organization's), what a grant, a
revocation and a grant again after it do to the list, and that GET /jobs says
each job's type. Prints TAP. Argument: the quorum-server binary."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, error_message, report  # noqa: E402

SERVER = sys.argv[1]


server = Server(SERVER)
try:
    s = server
    status, project = s.call("POST", "/projects", s.root, {"name": "Academy"})
    assert status == 201, project
    academy = project["id"]
    status, project = s.call("POST", "/projects", s.root, {"name": "Elsewhere"})
    assert status == 201, project
    elsewhere = project["id"]

    admin_id, admin = s.user("paula", "admin", academy)
    editor_id, editor = s.user("tom", "editor", academy)
    ann_id, ann = s.user("ann", "annotator", academy)
    ben_id, ben = s.user("ben", "annotator", academy)
    other_admin_id, other_admin = s.user("olaf", "admin", elsewhere)

    status, credential = s.call("POST", "/projects/%d/credentials" % academy, admin, {"name": "Street annotator"})
    assert status == 201, credential
    path = "/credentials/%d/grants" % credential["id"]

    status, body = s.call("GET", path, admin)
    check("a credential nobody holds lists no holder", status == 200 and body == [], body)

    # Grants, listed by name with who granted them and when.
    for user_id in (ben_id, ann_id):
        status, body = s.call("POST", path, admin, {"user": user_id})
        assert status == 204, body
    status, body = s.call("GET", path, admin)
    check("the holders are listed by name",
          status == 200 and [h["name"] for h in body] == ["ann", "ben"]
          and [h["user"] for h in body] == [ann_id, ben_id], body)
    check("each with who granted it and when",
          status == 200 and all(h["granted_by"] == admin_id and isinstance(h["granted"], int) and h["granted"] > 0
                                for h in body)
          and all(sorted(h) == ["granted", "granted_by", "name", "reason", "user"] for h in body)
          and all(h["reason"] is None for h in body), body)

    # Revoking takes a holder off the list; granting again brings them back.
    status, body = s.call("DELETE", "%s/%d" % (path, ben_id), admin)
    check("the admin revokes ben's", status == 204, body)
    status, body = s.call("GET", path, admin)
    check("a revoked grant is no longer listed", status == 200 and [h["name"] for h in body] == ["ann"], body)
    status, body = s.call("GET", "/projects/%d/credentials" % academy, admin)
    check("and the credential counts one holder", status == 200 and body[0]["holders"] == 1, body)
    status, body = s.call("POST", path, s.root, {"user": ben_id})
    check("the server admin grants it again", status == 204, body)
    status, body = s.call("GET", path, admin)
    check("the grant again is listed, with its new granter",
          status == 200 and [(h["name"], h["granted_by"]) for h in body] == [("ann", admin_id), ("ben", 1)], body)

    # A reason, on a grant and on a revocation, is kept and shown.
    status, body = s.call("POST", path, admin, {"user": editor_id, "reason": "Certified by the city’s course"})
    check("a grant takes a reason", status == 204, body)
    status, body = s.call("GET", path, admin)
    reasons = {h["name"]: h["reason"] for h in body} if status == 200 else {}
    check("the holders list it", reasons.get("tom") == "Certified by the city’s course"
          and reasons.get("ann") is None, body)
    status, body = s.call("DELETE", "%s/%d" % (path, editor_id), admin, {"reason": "Left the team"})
    check("a revocation takes a reason", status == 204, body)
    status, body = s.call("GET", path, admin)
    check("the revoked holder is no longer listed", status == 200 and "tom" not in [h["name"] for h in body], body)
    status, body = s.call("GET", path + "?include=revoked", admin)
    revoked = [h for h in body if h["name"] == "tom"] if status == 200 else []
    check("?include=revoked lists it after the holders, with when, by whom and why",
          len(revoked) == 1 and body[-1]["name"] == "tom" and isinstance(revoked[0]["revoked"], int)
          and revoked[0]["revoked_by"] == admin_id and revoked[0]["revoke_reason"] == "Left the team"
          and revoked[0]["reason"] == "Certified by the city’s course", body)
    check("a current holder has no revocation",
          status == 200 and all(h["revoked"] is None and h["revoke_reason"] is None
                                for h in body if h["name"] != "tom"), body)
    status, body = s.call("GET", path + "?include=everything", admin)
    check("?include takes revoked only", status == 400 and error_message(body).startswith("include:"), body)
    status, body = s.call("POST", path, admin, {"user": editor_id, "reason": "x" * 501})
    check("a reason over 500 characters is refused naming the field",
          status == 400 and error_message(body) == "reason: at most 500 characters, not 501", body)
    status, body = s.call("POST", path, admin, {"user": editor_id, "reason": "é" * 500})
    check("500 characters, not bytes, are accepted", status == 204, body)
    status, body = s.call("POST", path, admin, {"user": editor_id, "reason": 7})
    check("a reason that is no string is refused", status == 400 and error_message(body) == "reason: must be a string",
          body)
    status, body = s.call("DELETE", "%s/%d" % (path, editor_id), admin, {"reason": "  "})
    check("a blank reason is refused and revokes nothing",
          status == 400 and error_message(body) == "reason: must not be empty", body)
    status, body = s.call("GET", path, admin)
    check("so tom still holds it", status == 200 and "tom" in [h["name"] for h in body], body)
    status, body = s.call("DELETE", "%s/%d" % (path, editor_id), admin)
    check("a revocation without a body has no reason", status == 204, body)
    status, body = s.call("GET", path + "?include=revoked", admin)
    revoked = [h for h in body if h["name"] == "tom"] if status == 200 else []
    check("and the grant again forgot the older revocation",
          len(revoked) == 1 and revoked[0]["revoke_reason"] is None and revoked[0]["reason"] == "é" * 500, body)

    # The same rights as granting.
    for who, token in (("an editor", editor), ("an annotator", ann), ("another project's admin", other_admin)):
        status, body = s.call("GET", path, token)
        check("%s cannot list the holders (403 or 404)" % who, status in (403, 404), body)
    status, body = s.call("GET", path, editor)
    check("an editor of the project gets 403", status == 403, body)
    status, body = s.call("GET", path, other_admin)
    check("another project's admin gets 404, as for the project", status == 404, body)
    status, body = s.call("GET", "/credentials/999/grants", admin)
    check("an unknown credential is 404 naming it",
          status == 404 and error_message(body) == "no credential 999", body)
    status, body = s.call("GET", path)
    check("without a token: 401", status == 401, body)

    # An organization's credential: server administrators only.
    status, org = s.call("POST", "/orgs", s.root, {"name": "Trainers"})
    assert status == 201, org
    status, org_credential = s.call("POST", "/orgs/%d/credentials" % org["id"], s.root, {"name": "Certified"})
    assert status == 201, org_credential
    org_path = "/credentials/%d/grants" % org_credential["id"]
    status, body = s.call("POST", org_path, s.root, {"user": ann_id})
    assert status == 204, body
    status, body = s.call("GET", org_path, admin)
    check("a project admin cannot list an organization's holders (403)", status == 403, body)
    status, body = s.call("GET", org_path, s.root)
    check("the server admin lists them",
          status == 200 and [(h["user"], h["name"]) for h in body] == [(ann_id, "ann")], body)
    status, body = s.call("GET", path, s.root)
    check("one credential's holders are not another's",
          status == 200 and [h["name"] for h in body] == ["ann", "ben"], body)

    # GET /jobs says each job's type, so that the app knows an exam.
    status, job = s.call("POST", "/projects/%d/jobs" % academy, s.root,
                         {"settings": {"name": "Basics", "type": "exam", "awarded_credentials": ["Street annotator"]},
                          "files": []})
    check("an exam job is created", status == 201, job)
    status, job2 = s.call("POST", "/projects/%d/jobs" % academy, s.root, {"settings": {"name": "Work"}, "files": []})
    check("a normal job is created", status == 201, job2)
    status, body = s.call("GET", "/jobs", editor)
    types = {j["id"]: j.get("type") for j in body} if status == 200 else {}
    check("GET /jobs gives the exam's type", types.get(job.get("id")) == "exam", body)
    check("and a normal job's", types.get(job2.get("id")) == "normal", body)
    status, body = s.call("GET", "/jobs", s.root)
    types = {j["id"]: j.get("type") for j in body} if status == 200 else {}
    check("for an administrator too", types.get(job.get("id")) == "exam" and types.get(job2.get("id")) == "normal",
          body)
finally:
    server.close()

report()
