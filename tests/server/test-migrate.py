"""quorumctl migrate: the demo installation on SQLite copied into an empty
PostgreSQL database (tests/pg_cluster.py). Every table arrives with the same
rows (counted here from the SQLite file itself), a server on PostgreSQL over
the same media answers every job's exports byte for byte as the SQLite one
did, a token signed in before still works, and a second migrate into the
now full database is refused and changes nothing."""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
os.environ.pop("QUORUM_TEST_BACKEND", None)
from quorum_test_server import Server, check, report  # noqa: E402
import pg_cluster  # noqa: E402

SERVER, CTL = sys.argv[1], sys.argv[2]

work = tempfile.mkdtemp(prefix="quorum-migrate-")
env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(work, "config"), QUORUM_PWHASH_FAST="1")
for name in ("DBUS_SESSION_BUS_ADDRESS", "QUORUM_SERVER", "QUORUM_TOKEN"):
    env.pop(name, None)


def ctl(*args, stdin=None):
    return subprocess.run([CTL] + list(args), input=stdin, text=True, env=env, capture_output=True, timeout=300)


def raw(base, path, token):
    request = urllib.request.Request(base + path)
    request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=60) as reply:
        return reply.status, reply.read()


def answers(server, token, jobs):
    """What the server answers for every job: both exports with all
    versions, the status and the task list, as bytes."""
    got = {}
    for job in jobs:
        for path in ("/jobs/%d/export?format=coco&versions=all" % job,
                     "/jobs/%d/export?format=quorum&versions=all" % job,
                     "/jobs/%d/export?format=quorum&versions=best" % job,
                     "/jobs/%d/status" % job,
                     "/jobs/%d/tasks" % job):
            got[path] = raw(server.base, path, token)
    return got


server = Server(SERVER)
cluster = None
moved = None
try:
    root_url = server.base[:-len("/api/v1")]
    ctl("login", "--server", root_url, "root", stdin="root password\n")
    demo = ctl("demo", "--json")
    check("quorumctl demo fills the SQLite server", demo.returncode == 0, demo.stderr)
    project = json.loads(demo.stdout)["project"]["id"]
    status, jobs = server.call("GET", "/projects/%d/jobs" % project, server.root)
    job_ids = [job["id"] for job in jobs]
    check("the demo has its jobs", status == 200 and len(job_ids) >= 4, jobs)
    before = answers(server, server.root, job_ids)
    check("every export and list answers 200 on SQLite",
          all(status == 200 for status, _ in before.values()),
          [path for path, (status, _) in before.items() if status != 200])
    server.process.terminate()
    server.process.wait()

    database = os.path.join(server.data, "quorum.sqlite")
    with sqlite3.connect("file:%s?mode=ro" % database, uri=True) as db:
        tables = [name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'meta'")]
        counts = {name: db.execute("SELECT count(*) FROM %s" % name).fetchone()[0] for name in tables}

    cluster = pg_cluster.PgCluster().start()
    conninfo = cluster.create_database("moved")

    out = ctl("migrate", "--to", conninfo)
    check("migrate without --from is bad usage (exit 2) and says so",
          out.returncode == 2 and "--from: is missing" in out.stderr, out.stderr)
    out = ctl("migrate", "--from", work, "--to", conninfo)
    check("migrate from a folder without a database is bad usage (exit 2) and says so",
          out.returncode == 2 and "holds no Quorum database" in out.stderr, out.stderr)

    out = ctl("migrate", "--from", server.data, "--to", conninfo, "--json")
    check("migrate copies the demo installation (exit 0)", out.returncode == 0, out.stderr)
    copied = {row["table"]: row for row in json.loads(out.stdout)} if out.returncode == 0 else {}
    check("every table of the SQLite file is in the report", set(copied) == set(tables),
          sorted(set(tables) ^ set(copied)))
    check("each table's rows in the report are the SQLite file's",
          all(copied.get(name, {}).get("rows") == count for name, count in counts.items()),
          {name: (count, copied.get(name, {}).get("rows")) for name, count in counts.items()})
    check("the demo's work is there: tasks, instances, ratings, credentials",
          counts["tasks"] > 0 and counts["task_instances"] > 0 and counts["review_rounds"] > 0
          and counts["user_credentials"] > 0, counts)

    out = ctl("migrate", "--from", server.data, "--to", conninfo)
    check("a second migrate into the full database is refused (exit 1) and says why",
          out.returncode == 1 and "not empty" in out.stderr, out.stderr)

    moved = Server.__new__(Server)
    moved.binary, moved.data, moved.env = SERVER, server.data, server.env
    moved.database = conninfo
    moved.options = []
    moved.start()
    after = answers(moved, server.root, job_ids)
    check("the token signed in on SQLite is accepted on PostgreSQL",
          moved.call("GET", "/me", server.root)[0] == 200)
    differing = [path for path in before if before[path] != after[path]]
    check("every export and list is the same, byte for byte (%d answers)" % len(before), not differing, differing)
    status, body = moved.call("POST", "/projects", server.root, {"name": "After the move"})
    check("new rows continue after the copied ids", status == 201 and body["id"] > project, body)
    out = ctl("migrate", "--from", server.data, "--to", conninfo)
    status, again = moved.call("GET", "/projects", server.root)
    check("the refused migrate changed nothing",
          out.returncode == 1 and status == 200 and len(again) == 3, again)
finally:
    if moved is not None and moved.process.poll() is None:
        moved.process.terminate()
        moved.process.wait()
    server.close()
    if cluster is not None:
        cluster.stop()
report()
