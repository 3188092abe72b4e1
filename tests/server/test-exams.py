#!/usr/bin/env python3
"""Standing exams and travelling credentials (docs/exams.md) against a real
quorum-server: attempts and retakes, an exam shared to an organization, an
organization's credential opening a client's job in another project,
revocation releasing held work, the taker's own result without gold, and
closing. Prints TAP. Argument: the quorum-server binary."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, error_message, png, report  # noqa: E402

SERVER = sys.argv[1]


GOLD = [{"id": "gold-a", "label": "car", "kind": "box", "points": [[0, 0], [10, 10]]},
        {"id": "gold-b", "label": "car", "kind": "box", "points": [[20, 0], [30, 10]]}]

server = Server(SERVER)
try:
    s = server

    def user(name, org=None):
        status, body = s.call("POST", "/users", s.root, {"name": name, "password": name + "-password"})
        assert status == 201, body
        if org is not None:
            status, _ = s.call("POST", "/orgs/%d/members" % org, s.root, {"user": body["id"]})
            assert status == 204
        return body["id"], s.login(name, name + "-password")

    def member(project, user_id, role):
        status, body = s.call("PUT", "/projects/%d/members/%d" % (project, user_id), s.root, {"role": role})
        assert status == 200, body

    def project(name, org):
        status, body = s.call("POST", "/projects", s.root, {"name": name, "org": org})
        assert status == 201, body
        s.call("PUT", "/projects/%d/labels" % body["id"], s.root,
               {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]})
        return body["id"]

    def upload(project_id, name, shade):
        status, body = s.call("POST", "/projects/%d/files?name=%s" % (project_id, name), s.root,
                              raw=png(40, 20, shade), content_type="image/png")
        assert status == 201, body
        return body["id"]

    def take(token, job, drawn):
        """Draws every exam task the taker holds and submits it."""
        count = 0
        while True:
            status, task = s.call("POST", "/jobs/%d/next" % job, token)
            if status != 200 or task is None:
                return count, task
            status, saved = s.call("PUT", "/tasks/%d/instances" % task["id"], token,
                                   {"version": task["version"], "instances": drawn})
            assert status == 200, saved
            status, body = s.call("POST", "/tasks/%d/submit" % task["id"], token, {"version": saved["version"]})
            assert status == 200, body
            count += 1

    def review_all(token, job):
        count = 0
        while True:
            status, review = s.call("POST", "/jobs/%d/next" % job, token)
            if status != 200 or review is None:
                return count
            status, body = s.call("POST", "/tasks/%d/accept" % review["id"], token, {"comments": "tidy boxes"})
            assert status == 200, body
            count += 1

    status, trainers = s.call("POST", "/orgs", s.root, {"name": "Trainers"})
    status, client = s.call("POST", "/orgs", s.root, {"name": "Client"})
    academy = project("Academy", trainers["id"])
    streets = project("Streets", client["id"])
    exam_files = [upload(academy, "exam-%d.png" % i, 20 + i) for i in range(2)]
    work_file = upload(streets, "work.png", 90)
    for f in exam_files:
        status, body = s.call("PUT", "/files/%d/existing" % f, s.root, {"instances": GOLD})
        assert status == 200, body

    trainer_id, trainer = user("trainer")
    member(academy, trainer_id, "admin")
    reviewer_id, reviewer = user("reviewer")
    member(academy, reviewer_id, "reviewer")
    editor_id, editor = user("editor")
    member(academy, editor_id, "editor")
    ann_id, ann = user("ann")
    member(academy, ann_id, "annotator")
    org_id, olga = user("olga", trainers["id"])       # the training org's member, in no project
    outsider_id, outsider = user("outsider", client["id"])

    # An organization's credential, issued by the training organization.
    status, credential = s.call("POST", "/orgs/%d/credentials" % trainers["id"], s.root,
                                {"name": "Street annotator", "description": "Passed the street exam"})
    check("a server admin creates an organization's credential",
          status == 201 and credential["org"] == trainers["id"] and credential["project"] is None, credential)
    status, body = s.call("POST", "/orgs/%d/credentials" % trainers["id"], trainer, {"name": "Forged"})
    check("a project admin cannot create an organization's credential (403)", status == 403, body)
    status, body = s.call("POST", "/orgs/%d/credentials" % trainers["id"], s.root, {"name": "A/B"})
    check("an organization's credential name cannot hold “/”",
          status == 400 and error_message(body).startswith("name:"), body)
    status, body = s.call("GET", "/orgs/%d/credentials" % trainers["id"], olga)
    check("anyone signed in lists an organization's credentials",
          status == 200 and [c["name"] for c in body] == ["Street annotator"], body)

    status, exam = s.call("POST", "/projects/%d/jobs" % academy, trainer,
                          {"settings": {"name": "Street exam", "type": "exam", "share": "org",
                                        "awarded_credentials": ["Street annotator"], "max_attempts": 2,
                                        "show_answers": True,
                                        "pass_rule": {"min_average_stars": 3, "max_missed": 1}},
                           "files": exam_files})
    check("an exam with attempts and answers is created", status == 201 and exam["settings"]["max_attempts"] == 2
          and exam["settings"]["show_answers"] is True and exam["settings"]["retake_wait"] == 0, exam)
    exam_id = exam["id"]
    status, body = s.call("POST", "/projects/%d/jobs" % academy, trainer,
                          {"settings": {"name": "Bad", "type": "exam", "awarded_credentials": ["X"],
                                        "max_attempts": 0}, "files": exam_files})
    check("max_attempts 0 is refused naming the field",
          status == 400 and "max_attempts" in error_message(body), body)
    status, body = s.call("POST", "/jobs/%d/launch" % exam_id, trainer)
    assert status == 200, body

    status, job = s.call("POST", "/projects/%d/jobs" % streets, s.root,
                         {"settings": {"name": "Client work", "share": "project",
                                       "required_credentials": ["Trainers/Street annotator"]},
                          "files": [work_file]})
    s.call("POST", "/jobs/%d/launch" % job["id"], s.root)
    client_job = job["id"]
    member(streets, org_id, "annotator")

    # The catalogue.
    status, body = s.call("GET", "/exams", olga)
    mine = [e for e in body if e["id"] == exam_id] if status == 200 else []
    check("an org member outside the exam's project finds the org-shared exam in the catalogue",
          len(mine) == 1 and mine[0]["awards"] == ["Street annotator"] and mine[0]["can_apply"] is True
          and mine[0]["attempts"] == [] and mine[0]["pass_rule"]["min_average_stars"] == 3, body)
    status, body = s.call("GET", "/exams", outsider)
    check("a member of another organization does not", status == 200 and body == [], body)

    # First attempt: ann, a project member.
    status, first = s.call("POST", "/jobs/%d/apply" % exam_id, ann)
    check("apply answers the attempt and its number", status == 201 and first["number"] == 1 and first["tasks"] == 4,
          first)
    status, rows = s.call("GET", "/me/tasks", ann)
    check("the taker's task list marks the exam's tasks with job_type",
          status == 200 and len(rows) == 2 and all(r.get("job_type") == "exam" and r["job"] == exam_id for r in rows),
          rows)
    status, view = s.call("GET", "/tasks/%d" % rows[0]["id"], ann)
    check("an exam task's view names the job type and carries the exam's pass rule",
          status == 200 and view.get("job_type") == "exam"
          and view.get("pass_rule") == {"min_average_stars": 3, "max_missed": 1}, view)
    drawn = [{"id": "mine-1", "label": "car", "kind": "box", "points": [[0, 0], [10, 10]]}]
    count, _ = take(ann, exam_id, drawn)
    status, catalogue = s.call("GET", "/exams", ann)
    entry = [e for e in catalogue if e["id"] == exam_id][0]
    check("after the last submit the attempt waits for review",
          count == 2 and entry["attempts"][0]["state"] == "submitted" and entry["can_apply"] is False
          and "not decided" in entry["why_not"], entry)
    status, body = s.call("POST", "/jobs/%d/attempts/%d/pass" % (exam_id, first["attempt"]), trainer)
    check("an attempt cannot be decided before its review (422)", status == 422, body)
    check("the reviewer reviews both tasks", review_all(reviewer, exam_id) == 2)
    status, result = s.call("GET", "/attempts/%d" % first["attempt"], ann)
    check("the taker's result: stars on their instances, missed count, comments, no gold before the decision",
          status == 200 and result["state"] == "reviewed" and result["missed"] == 2
          and result["tasks"][0]["stars"] == {"mine-1": 5} and result["tasks"][0]["comments"] == "tidy boxes"
          and result["shows_answers"] is False and "gold-" not in json.dumps(result), result)
    status, body = s.call("POST", "/jobs/%d/attempts/%d/pass" % (exam_id, first["attempt"]), editor)
    check("an editor cannot pass (it grants credentials: project admins only, 403)", status == 403, body)
    status, body = s.call("POST", "/jobs/%d/attempts/%d/pass" % (exam_id, first["attempt"]), trainer)
    check("the trainer passes attempt 1", status == 204, body)
    status, body = s.call("POST", "/jobs/%d/attempts/%d/fail" % (exam_id, first["attempt"]), trainer)
    check("a decided attempt is not decided again (422)", status == 422 and "decided already" in error_message(body),
          body)
    status, result = s.call("GET", "/attempts/%d" % first["attempt"], ann)
    check("once decided, an exam that shows answers shows the gold",
          status == 200 and result["state"] == "passed" and [g["id"] for g in result["tasks"][0]["gold"]] == ["gold-a", "gold-b"], result)

    # The exam stays open: a second person and a retake.
    status, second = s.call("POST", "/jobs/%d/apply" % exam_id, olga)
    check("after a pass the exam still takes a second person, through the org share",
          status == 201 and second["number"] == 1, second)
    status, body = s.call("GET", "/attempts/%d" % second["attempt"], ann)
    check("another taker's attempt is 404", status == 404, body)
    status, retake = s.call("POST", "/jobs/%d/apply" % exam_id, ann)
    check("a retake is attempt 2", status == 201 and retake["number"] == 2, retake)
    status, body = s.call("POST", "/jobs/%d/apply" % exam_id, ann)
    check("no second open attempt (409)", status == 409 and "not decided yet" in error_message(body), body)
    take(olga, exam_id, drawn)
    take(ann, exam_id, [])
    review_all(reviewer, exam_id)
    status, results_body = s.call("GET", "/jobs/%d/results" % exam_id, trainer)
    rows = results_body.get("takers", []) if status == 200 else []
    check("results list every attempt with its number and decision",
          [(r["name"], r["number"], r["decision"]) for r in rows] ==
          [("ann", 1, "pass"), ("olga", 1, None), ("ann", 2, None)], results_body)
    check("attempt figures are per attempt (ann's empty retake missed 4, meets no rule)",
          rows[2]["missed"] == 4 and rows[2]["meets_pass_rule"] is False and rows[0]["missed"] == 2, rows)
    status, body = s.call("POST", "/jobs/%d/attempts/%d/fail" % (exam_id, retake["attempt"]), trainer)
    check("the trainer fails the retake", status == 204, body)
    status, body = s.call("POST", "/jobs/%d/apply" % exam_id, ann)
    check("past max_attempts apply is refused (422)", status == 422 and "max_attempts" in error_message(body), body)
    status, catalogue = s.call("GET", "/exams", ann)
    entry = [e for e in catalogue if e["id"] == exam_id][0]
    check("the catalogue shows both attempts and why no third",
          [a["state"] for a in entry["attempts"]] == ["passed", "failed"] and entry["can_apply"] is False
          and "all 2 attempts" in entry["why_not"], entry)

    # The organization's credential opens the client's job in another project.
    status, body = s.call("POST", "/jobs/%d/next" % client_job, olga)
    check("before passing, the client's job refuses the org member (403, naming the credential)",
          status == 403 and "Trainers/Street annotator" in error_message(body), body)
    status, body = s.call("POST", "/jobs/%d/attempts/%d/pass" % (exam_id, second["attempt"]), olga)
    check("a taker cannot decide an attempt (403 or 404)", status in (403, 404), body)
    status, body = s.call("POST", "/jobs/%d/results/%d/pass" % (exam_id, org_id), trainer)
    check("the trainer passes olga (by user: her latest attempt)", status == 204, body)
    status, held = s.call("GET", "/users/%d/credentials" % org_id, olga)
    check("olga holds the training organization's credential",
          status == 200 and [(c["name"], c["org_name"]) for c in held] == [("Street annotator", "Trainers")], held)
    status, task = s.call("POST", "/jobs/%d/next" % client_job, olga)
    check("the credential opens the client's job in another project", status == 200 and task["kind"] == "draw", task)
    status, view = s.call("GET", "/tasks/%d" % task["id"], olga)
    check("a normal job's task view says so and has no pass rule",
          status == 200 and view.get("job_type") == "normal" and "pass_rule" not in view, view)
    status, rows = s.call("GET", "/me/tasks", olga)
    check("and so does the task list", status == 200 and [r.get("job_type") for r in rows if r["id"] == task["id"]] == ["normal"],
          rows)
    status, body = s.call("DELETE", "/credentials/%d/grants/%d" % (credential["id"], org_id), trainer)
    check("a project admin cannot revoke an organization's credential (403)", status == 403, body)
    status, body = s.call("DELETE", "/credentials/%d/grants/%d" % (credential["id"], org_id), s.root)
    check("the admin revokes it", status == 204, body)
    status, body = s.call("GET", "/tasks/%d" % task["id"], s.root)
    check("revoking released the task she held at once",
          status == 200 and body["state"] == "available" and body["assignee"] is None, body)
    status, body = s.call("POST", "/jobs/%d/next" % client_job, olga)
    check("and the job refuses her again", status == 403, body)

    # Closing.
    status, body = s.call("POST", "/jobs/%d/close" % exam_id, ann)
    check("an annotator cannot close an exam (403)", status == 403, body)
    status, body = s.call("POST", "/jobs/%d/close" % exam_id, trainer)
    check("the owner closes the exam", status == 204, body)
    status, body = s.call("POST", "/jobs/%d/apply" % exam_id, outsider)
    check("a closed exam reached by nobody new is 404 to outsiders", status == 404, body)
    _, late = user("late")
    member(academy, _, "annotator")
    status, body = s.call("POST", "/jobs/%d/apply" % exam_id, late)
    check("a closed exam takes no new attempt (422)", status == 422 and "closed" in error_message(body), body)
    status, body = s.call("GET", "/exams", late)
    check("and leaves the catalogue", status == 200 and all(e["id"] != exam_id for e in body), body)
    status, body = s.call("GET", "/jobs/%d/results" % exam_id, trainer)
    check("its results stay readable", status == 200 and len(body["takers"]) == 3, body)
finally:
    server.close()

report()
