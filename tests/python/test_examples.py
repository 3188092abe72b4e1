"""Each example of examples/python runs end to end against a real server;
what it did is checked through the HTTP API, not through the library."""
import json
import os
import subprocess
import time

from conftest import BUILD_ROOT, png, run_example

BOX_A = {"label": "car", "kind": "box", "points": [[2, 2], [14, 12]]}
BOX_FAR = {"label": "car", "kind": "box", "points": [[20, 14], [30, 22]]}


def upload(server, name, shade):
    status, body = server.call("POST", "/projects/1/files?name=%s" % name, server.root,
                               raw=png(32, 24, shade), content_type="image/png")
    assert status in (200, 201), body
    return body["id"]


def test_upload_and_launch(server, tmp_path):
    folder = tmp_path / "street"
    folder.mkdir()
    names = ["b-corner.png", "a-crossing.png", "c-bridge.png"]
    for shade, name in enumerate(names):
        (folder / name).write_bytes(png(32, 24, 100 + shade))
    (folder / "notes.txt").write_text("not an image")
    (folder / ".hidden.png").write_bytes(png(32, 24, 99))
    guide = tmp_path / "guide.md"
    guide.write_text("# Cars\n\nA box around every car, tight to its edges.\n")

    status, result, stderr = run_example(server, "upload-and-launch.py", "--project", 1, "--folder", folder,
                                         "--guide-name", "Cars", "--guide", guide, "--job-name", "Street batch",
                                         "--passes", 2, token=server.root)
    assert status == 0, stderr
    assert server.root not in stderr

    code, job = server.call("GET", "/jobs/%d" % result["job"], server.root)
    assert code == 200 and job["state"] == "launched" and result["state"] == "launched"
    assert [f["name"] for f in job["files"]] == sorted(names), "the folder's images, in name order"
    assert job["settings"]["passes_per_file"] == 2
    assert job["guides"]["draw"]["id"] == result["guide"]
    code, guide_body = server.call("GET", "/guides/%d" % result["guide"], server.root)
    assert guide_body["markdown"] == guide.read_text() and guide_body["name"] == "Cars"
    code, files = server.call("GET", "/projects/1/files", server.root)
    assert sorted(f["name"] for f in files) == sorted(names), "no text or hidden file was uploaded"
    assert sorted(f["id"] for f in files) == sorted(result["files"])
    code, st = server.call("GET", "/jobs/%d/status" % result["job"], server.root)
    assert st["tasks"]["draw"] == {"available": 6}

    # The same folder again: the server answers the files it has.
    status, again, stderr = run_example(server, "upload-and-launch.py", "--project", 1, "--folder", folder,
                                        "--guide-name", "Cars 2", "--guide", guide, "--job-name", "Again",
                                        token=server.root)
    assert status == 0, stderr
    assert again["files"] == result["files"] and stderr.count("had ") == 3
    code, files = server.call("GET", "/projects/1/files", server.root)
    assert len(files) == 3


def test_upload_and_launch_refuses_a_missing_guide_file(server, tmp_path):
    status, result, stderr = run_example(server, "upload-and-launch.py", "--project", 1, "--folder", tmp_path,
                                         "--guide-name", "G", "--guide", tmp_path / "none.md",
                                         "--job-name", "J", token=server.root)
    assert status == 2 and "--guide:" in stderr and result is None


def test_upload_and_launch_reports_the_servers_message(server, tmp_path):
    (tmp_path / "x.png").write_bytes(png(8, 8, 1))
    guide = tmp_path / "g.md"
    guide.write_text("text")
    status, result, stderr = run_example(server, "upload-and-launch.py", "--project", 999, "--folder", tmp_path,
                                         "--guide-name", "G", "--guide", guide, "--job-name", "J", token=server.root)
    code, body = server.call("POST", "/projects/999/files?name=x.png", server.root, raw=png(8, 8, 1),
                             content_type="image/png")
    assert code == 404
    assert status == 1 and body["error"]["message"] in stderr and "(not-found)" in stderr


