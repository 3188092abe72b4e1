#!/usr/bin/env python3
"""Three quorum-server processes on one PostgreSQL database behind nginx
(issue 19): 96 annotators, each a thread signed in through nginx, loop
next task → PUT instances → a PUT on the version before (409) → PATCH
instances → submit, and one server is
killed with SIGKILL after about 40 % of the planned cycles. A request that
meets a connection error or a 502/503/504 is sent again, the same request:
a save retried after its first sending got through is answered 409 (its
version has moved on), and counts as acknowledged only when the task holds
what was sent. nginx never replays a POST or a PATCH (no non_idempotent in
proxy_next_upstream).

Checks: no task handed to two users, and each task's assignee in the
server's task list is the one client that got it; every acknowledged save is
in its task, the instances' fields as sent; per-user tasks got and submitted
equal the server's task list and job overview; every planned cycle ran
though a server died mid-burst, and the dead one served nothing after.

Prints TAP. Argument: the quorum-server binary. Needs nginx and PostgreSQL
15; fails (skips nothing) saying which package is missing. KEEP=1 keeps the
temporary folder: the servers' and nginx's logs (the access log names the
server that answered each request, and its token) and trace.json, every
request of every client with its time and answer."""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pg_cluster  # noqa: E402
from quorum_test_server import check, png, report  # noqa: E402

SERVER = sys.argv[1]
SERVERS = 3
USERS = 96
CYCLES = 6                 # per user: next, PUT, stale PUT, PATCH, submit
PLANNED = USERS * CYCLES
KILL_AFTER = int(PLANNED * 0.4)
PASSES = 2
FILES = PLANNED // PASSES + 16   # a few tasks to spare: nobody runs dry
VICTIM = 1                 # the second server is killed
RETRIES = 60
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ENV = dict(os.environ, QUORUM_PWHASH_FAST="1")


def missing():
    """A sentence naming the package that is missing, or None."""
    if not os.access(NGINX, os.X_OK):
        return "nginx is not installed (Debian package nginx): the cluster test needs it in front of the servers."
    if not os.path.exists(os.path.join(pg_cluster.BINDIR, "initdb")):
        return ("PostgreSQL 15 is not installed (%s/initdb is missing; Debian package postgresql-15): "
                "the cluster test needs it." % pg_cluster.BINDIR)
    return None


class Unanswered(Exception):
    """A request that met a connection error or a 502/503/504."""


