#!/usr/bin/env python3
"""What an attacker trial found, against a real quorum-server: the gold
standard leaking to exam takers, viewers and share workers; task versions
that crash the server or let a stale client overwrite work; blind labelling
broken by next; Pass granting credentials to anyone; removed members still
writing; client-supplied authors and file names with control characters.
Prints TAP. Argument: the quorum-server binary."""
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, error_message, png, report  # noqa: E402

SERVER = sys.argv[1]


def box(name, x, **extra):
    value = {"id": name, "label": "car", "kind": "box", "points": [[x, 0], [x + 5, 5]]}
    value.update(extra)
    return value


# Words of SQLite's own messages, which no reply may carry.
SQL_WORDS = ("constraint", "sqlite", "FOREIGN KEY", "UNIQUE", "SQL", "syntax error", "no such table")


def leaks_sql(body):
    text = json.dumps(body)
    return any(word.lower() in text.lower() for word in SQL_WORDS)


server = Server(SERVER)
shade = [0]


def call(method, path, token=None, body=None, **options):
    """server.call that survives a dead server or a reply that is not
    JSON: (None, reason)."""
    try:
        return server.call(method, path, token, body, **options)
    except (urllib.error.URLError, ConnectionError, socket.timeout, ValueError) as error:
        return None, str(error)


def upload(name, project=1):
    shade[0] += 1
    return call("POST", "/projects/%d/files?name=%s" % (project, name), server.root,
                raw=png(16 + shade[0] % 7, 12, shade[0] % 250), content_type="image/png")


def new_file(name):
    status, body = upload(name)
    assert status == 201, body
    return body["id"]


def new_job(name, files, launch=True, **settings):
    value = {"name": name, "passes_per_file": 1, "review_frequency": 0}
    value.update(settings)
    status, job = call("POST", "/projects/1/jobs", server.root, {"settings": value, "files": files})
    assert status == 201, job
    if launch:
        status, body = call("POST", "/jobs/%d/launch" % job["id"], server.root)
        assert status == 200, body
    return job["id"]


def worker(name, org=None):
    """A user who is no project member, in @org when given."""
    status, body = call("POST", "/users", server.root, {"name": name, "password": name + "-password"})
    assert status == 201, body
    if org is not None:
        status, _ = call("POST", "/orgs/%d/members" % org, server.root, {"user": body["id"]})
        assert status == 204
    return body["id"], server.login(name, name + "-password")


def draw_and_submit(job, token, instances=()):
    """Draws the caller's next task and submits it: its id, or None (and
    a failed check) when that goes wrong."""
    status, task = call("POST", "/jobs/%d/next" % job, token)
    if status == 200 and task["kind"] == "draw":
        status, saved = call("PUT", "/tasks/%d/instances" % task["id"], token,
                             {"version": task["version"], "instances": list(instances)})
        if status == 200:
            status, done = call("POST", "/tasks/%d/submit" % task["id"], token, {"version": saved["version"]})
            if status == 200:
                return task["id"]
    check("a draw of job %d is taken and submitted" % job, False, task)
    return None


def accept_next_review(job, token):
    status, review = call("POST", "/jobs/%d/next" % job, token)
    if status == 200 and review["kind"] == "review":
        status, body = call("POST", "/tasks/%d/accept" % review["id"], token, {})
        if status == 200:
            return review["id"]
    check("a review of job %d is taken and accepted" % job, False, review)
    return None


def wait_for_scores(task_id, token):
    deadline = time.time() + 10
    while time.time() < deadline:
        status, task = call("GET", "/tasks/%d" % task_id, token)
        if status == 200 and task.get("scores"):
            return task
        time.sleep(0.05)
    return task