def test_sign_in_with_password_on_stdin(server):
    server.user("ed", "editor")
    status, result, stderr = run_example(server, "consensus.py", "--user", "ed", "--password-stdin",
                                         "--project", 1, "--job-name", "Signed in", "--files", 1,
                                         stdin="ed-password\n")
    assert status == 0, stderr
    code, job = server.call("GET", "/jobs/%d" % result["job"], server.root)
    assert code == 200 and job["settings"]["name"] == "Signed in"
    status, result, stderr = run_example(server, "consensus.py", "--user", "ed", "--password-stdin",
                                         "--project", 1, "--job-name", "Wrong", stdin="not-it\n")
    assert status == 1 and "wrong user name or password" in stderr and "(unauthorized)" in stderr


def test_the_sign_in_quorumctl_login_stored(server, tmp_path):
    """Without --token or --user, the token `quorumctl login` stored for the
    server (the credentials file: the tests set QUORUM_CREDENTIALS_STORE=file)."""
    address = server.base[len("http://"):-len("/api/v1")]
    status, result, stderr = run_example(server, "consensus.py", "--project", 1, "--job-name", "Nobody",
                                         config=tmp_path)
    assert status == 1 and "no sign-in is stored for http://%s" % address in stderr and "(unauthorized)" in stderr

    quorumctl = os.path.join(BUILD_ROOT, "src", "cli", "quorumctl")
    subprocess.run([quorumctl, "login", "--server", address, "--password-stdin", "ed"], input="ed-password\n",
                   capture_output=True, text=True, check=True, env=dict(os.environ, XDG_CONFIG_HOME=str(tmp_path)))
    status, result, stderr = run_example(server, "consensus.py", "--project", 1, "--job-name", "Stored sign-in",
                                         "--files", 1, config=tmp_path)
    assert status == 0, stderr
    code, job = server.call("GET", "/jobs/%d" % result["job"], server.root)
    assert code == 200 and job["settings"]["name"] == "Stored sign-in"
    code, members = server.call("GET", "/projects/1/jobs", server.root)
    assert [j["id"] for j in members if j["settings"]["name"] == "Stored sign-in"] == [result["job"]]


def test_consensus(server):
    a, b = upload(server, "cons-a.png", 10), upload(server, "cons-b.png", 11)
    status, result, stderr = run_example(server, "consensus.py", "--project", 1, "--job-name", "Three readers",
                                         "--files", a, b, "--consensus", "manual_merge", token=server.root)
    assert status == 0, stderr
    code, job = server.call("GET", "/jobs/%d" % result["job"], server.root)
    assert job["state"] == "launched"
    assert job["settings"]["passes_per_file"] == 3 and job["settings"]["consensus"] == "manual_merge"
    assert [f["id"] for f in job["files"]] == [a, b]
    code, st = server.call("GET", "/jobs/%d/status" % result["job"], server.root)
    assert st["tasks"] == {"draw": {"available": 6}, "consensus": {"waiting": 2}}
    assert result["tasks"] == {"draw": 6, "consensus": 2}


def draw_all(server, job_id, annotators, boxes):
    """Each annotator takes and submits every task they are given, drawing
    boxes[(name, file)] (default BOX_A)."""
    for name, token in annotators:
        while True:
            code, task = server.call("POST", "/jobs/%d/next" % job_id, token)
            if code == 204:
                break
            assert code == 200, task
            box = dict(boxes.get((name, task["file"]), BOX_A), id=name + "-1")
            code, saved = server.call("PUT", "/tasks/%d/instances" % task["id"], token,
                                      {"version": task["version"], "instances": [box]})
            assert code == 200, saved
            code, done = server.call("POST", "/tasks/%d/submit" % task["id"], token, {"version": saved["version"]})
            assert code == 200, done