def call(port, method, path, token=None, body=None, raw=None, content_type=None, timeout=60):
    """One request on a connection of its own to 127.0.0.1:@port; → (status,
    parsed body). Raises Unanswered on a connection error or 502/503/504."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    headers = {}
    if token:
        headers["Authorization"] = "Bearer " + token
    if data is not None:
        headers["Content-Type"] = content_type or "application/json"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, "/api/v1" + path, body=data, headers=headers)
        reply = connection.getresponse()
        text = reply.read()
    except (OSError, http.client.HTTPException) as error:
        raise Unanswered("%s %s: %r" % (method, path, error))
    finally:
        connection.close()
    if reply.status in (502, 503, 504):
        raise Unanswered("%s %s: status %d" % (method, path, reply.status))
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = text.decode(errors="replace")
    return reply.status, parsed


def wait_for_port_line(log, process, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with open(log) as text:
            for line in text:
                if "listening on port" in line:
                    return int(line.split("port")[1])
        if process.poll() is not None:
            break
        time.sleep(0.05)
    with open(log) as text:
        raise RuntimeError("quorum-server did not start; its output: " + text.read()[-2000:])


def matters(instances):
    """The fields the client sent, serialized the same way for comparing."""
    return json.dumps([{"id": instance.get("id"), "label": instance.get("label"), "kind": instance.get("kind"),
                        "points": [[float(v) for v in point] for point in instance.get("points") or []]}
                       for instance in instances], sort_keys=True)


class Annotator:
    def __init__(self, number, user_id, token, port, job):
        self.number = number
        self.user_id = user_id
        self.token = token
        self.port = port
        self.job = job
        self.got = []            # task ids, in order, once each
        self.submitted = []
        self.saves = []          # (task, version, instances) acknowledged
        self.errors = []         # (time, what) of each unanswered request
        self.stale = []          # the status of each save on a stale version
        self.replays = 0         # saves or submits answered 409/422 after a retry, found stored
        self.problems = []
        self.cycles = 0
        self.trace = []          # (time, method, path, status or error, task id): kept with KEEP=1

    def send(self, method, path, body=None):
        """The request until it is answered; → (status, body, whether it was retried)."""
        for attempt in range(RETRIES):
            try:
                status, reply = call(self.port, method, path, self.token, body)
                self.trace.append((time.time(), method, path, status,
                                   reply.get("id") if isinstance(reply, dict) else None))
                return status, reply, attempt > 0
            except Unanswered as error:
                self.trace.append((time.time(), method, path, str(error), None))
                self.errors.append((time.monotonic(), str(error)))
                time.sleep(0.1 + 0.05 * attempt)
        raise RuntimeError("%s %s unanswered %d times" % (method, path, RETRIES))

    def stored(self, task):
        status, reply, _ = self.send("GET", "/tasks/%d" % task)
        if status != 200:
            raise RuntimeError("GET /tasks/%d: %d %s" % (task, status, reply))
        return reply

    def save(self, method, task, body, expected):
        """A PUT or PATCH of instances; → the version acknowledged."""
        status, reply, retried = self.send(method, "/tasks/%d/instances" % task, body)
        if status == 200:
            self.saves.append((task, reply["version"], expected))
            return reply["version"]
        if status == 409:
            # The first sending got through (ours or nginx's replay of a PUT)?
            now = self.stored(task)
            if matters(now["instances"]) == matters(expected) and now["version"] == body["version"] + 1:
                self.replays += 1
                self.saves.append((task, now["version"], expected))
                return now["version"]
        raise RuntimeError("%s /tasks/%d/instances (retried: %s): %d %s" % (method, task, retried, status, reply))

    def run(self, progress):
        for cycle in range(CYCLES):
            status, task, _ = self.send("POST", "/jobs/%d/next" % self.job)
            if status != 200:
                raise RuntimeError("next task, cycle %d: %d %s" % (cycle, status, task))
            tid = task["id"]
            if tid not in self.got:
                self.got.append(tid)
            x = 1.25 + self.number + cycle / 8
            first = {"id": "u%d-c%d-a" % (self.number, cycle), "label": "car", "kind": "box",
                     "points": [[x, 2.5], [x + 3.75, 6.125]]}
            second = {"id": "u%d-c%d-b" % (self.number, cycle), "label": "car", "kind": "box",
                      "points": [[x + 0.5, 10.5], [x + 7.25, 14.875]]}
            version = self.save("PUT", tid, {"version": task["version"], "instances": [first]}, [first])
            # A save on the version before: refused whichever server takes it.
            stale = dict(first, points=[[0.5, 0.5], [1.5, 1.5]])
            status, reply, _ = self.send("PUT", "/tasks/%d/instances" % tid,
                                         {"version": task["version"], "instances": [stale]})
            self.stale.append(status)
            version = self.save("PATCH", tid, {"version": version, "upsert": [second]}, [first, second])
            status, reply, retried = self.send("POST", "/tasks/%d/submit" % tid, {"version": version})
            if status != 200:
                now = self.stored(tid) if status in (409, 422) else None
                if not (retried and now is not None and now["state"] in ("accepted", "submitted")
                        and matters(now["instances"]) == matters([first, second])):
                    raise RuntimeError("submit %d: %d %s" % (tid, status, reply))
                self.replays += 1
            self.submitted.append(tid)
            self.cycles += 1
            progress()

    def thread(self, progress):
        try:
            self.run(progress)
        except Exception as error:  # noqa: BLE001 — reported as a failed check
            self.problems.append(str(error))


def main():
    sentence = missing()
    if sentence:
        print("not ok 1 - %s" % sentence)
        print("1..1")
        sys.exit(1)

    folder = tempfile.mkdtemp(prefix="quorum-cluster-test-")
    blobs = os.path.join(folder, "blobs")
    os.mkdir(blobs)
    cluster = pg_cluster.PgCluster()
    servers, logs, ports = [], [], []
    nginx = None
    try:
        cluster.start()
        database = cluster.create_database("quorum")
        subprocess.run([SERVER, "--data", blobs, "--database", database, "--create-admin", "root"],
                       input="root password\n", text=True, env=ENV, check=True, capture_output=True)
        for i in range(SERVERS):
            log = os.path.join(folder, "server-%d.log" % (i + 1))
            with open(log, "w") as out:
                process = subprocess.Popen([SERVER, "--data", blobs, "--database", database,
                                            "--listen", "127.0.0.1:0",
                                            "--max-connections-per-address", "256",
                                            "--login-address-attempts", "0"],
                                           stdout=out, stderr=subprocess.STDOUT, env=ENV)
            servers.append(process)
            logs.append(log)
            ports.append(wait_for_port_line(log, process))

        # nginx in front, as build-aux/run-cluster sets it up, and an access
        # log that says which server answered each request.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        upstreams = "".join("    server 127.0.0.1:%d max_fails=1 fail_timeout=5s;\n" % p for p in ports)
        with open(os.path.join(folder, "nginx.conf"), "w") as conf:
            conf.write("""%(user)s
