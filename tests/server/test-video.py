#!/usr/bin/env python3
"""Videos on a real quorum-server: an upload is prepared in the background
(GET /files/{id} shows "video": {state, progress, error} as it goes, and
`quorumctl file status`), then GET /files/{id}/proxy serves the proxy with
byte ranges and GET /files/{id}/frames the frame index, whose frame count
becomes the file's. A variable-rate video is taken; a video that cannot be
decoded is refused and nothing is stored; a preparation that fails says why;
a preparation cut by a stop finishes after the restart. Clips come from
make-clip (frames that show their own number). Arguments: quorum-server,
quorumctl, make-clip."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import BACKEND, GUIDES_BEFORE_VERSIONS, Server, check, error_message, report  # noqa: E402

SERVER, CTL, MAKE_CLIP = sys.argv[1:4]
work = tempfile.mkdtemp(prefix="quorum-video-")


def clip(kind, name, width, height, frames):
    path = os.path.join(work, name)
    made = subprocess.run([MAKE_CLIP, kind, path, str(width), str(height), str(frames)],
                          capture_output=True, text=True)
    if made.returncode == 77:
        return None
    assert made.returncode == 0, made.stderr
    return path


def upload(server, project, path, name=None):
    with open(path, "rb") as f:
        data = f.read()
    return server.call("POST", "/projects/%d/files?name=%s" % (project, name or os.path.basename(path)),
                       server.root, raw=data, content_type="application/octet-stream", timeout=120)


def raw_get(server, path, headers=None):
    request = urllib.request.Request(server.base + path, method="GET")
    request.add_header("Authorization", "Bearer " + server.root)
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_prepared(server, file_id, seconds=240):
    """The file once its video is no longer preparing, and every progress seen."""
    seen = []
    deadline = time.time() + seconds
    while time.time() < deadline:
        status, body = server.call("GET", "/files/%d" % file_id, server.root)
        video = body.get("video") or {}
        seen.append(video.get("progress"))
        if video.get("state") != "preparing":
            return body, seen
        time.sleep(0.2)
    return body, seen


def blobs(server):
    found = []
    for top, _, names in os.walk(os.path.join(server.data, "blobs")):
        found += [os.path.join(top, name) for name in names]
    return sorted(found)


server = Server(SERVER)
env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(work, "config"), QUORUM_PWHASH_FAST="1",
           QUORUM_CREDENTIALS_STORE="file")
for name in ("DBUS_SESSION_BUS_ADDRESS", "QUORUM_SERVER", "QUORUM_TOKEN"):
    env.pop(name, None)
try:
    status, project = server.call("POST", "/projects", server.root, {"name": "Videos"})
    project = project["id"]

    # ---- an upload, prepared in the background ----
    path = clip("vp9", "numbers.webm", 640, 360, 90)
    status, file = upload(server, project, path)
    check("a VP9 WebM video is taken (201)", status == 201, file)
    video = file.get("video") or {}
    check("its file says its video is being prepared", video.get("state") in ("preparing", "ready")
          and 0 <= video.get("progress", -1) <= 1 and "error" in video, file)
    status, early = server.call("GET", "/files/%d/proxy" % file["id"], server.root)
    check("the proxy before it is ready: 422 saying so, or 200 once ready",
          (status == 422 and "prepared" in error_message(early)) or status == 200, [status, early])
    ready, seen = wait_prepared(server, file["id"])
    check("the preparation ends ready", ready["video"] == {"state": "ready", "progress": 1, "error": None}
          or (ready["video"]["state"] == "ready" and ready["video"]["progress"] == 1.0
              and ready["video"]["error"] is None), ready)
    progress = [p for p in seen if p is not None]
    check("progress only grows, within 0…1", progress == sorted(progress) and all(0 <= p <= 1 for p in progress),
          progress)
    check("the file's frames are the index's: 90", ready["frames"] == 90, ready)

    status, headers, frames = raw_get(server, "/files/%d/frames" % file["id"])
    index = json.loads(frames) if status == 200 else {}
    check("GET /files/{id}/frames is the index (200, JSON)",
          status == 200 and "json" in headers.get("Content-Type", ""), [status, headers])
    check("the index lists 90 frames with increasing times and keyframe 0",
          index.get("n_frames") == 90 and len(index.get("pts", [])) == 90
          and all(a < b for a, b in zip(index["pts"], index["pts"][1:])) and index["keyframes"][0] == 0,
          index)
    check("a keyframe at least every 8 frames",
          all(b - a <= 8 for a, b in zip(index["keyframes"], index["keyframes"][1:] + [90])), index.get("keyframes"))
    check("the index has the video's size and rate",
          (index.get("width"), index.get("height"), index.get("fps_n"), index.get("fps_d")) == (640, 360, 30, 1),
          index)

    status, headers, proxy = raw_get(server, "/files/%d/proxy" % file["id"])
    check("GET /files/{id}/proxy is a WebM (200, EBML header, video/webm)",
          status == 200 and proxy[:4] == b"\x1a\x45\xdf\xa3" and headers.get("Content-Type") == "video/webm",
          [status, headers, proxy[:8]])
    status, headers, part = raw_get(server, "/files/%d/proxy" % file["id"], {"Range": "bytes=100-199"})
    check("a byte range of the proxy: 206 with those bytes",
          status == 206 and part == proxy[100:200]
          and headers.get("Content-Range") == "bytes 100-199/%d" % len(proxy), [status, headers])
    status, headers, _ = raw_get(server, "/files/%d/proxy" % file["id"], {"Range": "bytes=%d-" % (len(proxy) + 5)})
    check("a range past the end: 416", status == 416, status)
    status, headers2, _ = raw_get(server, "/files/%d/proxy" % file["id"], {"If-None-Match": headers.get("ETag") or
                                                                           raw_get(server, "/files/%d/proxy" % file["id"])[1]["ETag"]})
    check("the proxy's ETag: 304 when unchanged", status == 304, status)
    status, _, original = raw_get(server, "/files/%d/content" % file["id"])
    with open(path, "rb") as f:
        check("the original stays as it was uploaded", status == 200 and original == f.read())

    # The image has no proxy.
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c63f8ffffff7f0009fb03fd2a86e38a0000000049454e44ae426082")
    status, image = server.call("POST", "/projects/%d/files?name=dot.png" % project, server.root, raw=png,
                                content_type="image/png")
    check("an image's file has no video member", status == 201 and "video" not in image, image)
    status, body = server.call("GET", "/files/%d/proxy" % image["id"], server.root)
    check("an image's proxy: 422 saying it is an image", status == 422 and "image" in error_message(body),
          [status, body])

    # ---- quorumctl file status ----
    root_url = server.base[:-len("/api/v1")]
    login = subprocess.run([CTL, "login", "--server", root_url, "root"], input="root password\n", text=True,
                           env=env, capture_output=True, timeout=60)
    out = subprocess.run([CTL, "file", "status", str(file["id"]), str(image["id"])], text=True, env=env,
                         capture_output=True, timeout=60)
    lines = out.stdout.splitlines()
    check("quorumctl file status: one line per file, the video ready with its 90 frames",
          out.returncode == 0 and len(lines) == 2 and lines[0].split("\t")[2:] == ["video", "90", "ready"]
          and lines[1].split("\t")[2:] == ["image/png", "1", "-"], [login.stderr, out.stdout, out.stderr])
    out = subprocess.run([CTL, "file", "status", "--json", str(file["id"])], text=True, env=env,
                         capture_output=True, timeout=60)
    check("quorumctl file status --json prints the files",
          out.returncode == 0 and json.loads(out.stdout)[0]["video"]["state"] == "ready", out.stdout)

    # ---- a variable frame rate ----
    path = clip("vfr", "variable.mkv", 320, 240, 60)
    if path is not None:
        status, file = upload(server, project, path)
        check("a variable-rate video is taken (201)", status == 201, file)
        ready, _ = wait_prepared(server, file["id"])
        status, _, frames = raw_get(server, "/files/%d/frames" % file["id"])
        index = json.loads(frames) if status == 200 else {}
        # Times 20, 40 and 33 ms apart in turn (make-clip).
        steps = [b - a for a, b in zip(index.get("pts", []), index.get("pts", [])[1:])]
        check("its index keeps every frame's own time", ready["video"]["state"] == "ready"
              and ready["frames"] == 60 and steps[:6] == [20000000, 40000000, 33000000] * 2, [ready, steps[:6]])

    # ---- refused: not decodable, nothing stored ----
    with open(os.path.join(work, "numbers.webm"), "rb") as f:
        good = f.read()
    broken = good[:600] + bytes((b * 37 + 11) & 0xff for b in good[600:])
    before_files = server.call("GET", "/projects/%d/files" % project, server.root)[1]
    before_blobs = blobs(server)
    status, body = server.call("POST", "/projects/%d/files?name=broken.webm" % project, server.root, raw=broken,
                               content_type="video/webm")
    check("a video GStreamer cannot read is refused (400) with a reason", status == 400
          and "broken.webm" in error_message(body), [status, body])
    check("and nothing is stored", server.call("GET", "/projects/%d/files" % project, server.root)[1] == before_files
          and blobs(server) == before_blobs, blobs(server))

    # ---- a failed preparation says why ----
    proxies = os.path.join(server.data, "proxies")
    path = clip("vp9", "other.webm", 320, 240, 30)
    # A file where the folder of proxies goes: the preparation cannot write.
    for entry in os.listdir(proxies):
        os.rename(os.path.join(proxies, entry), os.path.join(work, "kept-" + entry))
    os.rmdir(proxies)
    with open(proxies, "w") as f:
        f.write("in the way")
    status, file = upload(server, project, path)
    failed, _ = wait_prepared(server, file["id"])
    check("a preparation that fails is failed, with its reason", failed["video"]["state"] == "failed"
          and "proxies" in (failed["video"]["error"] or ""), failed)
    status, body = server.call("GET", "/files/%d/frames" % file["id"], server.root)
    check("its frames: 422 with the reason", status == 422 and "failed" in error_message(body), [status, body])
    out = subprocess.run([CTL, "file", "status", str(file["id"])], text=True, env=env, capture_output=True,
                         timeout=60)
    check("quorumctl file status says why, exit status 1",
          out.returncode == 1 and "failed: " in out.stdout and "proxies" in out.stdout, [out.stdout, out.stderr])
    os.unlink(proxies)
    os.mkdir(proxies, 0o700)
    for entry in os.listdir(work):
        if entry.startswith("kept-"):
            os.rename(os.path.join(work, entry), os.path.join(proxies, entry[len("kept-"):]))

    # ---- a stop during a preparation: the restart finishes it ----
    path = clip("vp9", "long.webm", 1280, 720, 240)
    status, file = upload(server, project, path)
    status, during = server.call("GET", "/files/%d" % file["id"], server.root)
    server.process.terminate()
    server.process.wait()
    server.start()
    server.root = server.login("root", "root password")
    status, after = server.call("GET", "/files/%d" % file["id"], server.root)
    check("a preparation stopped by the server's stop is still preparing after the restart",
          during["video"]["state"] == "preparing" and after["video"]["state"] in ("preparing", "ready"),
          [during, after])
    ready, _ = wait_prepared(server, file["id"])
    check("and the restarted server finishes it", ready["video"]["state"] == "ready" and ready["frames"] == 240,
          [during["video"], ready])

    # ---- migration 17: videos of a database from before are prepared ----
    # SQLite's migration path (ALTER TABLE … DROP, PRAGMA user_version), which PostgreSQL's schema has no use for.
    if BACKEND == "sqlite":
        server.process.terminate()
        server.process.wait()
        shutil.rmtree(os.path.join(server.data, "proxies"))
        db = sqlite3.connect(os.path.join(server.data, "quorum.sqlite"))
        db.executescript("ALTER TABLE files DROP COLUMN video_error; ALTER TABLE files DROP COLUMN video_progress;"
                         "ALTER TABLE files DROP COLUMN video_state; UPDATE files SET frames = 7 WHERE id = %d;"
                         % file["id"] + GUIDES_BEFORE_VERSIONS +  # what later migrations made goes too
                         "ALTER TABLE job_applications DROP COLUMN message;"
                         "DROP TABLE market_listings; DROP TABLE market_follows;"
                         "ALTER TABLE user_credentials DROP COLUMN reason;"
                         "ALTER TABLE user_credentials DROP COLUMN revoked_by;"
                         "ALTER TABLE user_credentials DROP COLUMN revoke_reason;"
                         "PRAGMA user_version = 16;")
        db.close()
        server.start()
        server.root = server.login("root", "root password")
        status, image_after = server.call("GET", "/files/%d" % image["id"], server.root)
        check("after migration 17 an image has no video member", status == 200 and "video" not in image_after,
              image_after)
        ready, _ = wait_prepared(server, file["id"])
        check("and a video of before is prepared at the start, its frames the index's",
              ready["video"]["state"] == "ready" and ready["frames"] == 240, ready)
finally:
    server.close()
    subprocess.run(["rm", "-rf", work])
report()
