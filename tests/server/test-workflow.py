#!/usr/bin/env python3
"""The task workflow of DESIGN §2 against a real quorum-server process:
jobs, launch, assignment, saving with versions, submit, review, consensus
opening. Prints TAP. Argument: the quorum-server binary."""
import json
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, error_message, png, report  # noqa: E402

SERVER = sys.argv[1]


def settings(name, passes, review_frequency, **extra):
    value = {"name": name, "passes_per_file": passes, "review_frequency": review_frequency}
    value.update(extra)
    return value


server = Server(SERVER)
try:
    s = server
    s.call("POST", "/projects", s.root, {"name": "Streets"})
    s.call("PUT", "/projects/1/labels", s.root,
           {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]})
    files = []
    for i in range(12):
        status, body = s.call("POST", "/projects/1/files?name=street-%02d.png" % i, s.root,
                              raw=png(32, 24, 10 + 20 * i), content_type="image/png")
        assert status == 201, body
        files.append(body["id"])
    annotators = [s.user(n, "annotator") for n in ("ann", "ben", "cat", "dan")]
    reviewer_id, reviewer = s.user("rev", "reviewer")
    outsider_id, outsider = s.user("out", "viewer")

    # Bad settings are refused with the field named, and nothing is created.
    status, body = s.call("POST", "/projects/1/jobs", s.root, {"settings": settings("bad", 0, 1), "files": files})
    check("P = 0 is refused naming passes_per_file", status == 400 and "passes_per_file" in error_message(body), body)
    status, body = s.call("POST", "/projects/1/jobs", s.root, {"settings": settings("bad", 1, 1), "files": [999]})
    check("an unknown file is refused naming it", status == 400 and error_message(body).startswith("files[0]: no file 999"), body)
    status, body = s.call("POST", "/projects/1/jobs", annotators[0][1], {"settings": settings("mine", 1, 0), "files": files})
    check("an annotator cannot create a job", status == 403, body)
    status, jobs = s.call("GET", "/projects/1/jobs", s.root)
    check("refused jobs left nothing behind", jobs == [], jobs)

    # One file, P 3, R 3: three draws, a review of the third, a consensus task.
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": settings("Consensus", 3, 3), "files": [files[0]]})
    check("a job is created as a draft", status == 201 and job["state"] == "draft", job)
    job_id = job["id"]
    status, body = s.call("POST", "/jobs/%d/next" % job_id, annotators[0][1])
    check("a draft job gives no work (422)", status == 422, body)
    status, job = s.call("POST", "/jobs/%d/launch" % job_id, s.root)
    check("launch moves the job to launched", status == 200 and job["state"] == "launched", job)
    status, body = s.call("POST", "/jobs/%d/launch" % job_id, s.root)
    check("a second launch is refused (422)", status == 422, body)
    status, body = s.call("PUT", "/jobs/%d/files" % job_id, s.root, {"add": files[1:]})
    check("files cannot change after launch (422)", status == 422, body)
    status, st = s.call("GET", "/jobs/%d/status" % job_id, s.root)
    check("status counts 3 draws, 1 review, 1 consensus",
          st["tasks"] == {"consensus": {"waiting": 1}, "draw": {"available": 3}, "review": {"waiting": 1}}, st)

    # Assignment: one person never draws two passes of a file.
    ann_id, ann = annotators[0]
    status, first = s.call("POST", "/jobs/%d/next" % job_id, ann)
    check("next gives a draw task", status == 200 and first["kind"] == "draw" and first["pass"] == 1, first)
    check("the task view has the file, labels and no gold",
          first["file_info"]["id"] == files[0] and first["labels"]["labels"][0]["name"] == "car"
          and "existing" not in first["file_info"], first)
    status, again = s.call("POST", "/jobs/%d/next" % job_id, ann)
    check("asking again gives the same unfinished task", again["id"] == first["id"], again)

    draw_ids = {}
    draw_ids["ann"] = first["id"]
    for name, (uid, token) in zip(("ben", "cat"), annotators[1:3]):
        status, task = s.call("POST", "/jobs/%d/next" % job_id, token)
        draw_ids[name] = task["id"]
    check("three annotators get three different passes", len(set(draw_ids.values())) == 3, draw_ids)
    status, body = s.call("POST", "/jobs/%d/next" % job_id, annotators[3][1])
    check("a fourth annotator gets nothing (204): never more than P", status == 204, body)

    # Annotators read the files of their own tasks only.
    status, body = s.call("GET", "/files/%d" % files[0], ann)
    check("an annotator reads the file of their task", status == 200 and body["id"] == files[0], body)
    status, body = s.call("GET", "/files/%d" % files[5], ann)
    check("an annotator cannot read a file of no task of theirs (404)", status == 404, body)

    # Blind: an annotator cannot read another's task.
    status, body = s.call("GET", "/tasks/%d" % draw_ids["ben"], ann)
    check("another annotator's task is not found (404)", status == 404, body)
    status, body = s.call("GET", "/tasks/%d" % draw_ids["ben"], outsider)
    check("a viewer cannot read a task either", status == 404, body)

    # Saving with versions.
    box = {"id": "b1", "label": "car", "kind": "box", "points": [[10, 10], [40, 30]]}
    version = first["version"]
    status, saved = s.call("PUT", "/tasks/%d/instances" % first["id"], ann, {"version": version, "instances": [box]})
    check("a save returns the next version", status == 200 and saved["version"] == version + 1, saved)
    check("the server records the author", saved["instances"][0]["author"] == "ann", saved)
    status, body = s.call("PUT", "/tasks/%d/instances" % first["id"], ann, {"version": version, "instances": []})
    check("a stale version gets 409 with the current version",
          status == 409 and body["error"]["version"] == version + 1, body)
    status, body = s.call("PUT", "/tasks/%d/instances" % first["id"], ann,
                          {"version": version + 1, "instances": [dict(box, label="truck")]})
    check("an unknown label is refused naming the instance",
          status == 400 and error_message(body).startswith("instances[0].label"), body)
    status, body = s.call("PUT", "/tasks/%d/instances" % first["id"], ann,
                          {"version": version + 1, "instances": [dict(box, points=[[1, 1]])]})
    check("a box with one point is refused", status == 400 and "points" in error_message(body), body)
    status, body = s.call("PUT", "/tasks/%d/instances" % first["id"], annotators[1][1],
                          {"version": version + 1, "instances": []})
    check("someone else's task cannot be saved (404)", status == 404, body)
    status, task = s.call("GET", "/tasks/%d" % first["id"], ann)
    check("failed saves changed nothing", task["version"] == version + 1 and task["instances"][0]["id"] == "b1", task)

    # Submit: passes 1 and 2 have no review and are accepted on submit.
    versions = {}
    for name, token in (("ann", ann), ("ben", annotators[1][1]), ("cat", annotators[2][1])):
        status, task = s.call("GET", "/tasks/%d" % draw_ids[name], token)
        if name != "ann":
            status, task = s.call("PUT", "/tasks/%d/instances" % draw_ids[name], token,
                                  {"version": task["version"], "instances": [dict(box, id=name + "1")]})
        versions[name] = task["version"]
    status, submitted = s.call("POST", "/tasks/%d/submit" % draw_ids["ann"], ann, {"version": versions["ann"]})
    check("pass 1 (no review) is accepted on submit", status == 200 and submitted["state"] == "accepted", submitted)
    status, body = s.call("POST", "/tasks/%d/submit" % draw_ids["ann"], ann, {"version": submitted["version"]})
    check("submitting twice is refused (422)", status == 422, body)
    status, body = s.call("POST", "/tasks/%d/submit" % draw_ids["ben"], annotators[1][1], {"version": versions["ben"]})
    status, body = s.call("POST", "/tasks/%d/submit" % draw_ids["cat"], annotators[2][1], {"version": versions["cat"]})
    check("pass 3 (k = 3, reviewed) waits for its review", status == 200 and body["state"] == "submitted", body)

    # Review: never by its annotator, even one who may review; reviewers see
    # the draw's instances.
    for uid, _ in annotators[:3]:
        s.call("PUT", "/projects/1/members/%d" % uid, s.root, {"role": "reviewer"})
    status, body = s.call("POST", "/jobs/%d/next" % job_id, annotators[2][1])
    check("the annotator of draw 3 is not given its review", status == 204, body)
    status, review = s.call("POST", "/jobs/%d/next" % job_id, reviewer)
    check("the reviewer gets the review task", status == 200 and review["kind"] == "review", review)
    check("the review shows the draw's instances", review["draw"]["instances"][0]["id"] == "cat1", review)
    status, body = s.call("POST", "/tasks/%d/reject" % review["id"], reviewer, {})
    check("rejecting without comments is refused", status == 400 and "comments" in error_message(body), body)
    status, body = s.call("POST", "/tasks/%d/reject" % review["id"], reviewer, {"comments": "the car is cut off"})
    check("reject returns the draw to its annotator", status == 200, body)
    status, back = s.call("POST", "/jobs/%d/next" % job_id, annotators[2][1])
    check("the annotator gets the rejected task back with comments",
          status == 200 and back["id"] == draw_ids["cat"] and back["state"] == "rejected"
          and back["comments"] == "the car is cut off", back)
    status, body = s.call("POST", "/tasks/%d/submit" % draw_ids["cat"], annotators[2][1], {"version": back["version"]})
    status, again = s.call("POST", "/jobs/%d/next" % job_id, reviewer)
    check("the resubmission goes back to the same reviewer", again and again["id"] == review["id"], again)
    status, st = s.call("GET", "/jobs/%d/status" % job_id, s.root)
    check("the consensus task still waits", st["tasks"]["consensus"] == {"waiting": 1}, st)
    status, body = s.call("POST", "/tasks/%d/accept" % review["id"], reviewer, {})
    check("accept completes the review", status == 200 and body["state"] == "complete", body)
    status, st = s.call("GET", "/jobs/%d/status" % job_id, s.root)
    check("all passes accepted: the consensus task is available",
          st["tasks"]["consensus"] == {"available": 1} and st["tasks"]["draw"] == {"accepted": 3}, st)

    # Consensus: none of the file's annotators; the reviewer sees every pass.
    status, body = s.call("POST", "/jobs/%d/next" % job_id, ann)
    check("an annotator of the file is not given its consensus task", status == 204, body)
    status, consensus = s.call("POST", "/jobs/%d/next" % job_id, reviewer)
    check("the reviewer gets the consensus task with all three passes",
          status == 200 and consensus["kind"] == "consensus" and len(consensus["passes"]) == 3
          and sorted(p["annotator"] for p in consensus["passes"]) == ["ann", "ben", "cat"], consensus)

    # The agreement is computed off the main loop once all passes are in.
    import time
    deadline = time.time() + 10
    while time.time() < deadline:
        status, consensus = s.call("GET", "/tasks/%d" % consensus["id"], reviewer)
        if consensus.get("scores"):
            break
        time.sleep(0.05)
    scores = consensus.get("scores") or {}
    check("the consensus task carries the agreement of the passes",
          scores.get("agreement") == 1.0 and len(scores.get("pairs", [])) == 3
          and all(p["score"] == 1.0 and p["matched"] == 1 for p in scores["pairs"]), scores)
    check("all equal: the best version is the earliest submitted (ann's)",
          scores.get("best") == draw_ids["ann"], scores)
    check("Best Annotator starts from the best version, copied_from kept",
          len(consensus["instances"]) == 1 and consensus["instances"][0]["copied_from"] == "b1"
          and consensus["instances"][0]["id"] != "b1", consensus["instances"])
    status, body = s.call("POST", "/tasks/%d/accept" % consensus["id"], reviewer, {})
    check("accepting the consensus completes it", status == 200 and body["state"] == "complete", body)
    status, job = s.call("GET", "/jobs/%d" % job_id, s.root)
    check("with every task done the job is complete", job["state"] == "complete", job)

    # Export: every version with scores and the winner, or the outputs as COCO.
    status, export = s.call("GET", "/jobs/%d/export?format=quorum&versions=all" % job_id, s.root)
    exported = export["files"][0] if status == 200 and export["files"] else {}
    check("the Quorum export has every version, the scores and the winner",
          len(exported.get("versions", [])) == 3 and exported.get("agreement") == 1.0
          and exported.get("best") == draw_ids["ann"] and len(exported["scores"]["pairs"]) == 3
          and len(exported.get("output") or []) == 1, export)
    status, export = s.call("GET", "/jobs/%d/export?format=quorum&versions=best" % job_id, s.root)
    check("versions=best leaves the other versions out",
          status == 200 and "versions" not in export["files"][0] and len(export["files"][0]["output"]) == 1, export)
    status, coco = s.call("GET", "/jobs/%d/export?format=coco" % job_id, s.root)
    check("the COCO export holds the file's output",
          status == 200 and len(coco["images"]) == 1 and len(coco["annotations"]) == 1
          and coco["annotations"][0]["bbox"] == [10, 10, 30, 20]
          and coco["categories"][0]["name"] == "car", coco)
    status, body = s.call("GET", "/jobs/%d/export?format=xml" % job_id, s.root)
    check("an unknown export format is refused naming it", status == 400 and error_message(body).startswith("format"), body)
    status, body = s.call("GET", "/jobs/%d/export" % job_id, ann)
    check("an annotator cannot export (403)", status == 403, body)

    # Rejecting a consensus task sends the file back to all its annotators.
    status, job4 = s.call("POST", "/projects/1/jobs", s.root,
                          {"settings": settings("Merge", 2, 0, consensus="manual_merge"), "files": [files[11]]})
    s.call("POST", "/jobs/%d/launch" % job4["id"], s.root)
    drawn = {}
    for name, (uid, token) in zip(("ann", "ben"), annotators[:2]):
        status, task = s.call("POST", "/jobs/%d/next" % job4["id"], token)
        status, task = s.call("POST", "/tasks/%d/submit" % task["id"], token, {"version": task["version"]})
        drawn[name] = task["id"]
    status, merge = s.call("POST", "/jobs/%d/next" % job4["id"], reviewer)
    check("P 2 without review: consensus opens once both are submitted",
          status == 200 and merge["kind"] == "consensus", merge)
    status, body = s.call("POST", "/tasks/%d/reject" % merge["id"], reviewer, {"comments": "label the bus too"})
    status, st = s.call("GET", "/jobs/%d/status" % job4["id"], s.root)
    check("a rejected consensus returns every pass", st["tasks"]["draw"] == {"rejected": 2}
          and st["tasks"]["consensus"] == {"waiting": 1}, st)
    status, back = s.call("POST", "/jobs/%d/next" % job4["id"], annotators[1][1])
    check("each annotator gets their pass back with the comments",
          back["id"] == drawn["ben"] and back["comments"] == "label the bus too", back)

    # An exam: apply, draw, review against the gold, pass; the credential
    # then opens a job that requires it.
    gold = {0: [{"id": "gold-a", "label": "car", "kind": "box", "points": [[0, 0], [10, 10]]},
                {"id": "gold-b", "label": "car", "kind": "box", "points": [[20, 0], [30, 10]]}],
            1: [{"id": "gold-c", "label": "car", "kind": "box", "points": [[5, 5], [15, 15]]}]}
    for index, instances in gold.items():
        status, body = s.call("PUT", "/files/%d/existing" % files[index], s.root, {"instances": instances})
        assert status == 200, body
    status, body = s.call("PUT", "/files/%d/existing" % files[2], s.root,
                          {"instances": [{"id": "x", "label": "bus", "kind": "box", "points": [[0, 0], [1, 1]]}]})
    check("existing instances are validated against the labels", status == 400, body)
    status, exam = s.call("POST", "/projects/1/jobs", s.root,
                          {"settings": settings("Car exam", 1, 0, type="exam", awarded_credentials=["Car expert"],
                                                pass_rule={"min_average_stars": 3.5, "max_missed": 1}),
                           "files": files[:2]})
    check("an exam job is created", status == 201, exam)
    status, exam = s.call("POST", "/jobs/%d/launch" % exam["id"], s.root)
    status, st = s.call("GET", "/jobs/%d/status" % exam["id"], s.root)
    check("a launched exam has no tasks until someone applies", st["tasks"] == {}, st)
    taker_id, taker = s.user("dana", "annotator")
    taker_replies = []
    status, body = s.call("POST", "/jobs/%d/apply" % exam["id"], taker)
    check("applying makes the taker's own instance of the exam", status == 201 and body["tasks"] == 4, body)
    status, body = s.call("POST", "/jobs/%d/apply" % exam["id"], taker)
    check("applying twice is refused (409)", status == 409, body)
    done = []
    while True:
        status, task = s.call("POST", "/jobs/%d/next" % exam["id"], taker)
        taker_replies.append(task)
        if status != 200:
            break
        # the candidate finds gold-a exactly, half of gold-c, and misses gold-b
        drawn = ([{"id": "mine-1", "label": "car", "kind": "box", "points": [[0, 0], [10, 10]]}]
                 if task["file"] == files[0] else
                 [{"id": "mine-2", "label": "car", "kind": "box", "points": [[5, 5], [15, 12]]}])
        status, saved = s.call("PUT", "/tasks/%d/instances" % task["id"], taker, {"version": task["version"], "instances": drawn})
        taker_replies.append(saved)
        status, submitted = s.call("POST", "/tasks/%d/submit" % task["id"], taker, {"version": saved["version"]})
        taker_replies.append(submitted)
        done.append(task["id"])
    check("the taker draws both files", len(done) == 2, done)
    check("an exam taker never receives a gold instance",
          all("gold-" not in json.dumps(reply) for reply in taker_replies), taker_replies)
    ratings = []
    while True:
        status, review = s.call("POST", "/jobs/%d/next" % exam["id"], reviewer)
        if status != 200:
            break
        ratings.append(review)
        if review["file"] == files[0]:
            check("the exam review shows the gold and suggestions",
                  len(review["gold"]) == 2 and review["suggested"]["stars"] == {"mine-1": 5}
                  and review["suggested"]["missing"] == ["gold-b"], review)
            status, body = s.call("PUT", "/tasks/%d/rating" % review["id"], reviewer,
                                  {"stars": {"mine-1": 4}, "missing": ["gold-b"]})
            check("the reviewer changes a suggested rating", status == 200 and body["stars"] == {"mine-1": 4}, body)
            status, body = s.call("PUT", "/tasks/%d/rating" % review["id"], reviewer,
                                  {"stars": {"mine-1": 9}, "missing": []})
            check("stars outside 1–5 are refused", status == 400 and "stars.mine-1" in error_message(body), body)
        else:
            # IoU of [5,15]x[5,12] with [5,15]x[5,15] is 0.7: suggested 3 stars
            check("suggested stars follow the similarity bands", review["suggested"]["stars"] == {"mine-2": 3},
                  review["suggested"])
        status, body = s.call("POST", "/tasks/%d/accept" % review["id"], reviewer, {})
    check("both exam tasks were reviewed", len(ratings) == 2, len(ratings))
    status, outcome = s.call("GET", "/jobs/%d/results" % exam["id"], s.root)
    dana = [t for t in outcome["takers"] if t["name"] == "dana"][0] if status == 200 else {}
    check("results: average stars (4 + 3) / 2, one missed, pass rule met",
          dana.get("average_stars") == 3.5 and dana.get("missed") == 1 and dana.get("meets_pass_rule") is True
          and dana.get("decision") is None, outcome)
    status, requires = s.call("POST", "/projects/1/jobs", s.root,
                              {"settings": settings("Experts only", 1, 0, required_credentials=["Car expert"]),
                               "files": files[:1]})
    s.call("POST", "/jobs/%d/launch" % requires["id"], s.root)
    status, body = s.call("POST", "/jobs/%d/next" % requires["id"], taker)
    check("before passing, the job requiring the credential refuses the taker", status == 403, body)
    status, body = s.call("POST", "/jobs/%d/results/%d/pass" % (exam["id"], taker_id), s.root)
    check("the trainer passes the taker", status == 204, body)
    status, body = s.call("POST", "/jobs/%d/next" % requires["id"], taker)
    check("passing granted the credential: the job now gives work", status == 200, body)
    status, outcome = s.call("GET", "/jobs/%d/results" % exam["id"], s.root)
    check("the decision is recorded", outcome["takers"][0]["decision"] == "pass", outcome)

    # Ten files, P 1, R 3: reviews of draws 3, 6, 9 (DESIGN §2).
    status, job2 = s.call("POST", "/projects/1/jobs", s.root, {"settings": settings("Reviewed", 1, 3), "files": files[:10]})
    status, job2 = s.call("POST", "/jobs/%d/launch" % job2["id"], s.root)
    status, st = s.call("GET", "/jobs/%d/status" % job2["id"], s.root)
    check("10 files, P 1, R 3: 10 draws and 3 reviews",
          st["tasks"] == {"draw": {"available": 10}, "review": {"waiting": 3}}, st)

    # Concurrent requests never get the same task.
    got = []
    lock = threading.Lock()

    def grab(token):
        status, task = s.call("POST", "/jobs/%d/next" % job2["id"], token)
        with lock:
            got.append(task["id"] if status == 200 else None)

    threads = [threading.Thread(target=grab, args=(t,)) for _, t in annotators]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check("four concurrent annotators get four different tasks",
          None not in got and len(set(got)) == 4, got)

    # Required credentials.
    status, credential = s.call("POST", "/projects/1/credentials", s.root, {"name": "Radiologist"})
    status, job3 = s.call("POST", "/projects/1/jobs", s.root,
                          {"settings": settings("Experts", 1, 0, required_credentials=["Radiologist"]),
                           "files": files[:1]})
    s.call("POST", "/jobs/%d/launch" % job3["id"], s.root)
    status, body = s.call("POST", "/jobs/%d/next" % job3["id"], ann)
    check("a job requiring a credential refuses those without it",
          status == 403 and "Radiologist" in error_message(body), body)
    s.call("POST", "/credentials/%d/grants" % credential["id"], s.root, {"user": ann_id})
    status, body = s.call("POST", "/jobs/%d/next" % job3["id"], ann)
    check("with the credential granted, work is given", status == 200, body)
    status, body = s.call("POST", "/jobs/%d/cancel" % job3["id"], s.root)
    check("a launched job can be cancelled", status == 200 and body["state"] == "cancelled", body)
    status, body = s.call("POST", "/jobs/%d/next" % job3["id"], ann)
    check("a cancelled job gives no work (422)", status == 422, body)
finally:
    server.close()

report()