try:
    s = server
    status, org = call("POST", "/orgs", s.root, {"name": "Acme"})
    status, project = call("POST", "/projects", s.root, {"name": "Attacks", "org": org["id"]})
    assert status == 201 and project["id"] == 1, project
    call("PUT", "/projects/1/labels", s.root,
         {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]})

    # ---- 1. The gold standard leaks ----------------------------------------
    ann_id, ann = s.user("ann", "annotator")
    vic_id, vic = s.user("vic", "viewer")
    ed_id, ed = s.user("ed", "editor")
    trainer_id, trainer = s.user("trainer", "editor")
    grader_id, grader = s.user("grader", "reviewer")
    acme_id, acme = worker("acme-worker", org["id"])

    gold_file = new_file("gold.png")
    status, body = call("PUT", "/files/%d/existing" % gold_file, s.root, {"instances": [box("gold-1", 2)]})
    assert status == 200, body
    exam = new_job("Exam", [gold_file], type="exam", awarded_credentials=["Gold expert"])
    shared_file = new_file("shared.png")
    call("PUT", "/files/%d/existing" % shared_file, s.root, {"instances": [box("gold-2", 4)]})
    org_job = new_job("Shared", [shared_file], share="org")

    status, body = call("GET", "/files/%d" % gold_file, ed)
    check("an editor reads a file with its gold", status == 200 and "gold-1" in json.dumps(body), body)
    status, body = call("GET", "/files/%d" % gold_file, grader)
    check("so does a reviewer who takes no exam (as /existing)",
          status == 200 and "gold-1" in json.dumps(body), body)
    status, body = call("GET", "/files/%d" % gold_file, vic)
    check("a viewer reads the file without its gold",
          status == 200 and body.get("id") == gold_file and "existing" not in body
          and "gold-1" not in json.dumps(body), body)
    status, body = call("POST", "/jobs/%d/apply" % exam, ann)
    assert status == 201, body
    status, task = call("POST", "/jobs/%d/next" % exam, ann)
    status, body = call("GET", "/files/%d" % gold_file, ann)
    check("an exam taker reads their task's file without the gold",
          status == 200 and "existing" not in body and "gold-1" not in json.dumps(body), body)
    status, mine = call("POST", "/jobs/%d/next" % org_job, acme)
    status, body = call("GET", "/files/%d" % shared_file, acme)
    check("an org worker reads their task's file without the project's gold",
          status == 200 and "existing" not in body and "gold-2" not in json.dumps(body), body)
    status, body = call("GET", "/files/%d/existing" % shared_file, acme)
    check("nor through /existing (404)", status == 404 and "gold-2" not in json.dumps(body), body)

    # A trainer who takes the exam sees its gold nowhere while they take it.
    status, body = call("POST", "/jobs/%d/apply" % exam, trainer)
    check("a trainer (editor) applies to the exam", status == 201, body)
    status, body = call("GET", "/files/%d" % gold_file, trainer)
    check("the trainer-taker reads the file without the gold",
          status == 200 and "gold-1" not in json.dumps(body), body)
    status, body = call("GET", "/files/%d/existing" % gold_file, trainer)
    check("nor through /existing (404)", status == 404 and "gold-1" not in json.dumps(body), body)
    trainer_draw = draw_and_submit(exam, trainer, [box("t-1", 2)])
    status, tasks = call("GET", "/jobs/%d/tasks" % exam, s.root)
    trainer_review = [t["id"] for t in tasks if t["kind"] == "review" and t["reviews"] == trainer_draw][0]
    status, body = call("GET", "/tasks/%d" % trainer_review, trainer)
    check("the trainer cannot read the review of their own attempt (it shows the gold)",
          status == 404 and "gold-1" not in json.dumps(body), body)
    status, review = call("POST", "/jobs/%d/next" % exam, grader)
    check("a grader gets the trainer's review with the gold",
          status == 200 and review["kind"] == "review" and "gold-1" in json.dumps(review.get("gold")), review)
    status, body = call("PUT", "/tasks/%d/rating" % review["id"], grader, {"stars": {"t-1": 5}, "missing": []})
    status, body = call("GET", "/tasks/%d" % trainer_review, trainer)
    check("nor once it is rated", status == 404 and "gold-1" not in json.dumps(body), body)
    status, body = call("GET", "/jobs/%d/export?format=quorum" % exam, trainer)
    check("the trainer-taker cannot export the exam (403)", status == 403 and "gold-1" not in json.dumps(body),
          body)
    status, body = call("GET", "/jobs/%d/results" % exam, trainer)
    check("nor read its results (403)", status == 403, body)
    status, body = call("PUT", "/files/%d/existing" % gold_file, trainer, {"instances": [box("t-1", 2)]})
    check("nor rewrite its gold to their answer (403)", status == 403, body)
    status, body = call("GET", "/files/%d/existing" % gold_file, s.root)
    check("the gold is unchanged", status == 200 and [i["id"] for i in body] == ["gold-1"], body)
    status, body = call("GET", "/files/%d" % gold_file, ed)
    check("an editor who takes no exam still reads it", status == 200 and "gold-1" in json.dumps(body), body)

    # ---- 2. Versions: crash and lost update --------------------------------
    v_file = new_file("versions.png")
    v_job = new_job("Versions", [v_file])
    status, task = call("POST", "/jobs/%d/next" % v_job, ann)
    assert status == 200, task
    version = task["version"]
    for i in range(3):
        status, saved = call("PUT", "/tasks/%d/instances" % task["id"], ann,
                             {"version": version, "instances": [box("v-%d" % i, i)]})
        assert status == 200, saved
        version = saved["version"]
    check("assignment and three saves bring the task to version 5", version == 5, version)
    for bad in (0, -1, 1.5, "5", None, True):
        status, body = call("PUT", "/tasks/%d/instances" % task["id"], ann, {"version": bad, "instances": []})
        check("a save with version %s is 400 naming version" % json.dumps(bad),
              status == 400 and error_message(body).startswith("version:"), body)
    status, body = call("PUT", "/tasks/%d/instances" % task["id"], ann, {"instances": []})
    check("a save without version is 400 naming version",
          status == 400 and error_message(body).startswith("version:"), body)
    status, body = call("PUT", "/tasks/%d/instances" % task["id"], ann, {"version": 3, "instances": []})
    check("a stale version is 409 with the current one",
          status == 409 and body["error"].get("version") == 5, body)
    status, body = call("POST", "/tasks/%d/submit" % task["id"], ann, {"version": 0})
    check("a submit with version 0 is 400 naming version",
          status == 400 and error_message(body).startswith("version:"), body)
    status, body = call("POST", "/tasks/%d/submit" % task["id"], ann, {"version": -1})
    check("a submit with version -1 is 400", status == 400, body)
    status, body = call("POST", "/tasks/%d/submit" % task["id"], ann, {"version": 4})
    check("a stale submit is 409", status == 409 and body["error"].get("version") == 5, body)
    status, now = call("GET", "/tasks/%d" % task["id"], ann)
    check("the refused writes changed nothing",
          status == 200 and now["version"] == 5 and now["state"] == "in_progress"
          and [i["id"] for i in now["instances"]] == ["v-2"], now)

    # Reviews: accept, reject and rating take an optional version, held to the same rule.
    r_file = new_file("review.png")
    r_job = new_job("Reviewed", [r_file], review_frequency=1)
    draw_and_submit(r_job, ann, [box("r-1", 1)])
    status, review = call("POST", "/jobs/%d/next" % r_job, grader)
    assert status == 200 and review["kind"] == "review", review
    for route, extra in (("accept", {}), ("reject", {"comments": "again"})):
        for bad in (0, -2, "1"):
            status, body = call("POST", "/tasks/%d/%s" % (review["id"], route), grader, dict(extra, version=bad))
            check("%s with version %s is 400 naming version" % (route, json.dumps(bad)),
                  status == 400 and error_message(body).startswith("version:"), body)
        status, body = call("POST", "/tasks/%d/%s" % (review["id"], route), grader,
                            dict(extra, version=review["version"] + 7))
        check("%s with a stale version is 409" % route,
              status == 409 and body["error"].get("version") == review["version"], body)
    status, now = call("GET", "/tasks/%d" % review["id"], grader)
    check("the refused decisions changed nothing",
          status == 200 and now["state"] == review["state"] and now["version"] == review["version"], now)
    status, body = call("POST", "/tasks/%d/accept" % review["id"], grader, {"version": review["version"]})
    check("accept with the current version is taken", status == 200 and body["state"] == "complete", body)

    # ---- 7. Blind labelling: a reviewer of a file never draws it -----------
    b_file = new_file("blind.png")
    b_job = new_job("Blind", [b_file], passes_per_file=2, review_frequency=1)
    bea_id, bea = s.user("bea", "annotator")
    cal_id, cal = s.user("cal", "annotator")
    rex_id, rex = s.user("rex", "reviewer")
    roy_id, roy = s.user("roy", "reviewer")
    rho_id, rho = s.user("rho", "reviewer")
    draw_and_submit(b_job, bea, [box("bea-1", 1)])
    status, review = call("POST", "/jobs/%d/next" % b_job, rex)
    assert status == 200 and review["kind"] == "review", review
    status, body = call("POST", "/tasks/%d/accept" % review["id"], rex, {})
    assert status == 200, body
    status, body = call("POST", "/jobs/%d/next" % b_job, rex)
    check("the reviewer of pass 1 is not handed pass 2 of the same file (204)",
          status == 204, body)
    status, tasks = call("GET", "/jobs/%d/tasks" % b_job, s.root)
    pass2 = [t["id"] for t in tasks if t["kind"] == "draw" and t["pass"] == 2][0]
    consensus = [t["id"] for t in tasks if t["kind"] == "consensus"][0]
    status, body = call("POST", "/tasks/%d/assign" % pass2, s.root, {"user": rex_id})
    check("nor given it by an admin's hand (422)", status == 422 and "review" in error_message(body), body)
    draw_and_submit(b_job, cal, [box("cal-1", 1)])
    status, review2 = call("POST", "/jobs/%d/next" % b_job, roy)
    check("another reviewer reviews pass 2", status == 200 and review2["kind"] == "review", review2)
    if status == 200:
        call("POST", "/tasks/%d/accept" % review2["id"], roy, {})
    status, body = call("POST", "/jobs/%d/next" % b_job, rho)
    check("the file's consensus opens to a reviewer",
          status == 200 and body["kind"] == "consensus" and body["id"] == consensus, body)

    # ---- 8. Pass grants credentials only to a reviewed attempt --------------
    ad_id, ad = s.user("ad", "admin")
    dan_id, dan = s.user("dan", "annotator")
    eve_id, eve = s.user("eve", "annotator")
    p_file = new_file("pass.png")
    call("PUT", "/files/%d/existing" % p_file, s.root, {"instances": [box("gold-p", 2)]})
    p_exam = new_job("Pass exam", [p_file], type="exam", awarded_credentials=["Passed"])
    status, credential = call("POST", "/projects/1/credentials", s.root, {"name": "Passed"})
    assert status == 201, credential

    def holds(user_id):
        status, body = call("GET", "/users/%d/credentials" % user_id, s.root)
        return status == 200 and any(c["name"] == "Passed" for c in body)

    status, body = call("POST", "/credentials/%d/grants" % credential["id"], ed, {"user": dan_id})
    check("an editor may not grant the credential (403)", status == 403, body)
    status, body = call("POST", "/jobs/%d/results/%d/pass" % (p_exam, dan_id), ed)
    check("nor pass someone into it (403)", status == 403 and not holds(dan_id), body)
    status, body = call("POST", "/jobs/%d/results/%d/pass" % (p_exam, ed_id), ed)
    check("nor pass themselves (403)", status == 403 and not holds(ed_id), body)
    status, body = call("POST", "/jobs/%d/results/%d/pass" % (p_exam, dan_id), ad)
    check("an admin cannot pass a user who never took the exam (404)",
          status == 404 and not holds(dan_id), body)
    status, body = call("POST", "/jobs/%d/results/%d/fail" % (p_exam, dan_id), ad)
    check("nor fail them (404)", status == 404, body)
    status, body = call("POST", "/jobs/%d/results/999999/pass" % p_exam, ad)
    check("an unknown user is 404 “no user 999999”",
          status == 404 and error_message(body) == "no user 999999", body)
    check("with no database text", not leaks_sql(body), body)
    call("POST", "/jobs/%d/apply" % p_exam, dan)
    draw_and_submit(p_exam, dan, [box("dan-1", 2)])
    status, body = call("POST", "/jobs/%d/results/%d/pass" % (p_exam, dan_id), ad)
    check("nor pass an attempt not yet reviewed (422)", status == 422 and not holds(dan_id), body)
    accept_next_review(p_exam, grader)
    status, body = call("POST", "/jobs/%d/apply" % p_exam, ad)
    draw_and_submit(p_exam, ad, [box("ad-1", 2)])
    accept_next_review(p_exam, grader)
    status, body = call("POST", "/jobs/%d/results/%d/pass" % (p_exam, ad_id), ad)
    check("an admin cannot pass their own reviewed attempt (403)", status == 403 and not holds(ad_id), body)
    status, body = call("POST", "/jobs/%d/results/%d/pass" % (p_exam, dan_id), ad)
    check("nor, taking it, anyone else's (403)", status == 403 and not holds(dan_id), body)
    status, body = call("POST", "/jobs/%d/results/%d/pass" % (p_exam, dan_id), s.root)
    check("a trainer passes a reviewed attempt (204) and the credential is granted",
          status == 204 and holds(dan_id), body)
    status, body = call("POST", "/jobs/%d/results/%d/pass" % (p_exam, eve_id), s.root)
    check("eve, who never applied, still holds nothing", status == 404 and not holds(eve_id), body)

    # No reply carries SQLite's words.
    status, body = call("POST", "/projects", s.root, {"name": "Orphan", "org": 4242})
    check("a project of an unknown org is refused without database text",
          status is not None and status >= 400 and not leaks_sql(body), body)
    status, body = call("POST", "/projects/1/credentials", s.root, {"name": "Passed"})
    check("a credential name taken is 409 without database text",
          status == 409 and not leaks_sql(body), body)

    # ---- 9. Removed members keep writing ------------------------------------
    m_file = new_file("merge.png")
    m_job = new_job("Merge", [m_file], passes_per_file=2, consensus="manual_merge")
    mia_id, mia = s.user("mia", "reviewer")
    draws = {}
    for name, token in (("bea", bea), ("cal", cal)):
        draws[name] = draw_and_submit(m_job, token, [box(name + "-m", 3, author="rita")])
    status, merge = call("POST", "/jobs/%d/next" % m_job, mia)
    assert status == 200 and merge["kind"] == "consensus", merge
    for bad in (0, -2):
        status, body = call("POST", "/tasks/%d/consensus/clear" % merge["id"], mia, {"version": bad})
        check("consensus/clear with version %d is 400 naming version" % bad,
              status == 400 and error_message(body).startswith("version:"), body)
    status, body = call("POST", "/tasks/%d/consensus/clear" % merge["id"], mia, {"version": merge["version"] + 3})
    check("consensus/clear with a stale version is 409",
          status == 409 and body["error"].get("version") == merge["version"], body)
    status, copied = call("POST", "/tasks/%d/consensus/copy" % merge["id"], mia,
                          {"version": merge["version"], "from": draws["bea"]})
    check("the consensus reviewer copies bea's set", status == 200 and copied["copied"] == 1, copied)
    # ---- 12. Authorship is the server's ------------------------------------
    status, passes = call("GET", "/tasks/%d" % merge["id"], mia)
    authors = {p["annotator"]: [i["author"] for i in p["instances"]] for p in passes.get("passes", [])}
    check("an author given by the client is replaced by the caller's name",
          authors == {"bea": ["bea"], "cal": ["cal"]}, authors)
    copy = copied["instances"][0] if status == 200 else {}
    check("a consensus copy keeps the original author and points at its source",
          copy.get("author") == "bea" and copy.get("copied_from") == "bea-m" and copy.get("id") != "bea-m", copy)
    status, saved = call("PUT", "/tasks/%d/instances" % merge["id"], mia,
                         {"version": copied["version"],
                          "instances": [dict(copy, author="rita", copied_from="forged",
                                             points=[[4, 0], [9, 6]]),
                                        box("mia-new", 8, author="rita", copied_from="cal-m")]})
    by_id = {i["id"]: i for i in saved.get("instances", [])} if status == 200 else {}
    check("an edited copy keeps its author and source whatever the client says",
          by_id.get(copy.get("id"), {}).get("author") == "bea"
          and by_id.get(copy.get("id"), {}).get("copied_from") == "bea-m", saved)
    check("a new instance is the caller's and copied from nothing",
          by_id.get("mia-new", {}).get("author") == "mia" and by_id.get("mia-new", {}).get("copied_from") is None,
          saved)
    merge_version = saved.get("version", 0)

    status, body = call("DELETE", "/projects/1/members/%d" % mia_id, s.root)
    assert status == 204, body
    for step, extra in (("clear", {}), ("copy", {"from": draws["cal"]}), ("best", {"pass": draws["cal"]})):
        status, body = call("POST", "/tasks/%d/consensus/%s" % (merge["id"], step), mia,
                            dict(extra, version=merge_version))
        check("a removed member's consensus/%s is 404" % step, status == 404, body)
    status, body = call("PUT", "/tasks/%d/instances" % merge["id"], mia, {"version": merge_version, "instances": []})
    check("so is their save", status == 404, body)
    status, body = call("POST", "/tasks/%d/accept" % merge["id"], mia, {})
    check("and their accept", status == 404, body)
    status, body = call("POST", "/tasks/%d/release" % merge["id"], mia)
    check("and their release", status == 404, body)
    status, body = call("GET", "/me/tasks", mia)
    check("nor does their task list name the task, its job or its file any more",
          status == 200 and all(t["id"] != merge["id"] for t in body), body)
    status, now = call("GET", "/tasks/%d" % merge["id"], s.root)
    check("the consensus output is as they left it",
          status == 200 and now["version"] == merge_version and len(now["instances"]) == 2
          and now["state"] == "in_progress", now)

    # A removed exam reviewer cannot rate.
    rae_id, rae = s.user("rae", "reviewer")
    r_exam = new_job("Rated exam", [p_file], type="exam", awarded_credentials=["Rated"])
    call("POST", "/jobs/%d/apply" % r_exam, eve)
    draw_and_submit(r_exam, eve, [box("eve-1", 2)])
    status, review = call("POST", "/jobs/%d/next" % r_exam, rae)
    assert status == 200 and review["kind"] == "review", review
    for bad in (0, "4"):
        status, body = call("PUT", "/tasks/%d/rating" % review["id"], rae,
                            {"stars": {"eve-1": 1}, "missing": [], "version": bad})
        check("a rating with version %s is 400 naming version" % json.dumps(bad),
              status == 400 and error_message(body).startswith("version:"), body)
    status, body = call("PUT", "/tasks/%d/rating" % review["id"], rae,
                        {"stars": {"eve-1": 1}, "missing": [], "version": review["version"] + 1})
    check("a rating with a stale version is 409",
          status == 409 and body["error"].get("version") == review["version"], body)
    call("DELETE", "/projects/1/members/%d" % rae_id, s.root)
    status, body = call("PUT", "/tasks/%d/rating" % review["id"], rae, {"stars": {"eve-1": 1}, "missing": []})
    check("a removed reviewer's rating is 404", status == 404, body)
    status, now = call("GET", "/tasks/%d" % review["id"], s.root)
    check("and stores nothing", status == 200 and now["rating"] is None, now)

    # A member demoted below the task's kind no longer works on it.
    vera_id, vera = s.user("vera", "annotator")
    d_job = new_job("Demoted", [new_file("demoted.png")])
    status, task = call("POST", "/jobs/%d/next" % d_job, vera)
    call("PUT", "/projects/1/members/%d" % vera_id, s.root, {"role": "viewer"})
    status, body = call("PUT", "/tasks/%d/instances" % task["id"], vera,
                        {"version": task["version"], "instances": [box("vera-1", 1)]})
    check("a member demoted to viewer cannot save their draw (403 naming the role)",
          status == 403 and "viewer" in error_message(body), body)
    status, body = call("POST", "/tasks/%d/submit" % task["id"], vera, {"version": task["version"]})
    check("nor submit it (403)", status == 403, body)

    # A removed annotator cannot release.
    zed_id, zed = s.user("zed", "annotator")
    z_job = new_job("Release", [new_file("release.png")])
    status, task = call("POST", "/jobs/%d/next" % z_job, zed)
    call("DELETE", "/projects/1/members/%d" % zed_id, s.root)
    status, body = call("POST", "/tasks/%d/release" % task["id"], zed)
    check("a removed annotator's release is 404", status == 404, body)

    # ---- 12. File names -----------------------------------------------------
    status, before = call("GET", "/projects/1/files", s.root)
    for raw, why in (("a%00b.png", "NUL"), ("a%0Ab.png", "a line feed"), ("a%1Bb.png", "an escape"),
                     ("a%7Fb.png", "DEL"), ("%FF%FE.png", "bytes that are not UTF-8"),
                     ("x" * 252 + ".png", "256 bytes")):
        status, body = upload(raw)
        check("a file name with %s is 400 naming name" % why,
              status == 400 and error_message(body).startswith("name:"), body)
    status, after = call("GET", "/projects/1/files", s.root)
    check("and no file was stored", status == 200 and len(after) == len(before), after)
    status, body = upload("y" * 251 + ".png")
    check("a name of 255 bytes is taken", status == 201 and body["name"] == "y" * 251 + ".png", body)
    status, body = upload("caf%C3%A9%201.png")
    check("a UTF-8 name with a space is taken", status == 201 and body["name"] == "café 1.png", body)
    status, body = call("POST", "/projects/1/files?name=empty.png", s.root, raw=b"", content_type="image/png")
    check("an empty upload is 400 naming the body", status == 400 and error_message(body).startswith("body:"), body)
    status, body = call("POST", "/projects/1/files?name=empty.png", "not-a-token", raw=b"", content_type="image/png")
    check("and 401 without a valid token", status == 401, body)

    # ---- 12. One account signing in in a loop keeps 100 sign-ins, not all ----
    _, first = s.user("looper", "viewer")
    for _ in range(100):
        last = s.login("looper", "looper-password")
    status, body = call("GET", "/me", first)
    check("a user's 101st sign-in ends the oldest (401)", status == 401, body)
    status, body = call("GET", "/me", last)
    check("and the newest works", status == 200 and body.get("name") == "looper", body)

    # ---- 2. The save that crashed the server (last: it stopped the rest) ----
    status, task = call("POST", "/jobs/%d/next" % new_job("Crash", [new_file("crash.png")]), ann)
    status, body = call("PUT", "/tasks/%d/instances" % task["id"], ann, {"version": -2, "instances": []})
    check("a save with version -2 is 400 naming version",
          status == 400 and error_message(body).startswith("version:"), body)
    status, body = call("GET", "/me", ann)
    check("and the server is still up", status == 200, body)
finally:
    server.close()

report()
