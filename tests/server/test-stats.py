#!/usr/bin/env python3
"""The job overview (GET /jobs/{id}/stats, `quorumctl job stats`) against a
real server filled by `quorumctl demo`: every figure of every demo job is
computed here from the raw API data (the job's tasks, each task with its
timestamps and instances, the consensus scores, the files' gold, the exam
results), the agreement with the ground truth with `quorumctl agreement`
(the core's), and compared with the route's answer. Two draw tasks are held
a few seconds before they are submitted, so that a median time is not zero.
Also: --json is the route's reply, --csv the annotators' table, an unknown
job 404, an annotator 403. Arguments: quorum-server, quorumctl."""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, report  # noqa: E402

SERVER, CTL = sys.argv[1], sys.argv[2]
DONE = ("submitted", "accepted")
HELD_SECONDS = 2.2

server = Server(SERVER)
work = tempfile.mkdtemp(prefix="quorum-stats-")
env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(work, "config"), QUORUM_PWHASH_FAST="1")
for name in ("DBUS_SESSION_BUS_ADDRESS", "QUORUM_SERVER", "QUORUM_TOKEN"):
    env.pop(name, None)
root_url = server.base[:-len("/api/v1")]


def ctl(*args, stdin=None):
    return subprocess.run([CTL] + list(args), input=stdin, text=True, env=env, capture_output=True, timeout=120)


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9


