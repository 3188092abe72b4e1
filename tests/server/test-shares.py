#!/usr/bin/env python3
"""Job shares of DESIGN §2 against a real quorum-server process: project,
org and market jobs, market applications, and who may reach a job, its
tasks and its files. Prints TAP. Argument: the quorum-server binary."""
import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, error_message, png, report  # noqa: E402

SERVER = sys.argv[1]


TERMS = {"bid": {"amount": "0.40", "currency": "EUR", "per": "task"}, "deadline": "2099-01-31T00:00:00Z"}


def settings(name, share, review_frequency=0, **extra):
    value = {"name": name, "share": share, "passes_per_file": 1, "review_frequency": review_frequency}
    if share == "market":
        value["market"] = TERMS
    value.update(extra)
    return value


def content(server, file_id, token):
    """The status of GET /files/{id}/content and the bytes or the error body."""
    request = urllib.request.Request(server.base + "/files/%d/content" % file_id)
    request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def job_ids(body):
    return sorted(job["id"] for job in body) if isinstance(body, list) else body


server = Server(SERVER)
try:
    s = server

    def worker(name, org=None):
        """A user who is no member of any project, in @org when given."""
        status, body = s.call("POST", "/users", s.root, {"name": name, "password": name + "-password"})
        assert status == 201, body
        if org is not None:
            status, _ = s.call("POST", "/orgs/%d/members" % org, s.root, {"user": body["id"]})
            assert status == 204
        return body["id"], s.login(name, name + "-password")

    def job(name, share, files, launch=True, **extra):
        status, body = s.call("POST", "/projects/1/jobs", s.root,
                              {"settings": settings(name, share, **extra), "files": files})
        assert status == 201, body
        if launch:
            status, body = s.call("POST", "/jobs/%d/launch" % body["id"], s.root)
            assert status == 200, body
        return body["id"]

    orgs = {}
    for name in ("Acme", "Beta", "Gamma"):
        status, body = s.call("POST", "/orgs", s.root, {"name": name})
        assert status == 201, body
        orgs[name] = body["id"]
    status, body = s.call("POST", "/projects", s.root, {"name": "Streets", "org": orgs["Acme"]})
    assert status == 201 and body["id"] == 1, body
    s.call("PUT", "/projects/1/labels", s.root,
           {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]})
    files = []
    for i in range(6):
        status, body = s.call("POST", "/projects/1/files?name=street-%02d.png" % i, s.root,
                              raw=png(32, 24, 10 + 30 * i), content_type="image/png")
        assert status == 201, body
        files.append(body["id"])

    acme_id, acme = worker("acme-worker", orgs["Acme"])
    acme2_id, acme2 = worker("acme-second", orgs["Acme"])
    beta_id, beta = worker("beta-worker", orgs["Beta"])
    gamma_id, gamma = worker("gamma-worker", orgs["Gamma"])
    nobody_id, nobody = worker("nobody")
    editor_id, editor = s.user("editor", "editor")
    reviewer_id, reviewer = s.user("reviewer", "reviewer")

    project_job = job("In house", "project", files[0:1])
    org_job = job("Shared with Acme", "org", files[1:3], review_frequency=1)
    draft_job = job("Not yet", "org", files[5:6], launch=False)
    market_job = job("On the market", "market", files[3:5])
    status, credential = s.call("POST", "/projects/1/credentials", s.root, {"name": "Polygon annotator"})
    cred_job = job("Experts only", "org", files[5:6], required_credentials=["Polygon annotator"])

    # Org share: members of the project's organization work as annotators.
    status, mine = s.call("POST", "/jobs/%d/next" % org_job, acme)
    check("an org member who is no project member gets work from an org job",
          status == 200 and mine["kind"] == "draw" and mine["job"] == org_job, mine)
    status, body = s.call("POST", "/jobs/%d/next" % project_job, acme)
    check("the same user gets 404 from a project-shared job",
          status == 404 and error_message(body) == "no job %d" % project_job, body)
    status, body = s.call("POST", "/jobs/%d/next" % org_job, beta)
    check("a member of another org gets 404 from the org job", status == 404, body)
    status, body = s.call("POST", "/jobs/%d/next" % org_job, nobody)
    check("a user in no org gets 404 from the org job", status == 404, body)
    status, body = s.call("POST", "/jobs/%d/next" % draft_job, acme)
    check("an org job that is still a draft is not shared (404)", status == 404, body)
    status, body = s.call("GET", "/jobs/%d/status" % org_job, acme)
    check("job status is 404 for an org worker who is no member", status == 404, body)
    status, body = s.call("GET", "/jobs/%d" % org_job, acme)
    check("the job record is 404 for an org worker who is no member", status == 404, body)

    # The org worker's own task and its file; no other file.
    status, task = s.call("GET", "/tasks/%d" % mine["id"], acme)
    check("the org worker reads their task", status == 200 and task["id"] == mine["id"], task)
    box = {"id": "a1", "label": "car", "kind": "box", "points": [[2, 2], [20, 20]]}
    status, saved = s.call("PUT", "/tasks/%d/instances" % mine["id"], acme,
                           {"version": task["version"], "instances": [box]})
    check("the org worker saves their task", status == 200 and saved["instances"][0]["author"] == "acme-worker",
          saved)
    status, body = s.call("GET", "/files/%d" % mine["file"], acme)
    check("the org worker reads the file of their task", status == 200 and body["id"] == mine["file"], body)
    status, body = content(s, mine["file"], acme)
    check("and its bytes", status == 200 and body.startswith(b"\x89PNG"), body[:8])
    status, theirs = s.call("POST", "/jobs/%d/next" % org_job, acme2)
    check("a second org member gets the other file", status == 200 and theirs["file"] != mine["file"], theirs)
    status, body = s.call("GET", "/files/%d" % theirs["file"], acme)
    check("an org worker cannot read the file of a task not theirs (404)", status == 404, body)
    status, body = content(s, theirs["file"], acme)
    check("nor its bytes (404)", status == 404, body)
    status, body = s.call("GET", "/files/%d" % files[0], acme)
    check("nor a file of a project job (404)", status == 404, body)
    status, body = s.call("GET", "/tasks/%d" % theirs["id"], acme)
    check("nor another org worker's task (404)", status == 404, body)
    status, body = content(s, mine["file"], beta)
    check("a member of another org cannot read the file (404)", status == 404, body)

    # Org workers draw only: they get no review task.
    status, body = s.call("POST", "/tasks/%d/submit" % mine["id"], acme, {"version": saved["version"]})
    check("the org worker submits their draw", status == 200 and body["state"] == "submitted", body)
    status, task = s.call("GET", "/tasks/%d" % theirs["id"], acme2)
    status, body = s.call("POST", "/tasks/%d/submit" % theirs["id"], acme2, {"version": task["version"]})
    status, st = s.call("GET", "/jobs/%d/status" % org_job, s.root)
    check("both reviews are available", st["tasks"]["review"] == {"available": 2}, st)
    status, body = s.call("POST", "/jobs/%d/next" % org_job, acme)
    check("an org worker is not given a review task (204)", status == 204, body)
    status, body = s.call("POST", "/jobs/%d/next" % org_job, reviewer)
    check("a project reviewer is", status == 200 and body["kind"] == "review", body)

    # Credentials apply on top of the share.
    status, body = s.call("POST", "/jobs/%d/next" % cred_job, acme)
    check("an org job requiring a credential refuses an org worker without it (403)",
          status == 403 and "Polygon annotator" in error_message(body), body)
    s.call("POST", "/credentials/%d/grants" % credential["id"], s.root, {"user": acme_id})
    status, body = s.call("POST", "/jobs/%d/next" % cred_job, acme)
    check("with the credential granted, the org worker gets work", status == 200, body)

    # Market: every signed-in user sees it, without files.
    status, market = s.call("GET", "/market", nobody)
    check("the market lists the launched market job only",
          status == 200 and job_ids(market) == [market_job], market)
    check("with its name, project, file count, bid and deadline, no files",
          market[0] == {"id": market_job, "name": "On the market", "project": 1, "project_name": "Streets",
                        "file_count": 2, "bid": TERMS["bid"], "deadline": TERMS["deadline"],
                        "listed": market[0].get("listed"), "applications": []}
          and isinstance(market[0]["listed"], int), market)
    status, body = s.call("POST", "/jobs/%d/next" % market_job, beta)
    check("before applying, a market job gives 404", status == 404, body)
    status, body = s.call("POST", "/jobs/%d/next" % market_job, acme)
    check("the project's own org does not reach a market job it did not apply to", status == 404, body)

    # Applications.
    status, body = s.call("POST", "/jobs/%d/applications" % market_job, nobody, {"org": orgs["Beta"]})
    check("applying for an org one is not in is 403", status == 403 and error_message(body).startswith("org:"),
          body)
    status, body = s.call("POST", "/jobs/%d/applications" % market_job, beta, {})
    check("an application without org is 400 naming it",
          status == 400 and error_message(body) == "org: is missing", body)
    status, body = s.call("POST", "/jobs/%d/applications" % market_job, beta, {"org": 999})
    check("an application for an unknown org is 400 naming it",
          status == 400 and error_message(body) == "org: no organization 999", body)
    status, body = s.call("POST", "/jobs/%d/applications" % market_job, beta, {"org": "Beta"})
    check("an org that is not an id is 400 naming it", status == 400 and error_message(body).startswith("org:"),
          body)
    status, body = s.call("POST", "/jobs/%d/applications" % org_job, s.root, {"org": orgs["Beta"]})
    check("applying to a job not on the market is 422 naming share",
          status == 422 and error_message(body).startswith("share:"), body)
    status, body = s.call("POST", "/jobs/%d/applications" % project_job, beta, {"org": orgs["Beta"]})
    check("a project job one does not reach is 404 even to apply", status == 404, body)
    status, body = s.call("POST", "/jobs/%d/applications" % market_job, beta, {"org": orgs["Beta"]})
    check("a member applies for their org",
          status == 201 and body["org"] == orgs["Beta"] and body["org_name"] == "Beta"
          and body["state"] == "pending" and body["applied"] > 0, body)
    status, body = s.call("POST", "/jobs/%d/applications" % market_job, beta, {"org": orgs["Beta"]})
    check("applying twice is 409", status == 409 and error_message(body).startswith("org:"), body)
    status, body = s.call("POST", "/jobs/%d/applications" % market_job, gamma, {"org": orgs["Gamma"]})
    check("a second org applies", status == 201, body)
    status, body = s.call("POST", "/jobs/%d/next" % market_job, beta)
    check("while pending, the member still gets 404", status == 404, body)

    status, body = s.call("POST", "/jobs/%d/applications/%d/accept" % (market_job, orgs["Beta"]), editor)
    check("a project editor cannot accept (403)", status == 403, body)
    status, body = s.call("POST", "/jobs/%d/applications/%d/accept" % (market_job, orgs["Beta"]), beta)
    check("the applicant cannot accept (404)", status == 404, body)
    status, body = s.call("GET", "/jobs/%d/applications" % market_job, beta)
    check("nor list the applications (404)", status == 404, body)
    status, apps = s.call("GET", "/jobs/%d/applications" % market_job, s.root)
    check("the project admin lists both applications, still pending",
          status == 200 and [(a["org"], a["org_name"], a["state"]) for a in apps]
          == [(orgs["Beta"], "Beta", "pending"), (orgs["Gamma"], "Gamma", "pending")], apps)
    status, body = s.call("POST", "/jobs/%d/applications/%d/accept" % (market_job, orgs["Acme"]), s.root)
    check("accepting an org that did not apply is 404", status == 404, body)
    status, body = s.call("POST", "/jobs/%d/applications/%d/accept" % (market_job, orgs["Beta"]), s.root)
    check("the project admin accepts", status == 200 and body["state"] == "accepted", body)
    status, body = s.call("POST", "/jobs/%d/applications/%d/decline" % (market_job, orgs["Gamma"]), s.root)
    check("and declines", status == 200 and body["state"] == "declined", body)

    status, market_task = s.call("POST", "/jobs/%d/next" % market_job, beta)
    check("once accepted, the org's member gets a task",
          status == 200 and market_task["kind"] == "draw" and market_task["job"] == market_job, market_task)
    status, body = s.call("GET", "/files/%d" % market_task["file"], beta)
    check("and reads its file", status == 200, body)
    status, body = s.call("POST", "/jobs/%d/next" % market_job, gamma)
    check("a declined org's member gets 404", status == 404, body)

    # GET /jobs: exactly the jobs each caller reaches.
    status, body = s.call("GET", "/jobs", acme)
    check("an org worker's jobs are the launched org jobs",
          status == 200 and job_ids(body) == sorted([org_job, cred_job])
          and all(j["role"] == "annotator" and j["share"] == "org" and j["project_name"] == "Streets"
                  for j in body), body)
    status, body = s.call("GET", "/jobs", beta)
    check("an accepted market worker's jobs are the market job",
          status == 200 and job_ids(body) == [market_job] and body[0]["role"] == "annotator"
          and body[0]["share"] == "market" and body[0]["state"] == "launched"
          and body[0]["name"] == "On the market" and body[0]["project"] == 1, body)
    status, body = s.call("GET", "/jobs", gamma)
    check("a declined org's member has none", status == 200 and body == [], body)
    status, body = s.call("GET", "/jobs", nobody)
    check("a user in no org and no project has none", status == 200 and body == [], body)
    status, body = s.call("GET", "/jobs", reviewer)
    check("a project member has every job of the project, with their role",
          status == 200 and job_ids(body) == sorted([project_job, org_job, draft_job, market_job, cred_job])
          and all(j["role"] == "reviewer" for j in body), body)

    # Declining an accepted org ends its access, to its tasks too.
    status, body = s.call("POST", "/jobs/%d/applications/%d/decline" % (market_job, orgs["Beta"]), s.root)
    check("the admin may decline an accepted org", status == 200 and body["state"] == "declined", body)
    status, body = s.call("GET", "/tasks/%d" % market_task["id"], beta)
    check("then its member no longer reads their task (404)", status == 404, body)
    status, body = s.call("GET", "/files/%d" % market_task["file"], beta)
    check("nor its file (404)", status == 404, body)
    status, body = s.call("GET", "/jobs", beta)
    check("and the job leaves their list", status == 200 and body == [], body)
finally:
    server.close()

report()
