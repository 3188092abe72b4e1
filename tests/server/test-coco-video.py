#!/usr/bin/env python3
"""Video annotations out and back in, on a real quorum-server with a real
clip (make-clip, 30 frames): a job's COCO export has one image entry per
frame with every frame's instances, interpolated ones included, where
linear interpolation puts them; the Quorum export keeps the tracks as
drawn (keyframes, the proposal, the outside marker, occluded); quorumctl
export prints the route's bytes; the COCO export imported (quorumctl import) into a fresh
project gives back the stored instances (no interpolated one), and drawn
there and exported again gives the same document. Arguments: quorum-server,
quorumctl, make-clip."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, error_message, png, report  # noqa: E402

SERVER, CTL, MAKE_CLIP = sys.argv[1:4]
work = tempfile.mkdtemp(prefix="quorum-coco-video-")
FRAMES = 30

LABELS = {"labels": [
    {"name": "car", "color": "#e01b24", "kind": "box", "attributes": [{"name": "parked", "type": "boolean"}]},
    {"name": "sign", "color": "#3584e4", "kind": "polygon", "attributes": []},
    {"name": "person", "color": "#33d17a", "kind": "point", "attributes": []},
]}


def instance(id, label, kind, points, frame, track=None, **flags):
    value = {"id": id, "label": label, "kind": kind, "points": points, "frame": frame, "track_id": track}
    value.update(flags)
    return value


# What the annotator draws on the clip: a car track with keyframes on 0 and
# 10 (occluded on 10) and a tracker's proposal on 12; a sign track with
# keyframes on 0 and 4, outside on 6, resumed on 9 and ending on 12 with
# another vertex count; a person on frame 3 alone.
VIDEO_SET = [
    instance("car-0", "car", "box", [[10, 20], [50, 60]], 0, "car", attributes={"parked": False}),
    instance("car-10", "car", "box", [[30, 40], [80, 90]], 10, "car", occluded=True),
    instance("car-12", "car", "box", [[34.5, 44.25], [90, 95]], 12, "car", keyframe=False),
    instance("sign-0", "sign", "polygon", [[0, 0], [10, 0], [10, 10], [0, 10]], 0, "sign"),
    instance("sign-4", "sign", "polygon", [[8, 0], [18, 0], [18, 10], [8, 10]], 4, "sign"),
    instance("sign-6", "sign", "polygon", [[8, 0], [18, 0], [18, 10], [8, 10]], 6, "sign", outside=True),
    instance("sign-9", "sign", "polygon", [[60, 50], [80, 50], [80, 70]], 9, "sign"),
    instance("sign-12", "sign", "polygon", [[50, 50], [70, 50], [70, 70], [50, 65]], 12, "sign"),
    instance("walker", "person", "point", [[5.5, 6.5]], 3),
]
IMAGE_SET = [instance("photo-car", "car", "box", [[1, 2], [11, 7]], 0)]


def wait_prepared(server, file_id, seconds=240):
    deadline = time.time() + seconds
    while time.time() < deadline:
        status, body = server.call("GET", "/files/%d" % file_id, server.root)
        if (body.get("video") or {}).get("state") != "preparing":
            return body
        time.sleep(0.2)
    return body


def make_project(server, name, clip_path):
    """A project with the labels, the clip (prepared) and a photo."""
    status, project = server.call("POST", "/projects", server.root, {"name": name})
    assert status == 201, project
    status, body = server.call("PUT", "/projects/%d/labels" % project["id"], server.root, LABELS)
    assert status == 200, body
    with open(clip_path, "rb") as f:
        status, video = server.call("POST", "/projects/%d/files?name=clip.webm" % project["id"], server.root,
                                    raw=f.read(), content_type="application/octet-stream", timeout=120)
    assert status == 201, video
    video = wait_prepared(server, video["id"])
    status, photo = server.call("POST", "/projects/%d/files?name=street.png" % project["id"], server.root,
                                raw=png(128, 96, 40), content_type="image/png")
    assert status == 201, photo
    return project["id"], video, photo


def draw_job(server, project, token, sets):
    """A one-pass job without review over the files of @sets (file id →
    instances), each drawn and submitted: accepted, the job's output."""
    status, job = server.call("POST", "/projects/%d/jobs" % project, server.root,
                              {"settings": {"name": "Tracks", "passes_per_file": 1, "review_frequency": 0},
                               "files": sorted(sets)})
    assert status == 201, job
    status, body = server.call("POST", "/jobs/%d/launch" % job["id"], server.root)
    assert status == 200, body
    saved = {}
    for _ in sets:
        status, task = server.call("POST", "/jobs/%d/next" % job["id"], token)
        assert status == 200, task
        status, body = server.call("PUT", "/tasks/%d/instances" % task["id"], token,
                                   {"version": task["version"], "instances": sets[task["file"]]})
        assert status == 200, body
        saved[task["file"]] = body["instances"]
        status, submitted = server.call("POST", "/tasks/%d/submit" % task["id"], token, {"version": body["version"]})
        assert status == 200 and submitted["state"] == "accepted", submitted
    return job["id"], saved