def median(values):
    values = sorted(values)
    n = len(values)
    if n == 0:
        return None
    return float(values[n // 2]) if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2.0


try:
    login = ctl("login", "--server", root_url, "root", stdin="root password\n")
    demo = ctl("demo", "--json")
    check("quorumctl demo fills the server", demo.returncode == 0, demo.stderr)
    demo = json.loads(demo.stdout)
    project = demo["project"]["id"]
    passwords = {a["name"]: a["password"] for a in demo["accounts"]}
    root = server.root
    _, jobs = server.call("GET", "/projects/%d/jobs" % project, root)
    by_name = {j["settings"]["name"]: j for j in jobs}
    merge = by_name["Street scenes — manual merge"]["id"]

    # ann holds two draw tasks of the Manual Merge job a few seconds each
    # before she submits them: with her two demo tasks done at once, her
    # median there is above zero.
    ann = server.login("ann", passwords["ann"])
    for _ in range(2):
        status, held = server.call("POST", "/jobs/%d/next" % merge, ann)
        check("ann takes a draw task of the Manual Merge job", status == 200 and held["kind"] == "draw", held)
        time.sleep(HELD_SECONDS)
        status, body = server.call("POST", "/tasks/%d/submit" % held["id"], ann, {"version": held["version"]})
        check("and submits it %g s later" % HELD_SECONDS, status == 200, body)

    # tom, the trainer, reviews dan's exam and passes him: a decided attempt.
    tom = server.login("tom", passwords["tom"])
    exam = by_name["Street-scene basics"]["id"]
    reviewed = 0
    while True:
        status, review = server.call("POST", "/jobs/%d/next" % exam, tom)
        if status != 200:
            break
        status, body = server.call("POST", "/tasks/%d/accept" % review["id"], tom, {"comments": "fine"})
        reviewed += status == 200
    _, results = server.call("GET", "/jobs/%d/results" % exam, root)
    dan = results["takers"][0]["user"]
    status, body = server.call("POST", "/jobs/%d/results/%d/pass" % (exam, dan), tom)
    check("tom reviews dan's four exam tasks and passes him", reviewed == 4 and status == 204, [reviewed, body])

    def all_scored(job_id):
        _, tasks = server.call("GET", "/jobs/%d/tasks" % job_id, root)
        for t in tasks:
            if t["kind"] == "consensus" and t["state"] in ("available", "assigned", "in_progress"):
                if server.call("GET", "/tasks/%d" % t["id"], root)[1].get("scores") is None:
                    return False
        return True

    # The agreement of a file whose passes are all accepted is computed off the main loop.
    deadline = time.time() + 15
    while not all(all_scored(j["id"]) for j in jobs) and time.time() < deadline:
        time.sleep(0.2)

    gold = {}

    def file_gold(file_id):
        """The file's gold (its existing instances), None when it has none."""
        if file_id not in gold:
            _, record = server.call("GET", "/files/%d" % file_id, root)
            gold[file_id] = None
            if record["has_existing"]:
                status, body = server.call("GET", "/files/%d/existing" % file_id, root)
                assert status == 200, body
                gold[file_id] = body
        return gold[file_id]

    def truth_score(draw, truth, info, threshold):
        sets = []
        for name, instances in (("set", draw["instances"]), ("truth", truth)):
            path = os.path.join(work, "%s-%d.json" % (name, draw["id"]))
            with open(path, "w") as f:
                json.dump({"annotator": name, "file": info, "instances": instances}, f)
            sets.append(path)
        out = ctl("agreement", "--json", "--threshold", repr(threshold), *sets)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)["pairs"][0]["score"]

    for job in jobs:
        job_id = job["id"]
        label = job["settings"]["name"]
        is_exam = job["settings"]["type"] == "exam"
        threshold = job["settings"]["threshold"]
        status, stats = server.call("GET", "/jobs/%d/stats" % job_id, root)
        if not check("%s: the stats answer 200" % label, status == 200, stats):
            continue

        # ---- the raw data ----
        _, listed = server.call("GET", "/jobs/%d/tasks" % job_id, root)
        tasks = {t["id"]: server.call("GET", "/tasks/%d" % t["id"], root)[1] for t in listed}
        _, full_job = server.call("GET", "/jobs/%d" % job_id, root)
        draws = [t for t in tasks.values() if t["kind"] == "draw"]
        consensus = {t["file"]: t for t in tasks.values() if t["kind"] == "consensus"}

        counts = {}
        for t in tasks.values():
            counts.setdefault(t["kind"], {}).setdefault(t["state"], 0)
            counts[t["kind"]][t["state"]] += 1
        check("%s: tasks by kind and state as GET /jobs/{id}/tasks counts them" % label,
              stats["tasks"] == counts, [stats["tasks"], counts])
        _, status_reply = server.call("GET", "/jobs/%d/status" % job_id, root)
        check("%s: … and as GET /jobs/{id}/status gives them" % label, stats["tasks"] == status_reply["tasks"])

        accepted = sum(t["state"] == "accepted" for t in draws)
        fraction = accepted / len(draws) if draws else None
        check("%s: progress %d / %d" % (label, accepted, len(draws)),
              stats["progress"]["accepted"] == accepted and stats["progress"]["passes"] == len(draws)
              and close(stats["progress"]["fraction"], fraction), stats["progress"])

        expected_files = []
        for f in full_job["files"]:
            file_id = f["id"]
            of_file = [t for t in draws if t["file"] == file_id]
            scores = consensus[file_id].get("scores") if file_id in consensus else None
            expected_files.append({"file": file_id, "name": f["name"], "passes": len(of_file),
                                   "passes_done": sum(t["state"] in DONE for t in of_file),
                                   "agreement": scores["agreement"] if scores else None})
        got_files = stats["files"]
        check("%s: per file the passes, passes done and agreement" % label,
              len(got_files) == len(expected_files)
              and all(g["file"] == e["file"] and g["name"] == e["name"] and g["passes"] == e["passes"]
                      and g["passes_done"] == e["passes_done"] and close(g["agreement"], e["agreement"])
                      for g, e in zip(got_files, expected_files)), [got_files, expected_files])

        # ---- per annotator ----
        people = {t["assignee"] for t in draws if t["assignee"] is not None}
        results = {}
        if is_exam:
            _, reply = server.call("GET", "/jobs/%d/results" % job_id, root)
            for attempt in reply["takers"]:
                results.setdefault(attempt["user"], []).append(attempt["decision"])
            people |= set(results)
        expected = {}
        for user in people:
            mine = [t for t in draws if t["assignee"] == user and t["state"] in DONE]
            times = [t["submitted_at"] - t["assigned_at"] for t in mine
                     if t["assigned_at"] is not None and t["submitted_at"] is not None]
            reviewed = accepted_in_review = 0
            for r in tasks.values():
                if r["kind"] != "review" or tasks[r["reviews"]]["assignee"] != user:
                    continue
                if r["state"] == "complete":
                    reviewed += 1
                    accepted_in_review += 1
                elif r["state"] == "waiting" and tasks[r["reviews"]]["state"] == "rejected":
                    reviewed += 1
            pair_scores = []
            for c in consensus.values():
                for pair in (c.get("scores") or {}).get("pairs", []):
                    pair_scores += [pair["score"] for side in ("a", "b") if tasks[pair[side]]["assignee"] == user]
            truth_scores = []
            for t in mine:
                truth = file_gold(t["file"])
                c = consensus.get(t["file"])
                if truth is None and c is not None and c["state"] == "complete":
                    truth = c["instances"]
                if truth is None:
                    continue
                _, info = server.call("GET", "/files/%d" % t["file"], root)
                truth_scores.append(truth_score(t, truth, {k: info[k] for k in ("width", "height", "frames", "fps")},
                                                threshold))
            exam_result = None
            if is_exam and user in results:
                decisions = results[user]
                exam_result = {"attempts": len(decisions),
                               "passed": True if "pass" in decisions else (None if None in decisions else False)}
            expected[user] = {
                "tasks_done": len(mine), "timed_tasks": len(times), "median_seconds": median(times),
                "reviewed": reviewed, "accepted_in_review": accepted_in_review,
                "acceptance_rate": accepted_in_review / reviewed if reviewed else None,
                "scored_pairs": len(pair_scores),
                "agreement_with_others": sum(pair_scores) / len(pair_scores) if pair_scores else None,
                "truth_files": len(truth_scores),
                "agreement_with_truth": sum(truth_scores) / len(truth_scores) if truth_scores else None,
                "exam": exam_result,
            }
        got = {a["user"]: a for a in stats["annotators"]}
        check("%s: the annotators are those who drew (and the exam's takers)" % label,
              set(got) == set(expected), [sorted(got), sorted(expected)])
        for user in sorted(set(got) & set(expected)):
            g, e = got[user], expected[user]
            bad = [k for k, v in e.items()
                   if not (close(g[k], v) if isinstance(v, float) or isinstance(g[k], float) else g[k] == v)]
            check("%s: %s's figures (%s)" % (label, g["name"], ", ".join("%s %s" % (k, json.dumps(e[k]))
                                                                         for k in ("tasks_done", "median_seconds",
                                                                                   "acceptance_rate"))),
                  not bad, {k: (g[k], e[k]) for k in bad})

        if job_id == merge:
            check("the held tasks make ann's median on the Manual Merge job above zero",
                  (got.get(held["assignee"], {}).get("median_seconds") or 0) >= 1, got.get(held["assignee"]))
        if label == "Street scenes — consensus":
            check("the consensus job has acceptance rates 1 and 0, pair scores and ground-truth figures",
                  sorted(a["acceptance_rate"] for a in stats["annotators"] if a["acceptance_rate"] is not None)
                  == [0.0, 1.0, 1.0] and all(a["agreement_with_truth"] is not None and a["agreement_with_others"]
                                             is not None for a in stats["annotators"] if a["tasks_done"] > 0),
                  stats["annotators"])
        if job_id == exam:
            check("the exam's taker: one attempt, passed, four tasks accepted in review, a ground-truth agreement",
                  [(a["user"], a["exam"], a["reviewed"], a["acceptance_rate"]) for a in stats["annotators"]]
                  == [(dan, {"attempts": 1, "passed": True}, 4, 1.0)]
                  and stats["annotators"][0]["agreement_with_truth"] is not None, stats["annotators"])

        # ---- quorumctl ----
        out = ctl("job", "stats", str(job_id), "--json")
        check("%s: quorumctl job stats --json is the route's reply" % label,
              out.returncode == 0 and json.loads(out.stdout) == stats, out.stderr)
        out = ctl("job", "stats", str(job_id), "--csv")
        rows = list(csv.DictReader(io.StringIO(out.stdout, newline="")))

        def cell(value):
            if value is None:
                return ""
            if isinstance(value, bool):
                return "true" if value else "false"
            return value

        def same(text, value):
            value = cell(value)
            if isinstance(value, float):
                return text != "" and abs(float(text) - value) <= 1e-9
            return text == str(value)
        csv_ok = out.returncode == 0 and len(rows) == len(stats["annotators"])
        for row, a in zip(rows, stats["annotators"]):
            flat = dict(a, exam_attempts=(a["exam"] or {}).get("attempts"), exam_passed=(a["exam"] or {}).get("passed"))
            csv_ok = csv_ok and all(same(row[k], flat[k]) for k in row)
        check("%s: quorumctl job stats --csv is the annotators' table" % label, csv_ok, [out.stdout, out.stderr])
        out = ctl("job", "stats", str(job_id))
        check("%s: quorumctl job stats prints a table with the annotators" % label,
              out.returncode == 0 and "Progress: %d of %d draw passes accepted" % (accepted, len(draws)) in out.stdout
              and all(a["name"] in out.stdout for a in stats["annotators"]), out.stdout)

    # ---- who may ask ----
    status, body = server.call("GET", "/jobs/9999/stats", root)
    check("an unknown job: 404 no job 9999", status == 404 and body["error"]["message"] == "no job 9999", body)
    out = ctl("job", "stats", "9999")
    check("quorumctl job stats on an unknown job exits 1 naming it",
          out.returncode == 1 and "no job 9999" in out.stderr, out.stderr)
    status, body = server.call("GET", "/jobs/%d/stats" % merge, ann)
    check("an annotator of the project gets 403", status == 403, body)
    status, body = server.call("GET", "/jobs/%d/stats" % merge, tom)
    check("the trainer (a project admin) gets the overview", status == 200 and body["job"] == merge, body)
    status, body = server.call("POST", "/jobs/%d/apply" % exam, tom)
    check("the trainer applies to the exam", status == 201, body)
    status, body = server.call("GET", "/jobs/%d/stats" % exam, tom)
    check("an exam's taker, a project admin, gets 403 for its overview",
          status == 403 and body["error"]["message"] == "you take this exam; its overview is for its trainers", body)
    out = ctl("job", "stats", str(merge), "--json", "--csv")
    check("--json with --csv is a usage error (exit 2)", out.returncode == 2, out.stderr)
finally:
    server.close()
    subprocess.run(["rm", "-rf", work])
report()