worker_processes 1;
pid %(dir)s/nginx.pid;
error_log %(dir)s/nginx-error.log warn;
events { worker_connections 2048; }
http {
  log_format upstream '$msec|$request_method|$uri|$status|$upstream_addr|$upstream_status|$http_authorization';
  access_log %(dir)s/nginx-access.log upstream;
  client_body_temp_path %(dir)s/nginx-body;
  proxy_temp_path %(dir)s/nginx-proxy;
  fastcgi_temp_path %(dir)s/nginx-fastcgi;
  uwsgi_temp_path %(dir)s/nginx-uwsgi;
  scgi_temp_path %(dir)s/nginx-scgi;
  upstream quorum {
%(upstreams)s    keepalive 32;
  }
  server {
    listen 127.0.0.1:%(port)d;
    client_max_body_size 2g;
    location / {
      proxy_pass http://quorum;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 60s;
      # never non_idempotent: a POST or PATCH is not sent twice by nginx
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
    }
  }
}
""" % {"user": "user root;" if os.geteuid() == 0 else "", "dir": folder, "upstreams": upstreams, "port": port})
        nginx = subprocess.Popen([NGINX, "-p", folder, "-c", os.path.join(folder, "nginx.conf"),
                                  "-e", os.path.join(folder, "nginx-error.log"), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                if call(port, "GET", "/version")[0] == 200:
                    break
            except Unanswered:
                pass
            if nginx.poll() is not None:
                with open(os.path.join(folder, "nginx-error.log")) as text:
                    raise RuntimeError("nginx did not start: " + text.read()[-2000:])
            time.sleep(0.1)

        # ---- the project, through nginx ------------------------------------
        started = time.monotonic()
        status, body = call(port, "POST", "/login", body={"user": "root", "password": "root password"})
        assert status == 200, body
        root = body["token"]
        status, body = call(port, "POST", "/projects", root, {"name": "Cluster"})
        assert status == 201, body
        project = body["id"]
        status, body = call(port, "PUT", "/projects/%d/labels" % project, root,
                            {"labels": [{"name": "car", "color": "#e01b24", "kind": "box"}]})
        assert status == 200, body

        def upload(i):
            status, body = call(port, "POST", "/projects/%d/files?name=f%03d.png" % (project, i), root,
                                raw=png(4 + i // 256, 4, i % 256), content_type="image/png")
            assert status == 201, (i, status, body)
            return body["id"]

        with ThreadPoolExecutor(6) as pool:
            files = list(pool.map(upload, range(FILES)))
        status, body = call(port, "POST", "/projects/%d/jobs" % project, root,
                            {"settings": {"name": "Cluster", "passes_per_file": PASSES, "review_frequency": 0},
                             "files": files})
        assert status == 201, body
        job = body["id"]
        status, body = call(port, "POST", "/jobs/%d/launch" % job, root)
        assert status == 200, body

        def annotator(number):
            name = "a%02d" % number
            status, body = call(port, "POST", "/users", root, {"name": name, "password": name + " password"})
            assert status == 201, body
            user_id = body["id"]
            status, body = call(port, "PUT", "/projects/%d/members/%d" % (project, user_id), root,
                                {"role": "annotator"})
            assert status == 200, body
            status, body = call(port, "POST", "/login", body={"user": name, "password": name + " password"})
            assert status == 200, body
            return Annotator(number, user_id, body["token"], port, job)

        with ThreadPoolExecutor(6) as pool:
            annotators = list(pool.map(annotator, range(USERS)))
        prepared = time.monotonic() - started

        # ---- the burst, and a server killed in its middle -------------------
        done = [0]
        lock = threading.Lock()
        killed = threading.Event()
        killed_at = [None]

        def progress():
            with lock:
                done[0] += 1
                kill = done[0] == KILL_AFTER
            if kill:
                servers[VICTIM].send_signal(signal.SIGKILL)
                killed_at[0] = time.time()
                killed.set()

        threads = [threading.Thread(target=a.thread, args=(progress,)) for a in annotators]
        burst = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        burst = time.monotonic() - burst
        servers[VICTIM].wait(timeout=10)

        problems = [p for a in annotators for p in a.problems]
        check("every annotator's requests were answered in the end", not problems, problems[:10])
        total = sum(a.cycles for a in annotators)
        check("all %d planned cycles ran (%d users × %d)" % (PLANNED, USERS, CYCLES), total == PLANNED,
              {"cycles": total, "short": {a.number: a.cycles for a in annotators if a.cycles != CYCLES}})
        check("server %d was killed midway (SIGKILL after cycle %d)" % (VICTIM + 1, KILL_AFTER),
              killed.is_set() and servers[VICTIM].returncode == -signal.SIGKILL,
              {"killed": killed.is_set(), "returncode": servers[VICTIM].returncode})
        check("the other servers are alive", all(s.poll() is None for i, s in enumerate(servers) if i != VICTIM),
              [s.poll() for s in servers])

        stale = [status for a in annotators for status in a.stale]
        check("every save on a stale version was refused with 409 (%d)" % len(stale),
              set(stale) <= {409} and len(stale) >= sum(a.cycles for a in annotators),
              {"saves": len(stale), "statuses": sorted(set(stale))})

        # ---- no task twice ----------------------------------------------------
        holder = {}
        twice = []
        for a in annotators:
            for task in a.got:
                if task in holder and holder[task] != a.user_id:
                    twice.append((task, holder[task], a.user_id))
                holder[task] = a.user_id
        check("no task was handed to two users (%d tasks handed out)" % len(holder), not twice, twice[:10])

        status, tasks = call(port, "GET", "/jobs/%d/tasks" % job, root)
        check("the job's task list is read", status == 200 and isinstance(tasks, list), (status, tasks))
        tasks = tasks if isinstance(tasks, list) else []
        assigned = {t["id"]: t["assignee"] for t in tasks if t["assignee"] is not None}
        check("each task's assignee in the server's list is the one client that got it",
              assigned == holder,
              {"server only": {t: u for t, u in assigned.items() if holder.get(t) != u},
               "clients only": {t: u for t, u in holder.items() if assigned.get(t) != u}})

        # ---- every acknowledged save is there --------------------------------
        last = {}
        for a in annotators:
            for task, version, instances in a.saves:
                if task not in last or version > last[task][0]:
                    last[task] = (version, instances)
        lost = []
        for task, (version, instances) in sorted(last.items()):
            status, body = call(port, "GET", "/tasks/%d" % task, root)
            if status != 200 or matters(body["instances"]) != matters(instances) or body["version"] < version:
                lost.append({"task": task, "status": status, "acknowledged": instances, "version": version,
                             "stored": body.get("instances") if isinstance(body, dict) else body})
        saves = sum(len(a.saves) for a in annotators)
        check("every acknowledged save (%d saves, %d tasks) is in its task as sent" % (saves, len(last)),
              not lost and saves >= 2 * sum(a.cycles for a in annotators), {"saves": saves, "lost": lost[:5]})

        # ---- per-user counts ---------------------------------------------------
        by_state = {}
        for t in tasks:
            if t["assignee"] is not None:
                counts = by_state.setdefault(t["assignee"], {"got": 0, "accepted": 0})
                counts["got"] += 1
                counts["accepted"] += t["state"] == "accepted"
        clients = {a.user_id: {"got": len(a.got), "accepted": len(set(a.submitted))} for a in annotators}
        check("per user, tasks got and submitted equal the server's task list",
              by_state == clients,
              {u: (by_state.get(u), c) for u, c in clients.items() if by_state.get(u) != c})
        status, stats = call(port, "GET", "/jobs/%d/stats" % job, root)
        done_by_user = {row["user"]: row["tasks_done"] for row in stats.get("annotators", [])} \
            if status == 200 and isinstance(stats, dict) else None
        check("per user, tasks done in the job overview equal the tasks the client submitted",
              done_by_user == {u: c["accepted"] for u, c in clients.items()},
              {"status": status, "differ": {u: ((done_by_user or {}).get(u), c["accepted"])
                                           for u, c in clients.items()
                                           if (done_by_user or {}).get(u) != c["accepted"]}})

        # ---- the dead server --------------------------------------------------
        dead = "127.0.0.1:%d" % ports[VICTIM]
        entries = []
        with open(os.path.join(folder, "nginx-access.log")) as text:
            for line in text:
                fields = line.rstrip("\n").split("|")
                if len(fields) >= 6:
                    entries.append((float(fields[0]), fields[1], fields[2], fields[3],
                                    fields[4].split(", "), fields[5].split(", ")))
        # $msec is when the request ended: one answered just before the kill
        # may be logged a moment after it.
        served_before = sum(1 for e in entries if e[0] < killed_at[0] and e[4][-1] == dead)
        tried_after = [e for e in entries if e[0] > killed_at[0] and dead in e[4]]
        served_after = [e for e in tried_after if e[0] > killed_at[0] + 0.5 and e[4][-1] == dead
                        and e[5][-1] not in ("502", "504")]
        errors = [e for a in annotators for e in a.errors]
        check("the killed server served requests before it was killed", served_before > 0, served_before)
        check("no request was answered by the killed server after its death", not served_after, served_after[:5])
        replays = sum(a.replays for a in annotators)
        figures = [
            "%d servers, %d annotators, %d cycles of next + PUT + stale PUT + PATCH + submit in %.1f s "
            "(%.0f cycles/s; setup %.1f s)" % (SERVERS, USERS, PLANNED, burst, PLANNED / burst, prepared),
            "server %d killed after cycle %d: %d requests met a connection error or 502 at the clients "
            "and were sent again (%d saves or submits found stored after a retry); nginx sent %d requests "
            "toward the dead server after its death (connection refused: passed to the next, or 502)"
            % (VICTIM + 1, KILL_AFTER, len(errors), replays, len(tried_after)),
        ] + ["client error: %s" % e for _, e in errors[:5]]
        report(figures)
    finally:
        if nginx is not None and nginx.poll() is None:
            nginx.terminate()
            nginx.wait()
        for process in servers:
            if process.poll() is None:
                process.terminate()
                process.wait()
        cluster.stop()
        if os.environ.get("KEEP"):
            if "annotators" in locals():
                with open(os.path.join(folder, "trace.json"), "w") as out:
                    json.dump({a.user_id: {"token": a.token, "trace": a.trace} for a in annotators}, out)
            print("# kept " + folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