def lerp(a, b, t):
    return a + (b - a) * t


def by_uuid(document):
    return {a["quorum"]["uuid"]: a for a in document["annotations"]}


def close(a, b):
    return all(abs(x - y) < 1e-9 for x, y in zip(a, b)) and len(a) == len(b)


server = Server(SERVER)
env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(work, "config"), QUORUM_PWHASH_FAST="1",
           QUORUM_CREDENTIALS_STORE="file")
for name in ("DBUS_SESSION_BUS_ADDRESS", "QUORUM_SERVER", "QUORUM_TOKEN"):
    env.pop(name, None)
try:
    clip = os.path.join(work, "clip.webm")
    made = subprocess.run([MAKE_CLIP, "vp9", clip, "128", "96", str(FRAMES)], capture_output=True, text=True)
    if made.returncode == 77:
        print("1..0 # SKIP GStreamer here cannot make a VP9 clip")
        sys.exit(0)
    assert made.returncode == 0, made.stderr

    project, video, photo = make_project(server, "Clips", clip)
    check("the clip is prepared with its 30 frames",
          video["video"]["state"] == "ready" and video["frames"] == FRAMES, video)
    ann_id, ann = server.user("ann", "annotator", project)
    job, saved = draw_job(server, project, ann, {video["id"]: VIDEO_SET, photo["id"]: IMAGE_SET})

    # ---- COCO: one image entry per frame, interpolated frames included ----
    status, coco = server.call("GET", "/jobs/%d/export?format=coco" % job, server.root)
    check("the COCO export answers 200", status == 200, coco)
    frames = [i for i in coco["images"] if "video_id" in i]
    photos = [i for i in coco["images"] if "video_id" not in i]
    check("the clip is 30 image entries, frames 0…29 of video_id = its file id, named after it",
          [(i["video_id"], i["frame_id"], i["file_name"], i["width"], i["height"]) for i in frames]
          == [(video["id"], n, "clip.webm#frame=%d" % n, 128, 96) for n in range(FRAMES)], frames[:3])
    check("the photo stays one entry, with no frame", [p["file_name"] for p in photos] == ["street.png"], photos)
    check("videos lists the clip: its file id, name, size and frame count",
          [(v["id"], v["name"], v["width"], v["height"], v["frames"]) for v in coco.get("videos", [])]
          == [(video["id"], "clip.webm", 128, 96, FRAMES)], coco.get("videos"))
    frame_of = {i["id"]: i["frame_id"] for i in frames}
    annotations = by_uuid(coco)
    cars = sorted((frame_of[a["image_id"]], a) for a in coco["annotations"]
                  if a["image_id"] in frame_of and a["quorum"]["track_id"] == "car")
    check("the car track is on frames 0…12: 13 boxes, one per frame",
          [f for f, _ in cars] == list(range(13)), [f for f, _ in cars])
    check("frames 0…10 hold 11 boxes, keyframes on 0 and 10 only",
          [a["quorum"]["keyframe"] for f, a in cars[:11]] == [True] + [False] * 9 + [True]
          and [a["quorum"]["interpolated"] for f, a in cars[:11]] == [False] + [True] * 9 + [False],
          [a["quorum"] for f, a in cars[:11]])
    ok = True
    for f, a in cars[1:10]:
        t = f / 10
        x0, y0, x1, y1 = lerp(10, 30, t), lerp(20, 40, t), lerp(50, 80, t), lerp(60, 90, t)
        ok = ok and close(a["bbox"], [x0, y0, x1 - x0, y1 - y0])
    check("each of frames 1…9 is where linear interpolation between frames 0 and 10 puts it",
          ok, [a["bbox"] for f, a in cars[1:10]])
    middle = annotations.get("car@5", {})
    check("frame 5's box: [20, 30, 45, 45], track and frame in the quorum member",
          close(middle.get("bbox", []), [20, 30, 45, 45]) and middle["quorum"]["frame"] == 5
          and middle["quorum"]["track_id"] == "car" and middle["attributes"] == {"parked": False}, middle)
    check("occluded follows the anchor before: false on 9, true on 10 and 11",
          [cars[f][1]["quorum"]["occluded"] for f in (9, 10, 11)] == [False, True, True],
          [cars[f][1]["quorum"] for f in (9, 10, 11)])
    check("the proposal on 12 is neither keyframe nor interpolated",
          cars[12][1]["quorum"]["uuid"] == "car-12" and not cars[12][1]["quorum"]["keyframe"]
          and not cars[12][1]["quorum"]["interpolated"], cars[12][1]["quorum"])
    signs = sorted(frame_of[a["image_id"]] for a in coco["annotations"]
                   if a["image_id"] in frame_of and a["quorum"]["track_id"] == "sign")
    check("the sign is on 0…5 and 9…12: nothing in its outside gap",
          signs == [0, 1, 2, 3, 4, 5, 9, 10, 11, 12], signs)
    sign2 = annotations.get("sign@2", {})
    check("the sign on frame 2 is the square moved 4 px (segmentation and area)",
          sign2.get("segmentation") == [[4, 0, 14, 0, 14, 10, 4, 10]] and sign2.get("area") == 100, sign2)
    outside = coco["videos"][0]["quorum"]["outside"] if coco.get("videos") else []
    check("the outside marker rides with the video, not as an annotation",
          [o["id"] for o in outside] == ["sign-6"] and "sign-6" not in annotations, outside)
    check("the person is on frame 3 alone, untracked",
          frame_of.get(annotations.get("walker", {}).get("image_id")) == 3
          and annotations["walker"]["quorum"]["track_id"] is None, annotations.get("walker"))
    check("24 annotations on the clip (13 + 10 + 1) and 1 on the photo",
          sum(1 for a in coco["annotations"] if a["image_id"] in frame_of) == 24
          and sum(1 for a in coco["annotations"] if a["image_id"] not in frame_of) == 1, len(coco["annotations"]))

    # ---- Quorum JSON: the tracks as drawn ----
    status, export = server.call("GET", "/jobs/%d/export?format=quorum" % job, server.root)
    output = {}
    for f in export.get("files", []):
        if f["file"]["id"] == video["id"]:
            output = {i["id"]: i for i in f["output"]}
    check("the Quorum export's output is the stored instances, no interpolated frame",
          sorted(output) == sorted(i["id"] for i in VIDEO_SET), sorted(output))
    check("it keeps the keyframe, outside and occluded flags as drawn",
          [(output[i].get("keyframe", True), output[i].get("outside", False), output[i].get("occluded", False))
           for i in ("car-0", "car-10", "car-12", "sign-6")]
          == [(True, False, False), (True, False, True), (False, False, False), (True, True, False)]
          if all(i in output for i in ("car-0", "car-10", "car-12", "sign-6")) else False, output)

    # ---- quorumctl export is the route's document ----
    root_url = server.base[:-len("/api/v1")]
    login = subprocess.run([CTL, "login", "--server", root_url, "root"], input="root password\n", text=True,
                           env=env, capture_output=True, timeout=60)
    request = urllib.request.Request(server.base + "/jobs/%d/export?format=coco&versions=all" % job)
    request.add_header("Authorization", "Bearer " + server.root)
    with urllib.request.urlopen(request, timeout=60) as reply:
        route_bytes = reply.read()
    out_path = os.path.join(work, "coco.json")
    out = subprocess.run([CTL, "export", "--job", str(job), "--format", "coco", "-o", out_path],
                         env=env, capture_output=True, timeout=60)
    with open(out_path, "rb") as f:
        from_file = f.read() if out.returncode == 0 else None
    check("quorumctl export --format coco -o FILE writes the route's document, byte for byte",
          login.returncode == 0 and out.returncode == 0 and from_file == route_bytes
          and json.loads(route_bytes) == coco, [login.stderr, out.stderr])
    out = subprocess.run([CTL, "export", "--job", str(job), "--format", "coco"],
                         env=env, capture_output=True, timeout=60)
    check("quorumctl export --format coco to standard output prints the same bytes",
          out.returncode == 0 and out.stdout == route_bytes, [out.stderr, len(out.stdout), len(route_bytes)])
    out = subprocess.run([CTL, "export", "--job", "999", "--format", "coco"],
                         env=env, capture_output=True, timeout=60)
    check("quorumctl export of a job that does not exist fails saying so, printing nothing",
          out.returncode != 0 and out.stdout == b"" and out.stderr != b"", [out.returncode, out.stderr])

    # ---- interpolated=false: the tracks as drawn, in COCO ----
    status, drawn = server.call("GET", "/jobs/%d/export?format=coco&interpolated=false" % job, server.root)
    drawn_uuids = sorted(a["quorum"]["uuid"] for a in drawn.get("annotations", []))
    check("interpolated=false: the stored instances alone (8 on the clip, its outside marker in videos[]), "
          "and the document says so",
          status == 200 and drawn_uuids
          == sorted([i["id"] for i in VIDEO_SET if not i.get("outside")] + [IMAGE_SET[0]["id"]])
          and drawn["info"].get("quorum") == {"interpolated": False} and "quorum" not in coco["info"], drawn_uuids)
    check("interpolated=false keeps an image entry per frame, the videos and categories as the whole export",
          drawn.get("images") == coco["images"] and drawn.get("videos") == coco["videos"]
          and drawn.get("categories") == coco["categories"], drawn.get("images", [])[:2])
    for query, message in (("format=coco&interpolated=maybe", "interpolated: true or false"),
                           ("format=quorum&interpolated=false",
                            "interpolated: only with format=coco (the Quorum export has no interpolated frames)")):
        status, body = server.call("GET", "/jobs/%d/export?%s" % (job, query), server.root)
        check("export?%s is refused: 400 “%s”" % (query, message),
              status == 400 and error_message(body) == message, [status, body])
    drawn_path = os.path.join(work, "coco-drawn.json")
    out = subprocess.run([CTL, "export", "--job", str(job), "--format", "coco", "--no-interpolated",
                          "-o", drawn_path], env=env, capture_output=True, timeout=60)
    with open(drawn_path, "rb") as f:
        from_file = json.loads(f.read()) if out.returncode == 0 else None
    check("quorumctl export --no-interpolated writes that document", from_file == drawn, out.stderr)
    out = subprocess.run([CTL, "export", "--job", str(job), "--format", "quorum", "--no-interpolated"],
                         env=env, capture_output=True, text=True, timeout=60)
    check("quorumctl export --format quorum --no-interpolated is a usage error (2), saying why",
          out.returncode == 2 and "--no-interpolated: only with --format coco" in out.stderr, out.stderr)

    # ---- import into a fresh project, draw there, export again ----
    project2, video2, photo2 = make_project(server, "Clips again", clip)
    server.call("PUT", "/projects/%d/members/%d" % (project2, ann_id), server.root, {"role": "annotator"})
    wrong = json.loads(json.dumps(coco))
    wrong["videos"][0]["frames"] = 40
    wrong["images"].append(dict(frames[0], id=999, frame_id=35, file_name="clip.webm#frame=35"))
    wrong["annotations"].append(dict(annotations["walker"], id=999, image_id=999,
                                     quorum=dict(annotations["walker"]["quorum"], uuid="late", frame=35)))
    status, body = server.call("POST", "/projects/%d/import/coco" % project2, server.root, wrong)
    check("an annotation beyond the clip's 30 frames is refused, naming it",
          status == 400 and error_message(body) == "annotations[%d].quorum.frame: “clip.webm” has 30 frame(s)"
          % (len(wrong["annotations"]) - 1), body)

    out = subprocess.run([CTL, "import", "coco", out_path, "--project", str(project2), "--json"],
                         env=env, capture_output=True, text=True, timeout=60)
    body = json.loads(out.stdout) if out.returncode == 0 else out.stderr
    check("quorumctl import coco of the export into the fresh project: 2 files, the 9 + 1 stored instances",
          body == {"files": 2, "instances": 10, "unmatched": []}, body)
    status, existing = server.call("GET", "/files/%d/existing" % video2["id"], server.root)
    fields = ("id", "label", "kind", "points", "frame", "track_id", "keyframe", "outside", "occluded", "attributes")
    check("the clip's existing instances are the track as drawn: keyframes, proposal and outside marker",
          status == 200 and sorted([{k: i.get(k) for k in fields} for i in existing], key=lambda i: i["id"])
          == sorted([{k: i.get(k) for k in fields} for i in saved[video["id"]]], key=lambda i: i["id"]),
          existing)
    check("no interpolated instance was stored", not any("@" in i["id"] for i in existing), existing)
    out = subprocess.run([CTL, "import", "coco", drawn_path, "--project", str(project2), "--json"],
                         env=env, capture_output=True, text=True, timeout=60)
    status, from_drawn = server.call("GET", "/files/%d/existing" % video2["id"], server.root)
    check("the export without interpolated frames imports to the same tracks",
          out.returncode == 0 and json.loads(out.stdout) == {"files": 2, "instances": 10, "unmatched": []}
          and sorted(from_drawn, key=lambda i: i["id"]) == sorted(existing, key=lambda i: i["id"]),
          [out.stderr, from_drawn])

    # The Quorum export's output put back as the clip's existing instances: the same tracks.
    quorum_output = [f["output"] for f in export["files"] if f["file"]["id"] == video["id"]][0]
    status, body = server.call("PUT", "/files/%d/existing" % video2["id"], server.root,
                               {"instances": quorum_output})
    status, put_back = server.call("GET", "/files/%d/existing" % video2["id"], server.root)
    check("the Quorum export's output put back as existing instances gives the same tracks",
          status == 200 and sorted(put_back, key=lambda i: i["id"]) == sorted(existing, key=lambda i: i["id"]),
          [put_back, existing])

    status, existing_photo = server.call("GET", "/files/%d/existing" % photo2["id"], server.root)
    job2, _ = draw_job(server, project2, ann, {video2["id"]: existing, photo2["id"]: existing_photo})
    status, again = server.call("GET", "/jobs/%d/export?format=coco" % job2, server.root)
    # The fresh project's clip has a file id of its own: the only difference.
    renumbered = json.loads(json.dumps(again).replace('"video_id": %d,' % video2["id"],
                                                      '"video_id": %d,' % video["id"]))
    if renumbered.get("videos"):
        renumbered["videos"][0]["id"] = video["id"] if renumbered["videos"][0]["id"] == video2["id"] else -1
    check("exported again from the fresh project: the same document, but for the clip's file id",
          status == 200 and renumbered == coco and video2["id"] != video["id"],
          [k for k in coco if renumbered.get(k) != coco[k]])
finally:
    server.close()
    shutil.rmtree(work, ignore_errors=True)
report()