def test_low_agreement(server, tmp_path):
    agree, disagree = upload(server, "low-agree.png", 30), upload(server, "low-disagree.png", 31)
    code, job = server.call("POST", "/projects/1/jobs", server.root,
                            {"settings": {"name": "Scored", "passes_per_file": 3}, "files": [agree, disagree]})
    assert code == 201, job
    server.call("POST", "/jobs/%d/launch" % job["id"], server.root)
    annotators = [(n, server.user(n, "annotator")[1]) for n in ("ann", "ben", "cat")]
    draw_all(server, job["id"], annotators, {("ben", disagree): BOX_FAR})

    # The agreement is computed in the background once every pass is in.
    deadline = time.time() + 20
    while True:
        code, export = server.call("GET", "/jobs/%d/export?format=quorum&versions=all" % job["id"], server.root)
        if all(f["agreement"] is not None for f in export["files"]) or time.time() > deadline:
            break
        time.sleep(0.1)
    scores = {f["file"]["id"]: f["agreement"] for f in export["files"]}
    assert scores[agree] == 1.0 and scores[disagree] < 0.6

    output = tmp_path / "export.json"
    status, low, stderr = run_example(server, "low-agreement.py", "--job", job["id"], "--output", output,
                                      token=server.root)
    assert status == 0, stderr
    assert [f["file"] for f in low] == [disagree]
    assert low[0]["agreement"] == scores[disagree] and low[0]["versions"] == 3
    with open(output, encoding="utf-8") as written:
        assert json.load(written) == export, "the export file is the server's export"

    # At the bound 1 a file of perfect agreement is still not low; 0 is no bound.
    status, low, stderr = run_example(server, "low-agreement.py", "--job", job["id"], "--output", output,
                                      "--below", 1, token=server.root)
    assert [f["file"] for f in low] == [disagree]
    status, low, stderr = run_example(server, "low-agreement.py", "--job", job["id"], "--output", output,
                                      "--below", 0, token=server.root)
    assert status == 2 and "--below" in stderr


def test_exam(server, tmp_path):
    first, second = upload(server, "exam-1.png", 50), upload(server, "exam-2.png", 51)
    gold = {"exam-1.png": [dict(BOX_A, id="g1")], "exam-2.png": [dict(BOX_FAR, id="g2"), dict(BOX_A, id="g3")]}
    gold_file = tmp_path / "gold.json"
    gold_file.write_text(json.dumps(gold))
    status, result, stderr = run_example(server, "exam.py", "--project", 1, "--name", "New annotators",
                                         "--gold", gold_file, "--award", "Street annotator", "--max-attempts", 2,
                                         token=server.root)
    assert status == 0, stderr
    exam_id = result["job"]
    code, job = server.call("GET", "/jobs/%d" % exam_id, server.root)
    assert job["state"] == "launched" and job["settings"]["type"] == "exam"
    assert job["settings"]["awarded_credentials"] == ["Street annotator"] and job["settings"]["max_attempts"] == 2
    assert sorted(f["id"] for f in job["files"]) == sorted([first, second])
    for name, file_id in (("exam-1.png", first), ("exam-2.png", second)):
        code, stored = server.call("GET", "/files/%d/existing" % file_id, server.root)
        stored = stored["instances"] if isinstance(stored, dict) else stored
        assert [(i["id"], i["points"]) for i in stored] == [(i["id"], i["points"]) for i in gold[name]]

    newcomer_id, newcomer = server.user("newcomer", "annotator")
    code, exams = server.call("GET", "/exams", newcomer)
    mine = [e for e in exams if e["id"] == exam_id]
    assert len(mine) == 1 and mine[0]["can_apply"] is True and mine[0]["awards"] == ["Street annotator"]

    code, attempt = server.call("POST", "/jobs/%d/apply" % exam_id, newcomer)
    assert code == 201, attempt
    status, results, stderr = run_example(server, "exam.py", "--results", exam_id, token=server.root)
    assert status == 0, stderr
    code, expected = server.call("GET", "/jobs/%d/results" % exam_id, server.root)
    assert [t["name"] for t in results["takers"]] == [t["name"] for t in expected["takers"]] == ["newcomer"]
    assert results["takers"][0]["decision"] == expected["takers"][0]["decision"]

    status, result, stderr = run_example(server, "exam.py", "--project", 1, "--name", "Bad", "--gold", gold_file,
                                         token=server.root)
    assert status == 2 and "--award" in stderr
    bad_gold = tmp_path / "bad.json"
    bad_gold.write_text(json.dumps({"nowhere.png": []}))
    status, result, stderr = run_example(server, "exam.py", "--project", 1, "--name", "Bad", "--gold", bad_gold,
                                         "--award", "X", token=server.root)
    assert status == 2 and "nowhere.png" in stderr
