"""A video's preparation among servers sharing one PostgreSQL database: the
server it was uploaded to claims it (one claim held while it prepares), and
when that server is killed mid-preparation another server takes the video
up at its next look (QUORUM_VIDEO_RESUME_SECONDS=1 here) and finishes it."""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
os.environ.pop("QUORUM_TEST_BACKEND", None)
from quorum_test_server import Server, check, report  # noqa: E402
import pg_cluster  # noqa: E402

SERVER, MAKE_CLIP = sys.argv[1:3]
VIDEO_LOCKS = 5338480  # src/store/quorum-store-pg.c

work = tempfile.mkdtemp(prefix="quorum-video-cluster-")
cluster = pg_cluster.PgCluster().start()
conninfo = cluster.create_database("videos")
env = dict(os.environ, QUORUM_PWHASH_FAST="1", QUORUM_VIDEO_RESUME_SECONDS="1")
servers = []


def start(data):
    server = Server.__new__(Server)
    server.binary, server.data, server.env, server.database = SERVER, data, env, conninfo
    server.options = []
    server.start()
    servers.append(server)
    return server


def claims():
    out = subprocess.run(["psql", "-X", "-A", "-t", "-d", conninfo, "-c",
                          "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %d "
                          "AND granted" % VIDEO_LOCKS], capture_output=True, text=True)
    return int(out.stdout.strip() or -1)


try:
    data = os.path.join(work, "data")
    subprocess.run([SERVER, "--data", data, "--database", conninfo, "--create-admin", "root"],
                   input="root password\n", text=True, env=env, check=True, capture_output=True)
    a = start(data)
    b = start(data)
    a.root = b.root = a.login("root", "root password")
    status, project = a.call("POST", "/projects", a.root, {"name": "Videos"})
    path = os.path.join(work, "long.webm")
    made = subprocess.run([MAKE_CLIP, "vp9", path, "1280", "720", "240"], capture_output=True, text=True)
    check("the clip is made", made.returncode == 0, made.stderr)
    with open(path, "rb") as f:
        status, file = a.call("POST", "/projects/%d/files?name=long.webm" % project["id"], a.root,
                              raw=f.read(), content_type="application/octet-stream", timeout=120)
    check("the video is uploaded to the first server", status == 201, file)

    # The first server prepares it: one claim, and the second server's looks
    # (every second) do not start a second preparation.
    seen = None
    deadline = time.time() + 30
    while time.time() < deadline:
        status, seen = b.call("GET", "/files/%d" % file["id"], b.root)
        if (seen["video"] or {}).get("progress", 0) > 0:
            break
        time.sleep(0.1)
    check("the second server sees it preparing, under way", seen["video"]["state"] == "preparing"
          and seen["video"]["progress"] > 0, seen)
    time.sleep(1.5)
    check("one claim is held while it is prepared", claims() == 1, claims())

    a.process.send_signal(signal.SIGKILL)
    a.process.wait()
    status, during = b.call("GET", "/files/%d" % file["id"], b.root)
    check("killed mid-preparation, the video is still preparing", during["video"]["state"] == "preparing",
          during)

    ready = None
    deadline = time.time() + 180
    while time.time() < deadline:
        status, ready = b.call("GET", "/files/%d" % file["id"], b.root)
        if ready["video"]["state"] != "preparing":
            break
        time.sleep(0.2)
    check("the second server takes it up and finishes it", ready["video"]["state"] == "ready"
          and ready["frames"] == 240, ready)
    check("no claim is left once it is ready", claims() == 0, claims())
    status, frames = b.call("GET", "/files/%d/frames" % file["id"], b.root)
    check("its frame index answers through the second server", status == 200, [status, frames])
finally:
    for server in servers:
        if server.process.poll() is None:
            server.process.terminate()
            server.process.wait()
    cluster.stop()
    subprocess.run(["rm", "-rf", work])
report()
