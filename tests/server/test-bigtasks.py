#!/usr/bin/env python3
"""Big tasks against a real quorum-server: a save of 10,000 polygons is
accepted (--max-instances-body) while other bodies and callers without a
token keep their limits; PATCH /tasks/{id}/instances saves only what
changed, checked like PUT (version, holder, instances, authorship kept by
the server), and the instances stored a row each keep their order, also
when migrated from a database that kept them as one list. Prints TAP.
Argument: the quorum-server binary."""
import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import BACKEND, GUIDES_BEFORE_VERSIONS, Server, check, error_message, png, report  # noqa: E402

SERVER = sys.argv[1]
figures = []


def polygon(number, shift=0.0):
    """A polygon of 20 vertices, its coordinates with two decimals."""
    x, y = 10.0 + (number % 100) * 19.5, 10.0 + (number // 100) * 9.25
    points = [[round(x + 8 * ((k % 5) / 4.0) + shift, 2), round(y + 4 * (k // 5) / 3.0, 2)] for k in range(20)]
    return {"id": "p-%05d" % number, "label": "lesion", "kind": "polygon", "points": points}


def big_set(count):
    return [polygon(i) for i in range(count)]


def setup(server):
    """A project with a polygon label, one file, and a draw task held by
    "ann" and another held by "ben"; returns (ann's task, ann's token, ben's
    token, the file's id, ben's task)."""
    s = server
    s.call("POST", "/projects", s.root, {"name": "Big"})
    s.call("PUT", "/projects/1/labels", s.root,
           {"labels": [{"name": "lesion", "color": "#e01b24", "kind": "polygon", "attributes": []}]})
    status, file = s.call("POST", "/projects/1/files?name=big.png", s.root, raw=png(64, 48, 30),
                          content_type="image/png")
    assert status == 201, file
    _, ann = s.user("ann", "annotator")
    _, ben = s.user("ben", "annotator")
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Big", "passes_per_file": 2, "review_frequency": 0},
                          "files": [file["id"]]})
    s.call("POST", "/jobs/%d/launch" % job["id"], s.root)
    status, task = s.call("POST", "/jobs/%d/next" % job["id"], ann)
    assert status == 200, task
    status, other = s.call("POST", "/jobs/%d/next" % job["id"], ben)
    assert status == 200, other
    return task, ann, ben, file["id"], other


def patch(server, token, task, body):
    """PATCH with the reply's Server-Timing header: (status, body, header)."""
    data = json.dumps(body).encode()
    request = urllib.request.Request(server.base + "/tasks/%d/instances" % task, data=data, method="PATCH")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read()), reply.headers.get("Server-Timing")
    except urllib.error.HTTPError as error:
        text = error.read()
        return error.code, json.loads(text) if text else None, None


def instances(server, task, token):
    status, body = server.call("GET", "/tasks/%d" % task, token)
    assert status == 200, body
    return body["instances"], body["version"]


server = Server(SERVER)
try:
    s = server
    task, ann, ben, file_id, _ = setup(s)
    tid = task["id"]

    # ---- a 10,000-polygon save --------------------------------------
    polygons = big_set(10000)
    body = json.dumps({"version": task["version"], "instances": polygons}).encode()
    figures.append("10,000 polygons of 20 vertices: %d bytes of JSON" % len(body))
    started = time.monotonic()
    status, saved = s.call("PUT", "/tasks/%d/instances" % tid, ann, raw=body, timeout=120)
    figures.append("PUT of 10,000 polygons: %.0f ms (round trip)" % ((time.monotonic() - started) * 1000))
    check("a save of 10,000 polygons (%d bytes, over the 1 MiB JSON limit) is accepted" % len(body),
          status == 200 and saved["version"] == task["version"] + 1 and len(saved["instances"]) == 10000,
          (status, error_message(saved)))
    stored, version = instances(s, tid, ann)
    check("all 10,000 are stored, in the order they were sent",
          [i["id"] for i in stored] == [p["id"] for p in polygons], len(stored))
    check("each one ann's", all(i.get("author") == "ann" for i in stored), stored[0])
    check("with its points as sent", stored[4321]["points"] == polygons[4321]["points"], stored[4321])

    # ---- callers without a token keep the anonymous limit --------------
    status, reply = s.call("PUT", "/tasks/%d/instances" % tid, None, raw=body)
    check("without a token the same body is refused (401) before it is read", status == 401, (status, reply))
    status, reply = s.call("PATCH", "/tasks/%d/instances" % tid, None,
                           raw=json.dumps({"version": version, "upsert": polygons[:200]}).encode())
    check("a delta too (401)", status == 401, (status, reply))
    # Other routes of a signed-in caller keep --max-json-body (1 MiB).
    status, reply = s.call("PUT", "/files/%d/existing" % file_id, s.root, raw=body)
    check("another route's body over 1 MiB is still 413", status == 413 and "limit" in error_message(reply),
          (status, reply))

    # ---- a delta of one vertex ------------------------------------------
    moved = json.loads(json.dumps(stored[5000]))
    moved["points"][7] = [moved["points"][7][0] + 3.5, moved["points"][7][1] - 1.25]
    moved["author"] = "mallory"
    moved["copied_from"] = "p-00001"
    status, reply, timing = patch(s, ann, tid, {"version": version, "upsert": [moved]})
    check("a one-vertex delta is saved", status == 200 and reply["version"] == version + 1, reply)
    check("it answers the server's time in Server-Timing",
          timing is not None and timing.startswith("app;dur="), timing)
    if timing:
        figures.append("one-vertex PATCH on 10,000 polygons: server time %s ms" % timing.split("=")[1])
    check("the reply carries the instance as stored, author kept",
          status == 200 and reply["upsert"][0]["author"] == "ann" and reply["upsert"][0].get("copied_from") is None,
          reply)
    after, version2 = instances(s, tid, ann)
    check("the vertex moved", after[5000]["points"][7] == moved["points"][7], after[5000])
    check("nothing else changed, the order neither",
          len(after) == 10000 and all(after[i] == stored[i] for i in range(10000) if i != 5000))
    check("the stored author is kept whatever the client says (ann, not mallory; no copied_from)",
          after[5000]["author"] == "ann" and after[5000].get("copied_from") is None, after[5000])

    # New instances come last and are the caller's; deletes remove.
    new = polygon(20000)
    new["author"] = "mallory"
    status, reply, _ = patch(s, ann, tid, {"version": version2, "upsert": [new], "delete": ["p-00000", "p-09999"]})
    check("a delta adding one and deleting two", status == 200 and reply["version"] == version2 + 1, reply)
    after, version3 = instances(s, tid, ann)
    check("the deleted are gone, the new one is last",
          len(after) == 9999 and after[0]["id"] == "p-00001" and after[-1]["id"] == "p-20000"
          and "p-09999" not in {i["id"] for i in after}, [i["id"] for i in after[:2] + after[-2:]])
    check("a new instance is the caller's", after[-1]["author"] == "ann", after[-1])

    # ---- bad deltas: the error names the field, nothing changes ----------
    def refused(name, body, expect_status, words, token=ann):
        status, reply, _ = patch(s, token, tid, body)
        now, now_version = instances(s, tid, ann)
        check(name, status == expect_status and all(w in error_message(reply) for w in words)
              and now_version == version3 and len(now) == 9999, (status, reply))
        return reply

    reply = refused("a stale version is 409", {"version": version2, "upsert": [polygon(1, 1.0)]}, 409, ["version"])
    check("carrying the current version", reply["error"].get("version") == version3, reply)
    refused("version 0 is 400", {"version": 0, "upsert": [polygon(1, 1.0)]}, 400, ["version"])
    refused("a missing version is 400", {"upsert": [polygon(1, 1.0)]}, 400, ["version"])
    refused("deleting an instance the task does not hold is 400",
            {"version": version3, "upsert": [polygon(1, 1.0)], "delete": ["p-00003", "no-such"]}, 400,
            ["delete[1]", "no-such"])
    refused("an instance in both upsert and delete is 400",
            {"version": version3, "upsert": [polygon(2)], "delete": ["p-00002"]}, 400, ["delete[0]"])
    refused("a bad instance in upsert is 400 naming it",
            {"version": version3, "upsert": [polygon(3), dict(polygon(4), points=[[1, 1], [2, 2]])]}, 400,
            ["upsert[1].points"])
    refused("an unknown label is 400", {"version": version3, "upsert": [dict(polygon(3), label="car")]}, 400,
            ["upsert[0].label"])
    refused("a frame beyond the file is 400", {"version": version3, "upsert": [dict(polygon(3), frame=5)]}, 400,
            ["upsert[0].frame"])
    refused("a PUT body sent as a delta is 400", {"version": version3, "instances": []}, 400, ["instances"])
    refused("delete must be a list of ids", {"version": version3, "delete": "p-00003"}, 400, ["delete"])
    refused("another annotator's delta on ann's task is 404", {"version": version3, "upsert": [polygon(3, 2.0)]},
            404, [], token=ben)

    # ---- the limit of instance saves ----------------------------------------
finally:
    server.close()

# A server whose instance-save limit is under the body: 413, and the
# signed-in limit of other routes stays what it was.
small = Server(SERVER, "--max-instances-body", "1000000")
try:
    s = small
    task, ann, ben, file_id, ben_task = setup(s)
    body = json.dumps({"version": task["version"], "instances": big_set(10000)}).encode()
    status, reply = s.call("PUT", "/tasks/%d/instances" % task["id"], ann, raw=body)
    check("over --max-instances-body a save is 413, saying the limit",
          status == 413 and "over the limit of 1000000 bytes" in error_message(reply), (status, reply))
    status, reply = s.call("PATCH", "/tasks/%d/instances" % task["id"], ann,
                           raw=json.dumps({"version": task["version"], "upsert": big_set(3000)}).encode())
    check("a delta over it too", status == 413 and "1000000" in error_message(reply), (status, reply))
    status, reply = s.call("PUT", "/tasks/%d/instances" % task["id"], ann,
                           body={"version": task["version"], "instances": big_set(1000)})
    check("under it a save of 1,000 polygons is accepted", status == 200, (status, error_message(reply)))

    # ---- migration 14: instances kept as one list become rows ----------
    # SQLite's migration path (ALTER TABLE … DROP, PRAGMA user_version), which PostgreSQL's schema has no use for.
    if BACKEND == "sqlite":
        tid = task["id"]
        stored, version = instances(s, tid, ann)
        s.process.terminate()
        s.process.wait()
        db = sqlite3.connect(os.path.join(s.data, "quorum.sqlite"))
        db.executescript("ALTER TABLE tasks ADD COLUMN instances_json TEXT NOT NULL DEFAULT '[]';"
                         "UPDATE tasks SET instances_json = (SELECT '[' || group_concat(body, ',') || ']' FROM "
                         " (SELECT body FROM task_instances WHERE task_id = tasks.id ORDER BY position DESC)) "
                         "WHERE EXISTS (SELECT 1 FROM task_instances WHERE task_id = tasks.id);"
                         "DROP TABLE task_instances;"
                         # what later migrations made goes too, as in a database of schema 13
                         "DROP TABLE review_comments; DROP TABLE review_round_instances; DROP TABLE review_rounds;"
                         "DROP TABLE consensus_undo; ALTER TABLE files DROP COLUMN video_error;"
                         "ALTER TABLE files DROP COLUMN video_progress; ALTER TABLE files DROP COLUMN video_state;"
                         + GUIDES_BEFORE_VERSIONS +
                         "ALTER TABLE job_applications DROP COLUMN message;"
                         "DROP TABLE market_listings; DROP TABLE market_follows;"
                         "ALTER TABLE user_credentials DROP COLUMN reason;"
                         "ALTER TABLE user_credentials DROP COLUMN revoked_by;"
                         "ALTER TABLE user_credentials DROP COLUMN revoke_reason;"
                         "PRAGMA user_version = 13;")
        db.close()
        s.start()
        migrated, migrated_version = instances(s, tid, ann)
        check("a database of schema 13 is migrated: the list, reversed there, comes back in its order",
              [i["id"] for i in migrated] == [i["id"] for i in reversed(stored)] and migrated_version == version,
              [i["id"] for i in migrated[:3]])
        check("with authors", all(i["author"] == "ann" for i in migrated), migrated[0])
        status, reply, _ = patch(s, ann, tid, {"version": version, "delete": [stored[0]["id"]]})
        check("and deltas work on it", status == 200 and len(instances(s, tid, ann)[0]) == 999, reply)

    def psql(sql):
        """The rows @sql gives in the server's PostgreSQL database, as tuples
        of strings; raises when psql fails."""
        done = subprocess.run(["psql", "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", s.database,
                               "-c", sql], capture_output=True, text=True, check=True)
        return [tuple(line.split("\t")) for line in done.stdout.splitlines()]

    # ---- a whole save writes only the rows that change -------------------
    # Triggers of the test's own log every row written.
    s.process.terminate()
    s.process.wait()
    if BACKEND == "postgresql":
        psql("CREATE TABLE written (what TEXT, instance_id TEXT);"
             "CREATE FUNCTION log_written() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
             " IF TG_OP = 'DELETE' THEN INSERT INTO written VALUES ('delete', OLD.instance_id); RETURN OLD; END IF;"
             " INSERT INTO written VALUES (lower(TG_OP), NEW.instance_id); RETURN NEW; END $$;"
             "CREATE TRIGGER log_written AFTER INSERT OR UPDATE OR DELETE ON task_instances "
             " FOR EACH ROW EXECUTE FUNCTION log_written();")
    else:
        db = sqlite3.connect(os.path.join(s.data, "quorum.sqlite"))
        db.executescript("CREATE TABLE written (what TEXT, instance_id TEXT);"
                         "CREATE TRIGGER log_insert AFTER INSERT ON task_instances BEGIN "
                         " INSERT INTO written VALUES ('insert', new.instance_id); END;"
                         "CREATE TRIGGER log_update AFTER UPDATE ON task_instances BEGIN "
                         " INSERT INTO written VALUES ('update', new.instance_id); END;"
                         "CREATE TRIGGER log_delete AFTER DELETE ON task_instances BEGIN "
                         " INSERT INTO written VALUES ('delete', old.instance_id); END;")
        db.close()
    s.start()

    def written_since(save):
        """The rows @save() writes: sorted (what, instance id) pairs."""
        if BACKEND == "postgresql":
            psql("DELETE FROM written")
            result = save()
            return result, sorted(psql("SELECT what, instance_id FROM written"))
        db = sqlite3.connect(os.path.join(s.data, "quorum.sqlite"))
        db.execute("DELETE FROM written")
        db.commit()
        result = save()
        rows = sorted(db.execute("SELECT what, instance_id FROM written").fetchall())
        db.close()
        return result, rows

    btid = ben_task["id"]
    a, b, c, d = polygon(1), polygon(2), polygon(3), polygon(4)
    status, saved = s.call("PUT", "/tasks/%d/instances" % btid, ben,
                           body={"version": ben_task["version"], "instances": [a, b, c, d]})
    check("ben saves four polygons", status == 200, (status, error_message(saved)))
    ben_version = saved["version"]
    changed_a = polygon(1, 2.5)
    e = dict(polygon(5), author="mallory", copied_from="p-00001")
    (status, saved), rows = written_since(lambda: s.call(
        "PUT", "/tasks/%d/instances" % btid, ben,
        body={"version": ben_version, "instances": [c, changed_a, e, d]}))
    check("a save of [c, a changed, e new, d] over [a, b, c, d] is taken", status == 200,
          (status, error_message(saved)))
    check("it writes what changed alone: b deleted, e inserted, c and a (moved) updated, d (same place, "
          "same text) left alone",
          rows == [("delete", "p-00002"), ("insert", "p-00005"), ("update", "p-00001"), ("update", "p-00003")],
          rows)
    now, ben_version = instances(s, btid, ben)
    check("the task holds them in the order sent", [i["id"] for i in now] == ["p-00003", "p-00001", "p-00005",
                                                                              "p-00004"], [i["id"] for i in now])
    check("a's new points are stored", now[1]["points"] == changed_a["points"], now[1])
    check("e is ben's, copied from nothing, whatever the body says",
          now[2]["author"] == "ben" and now[2].get("copied_from") is None, now[2])
    check("the reply is the instances as stored", saved["instances"] == now, saved["instances"][:1])
    (status, saved), rows = written_since(lambda: s.call(
        "PUT", "/tasks/%d/instances" % btid, ben, body={"version": ben_version, "instances": now}))
    check("the same set saved again writes no row, and is still a new version",
          status == 200 and rows == [] and saved["version"] == ben_version + 1, (status, rows))
    ben_version = saved["version"]
    (status, saved), rows = written_since(lambda: s.call(
        "PUT", "/tasks/%d/instances" % btid, ben, body={"version": ben_version, "instances": [a, b, a]}))
    check("an id twice is 400 naming the second, and nothing is written",
          status == 400 and "instances[2].id" in error_message(saved)
          and rows == [] and instances(s, btid, ben) == (now, ben_version), (status, saved, rows))
    (status, saved), rows = written_since(lambda: s.call(
        "PUT", "/tasks/%d/instances" % btid, ben, body={"version": ben_version - 1, "instances": [a]}))
    check("a stale version is 409 and nothing is written",
          status == 409 and saved["error"].get("version") == ben_version and rows == [], (status, saved, rows))
    (status, saved), rows = written_since(lambda: s.call(
        "PUT", "/tasks/%d/instances" % btid, ben, body={"version": ben_version, "instances": []}))
    check("an empty set deletes every row", status == 200 and len(rows) == 4
          and all(what == "delete" for what, _ in rows) and instances(s, btid, ben)[0] == [], (status, rows))
finally:
    small.close()

report(figures)
