#!/bin/bash
# `quorumctl demo` on a fresh server: the accounts sign in with the printed
# passwords, the five jobs have their settings and the work docs/demo.md
# promises (consensus tasks scored, an exam review waiting, a job closed to
# users without the credential), every image decodes at its size, the video
# project's clip is prepared and its job gives annotators draw tasks, and a
# second run changes nothing.
# Arguments: the built quorumctl and quorum-server.
set -u

ctl=$1
server_bin=$2
. "$(dirname "$0")/cli-lib.sh"

# ---- a fresh server with an administrator -----------------------------------

need_server
echo "root password" | "$ctl" login --server "$url" root >/dev/null 2>&1

# ---- the demo -----------------------------------------------------------------

out=$("$ctl" demo --json 2>&1); status=$?
check "demo on a fresh server: exit 0" "[ $status -eq 0 ]"
echo "$out" > demo.json
json_check "it created the project and seven accounts with their roles and passwords" \
  'd["created"] and d["project"]["name"] == "Street scenes" and d["organization"]["name"] == "Northwind Labeling"
   and sorted((a["name"], a["role"]) for a in d["accounts"]) == [("ann", "annotator"), ("ben", "annotator"),
       ("cat", "annotator"), ("dan", "annotator"), ("olga", "org member"), ("rita", "reviewer"), ("tom", "admin")]
   and all(len(a["password"]) >= 8 for a in d["accounts"]) and len({a["password"] for a in d["accounts"]}) == 7'
project=$(json_get 'd["project"]["id"]')

out=$("$ctl" job list --project "$project" --json 2>&1)
echo "$out" > jobs.json
json_check "job list: five launched jobs with the guides" \
  'len(d) == 5 and all(j["state"] == "launched" for j in d)
   and all(j["settings"]["draw_guide"] and j["settings"]["review_guide"] for j in d)'
json_check "the consensus job: 12 files, P 3, R 3, Best Annotator" \
  'any(j["settings"]["name"] == "Street scenes — consensus" and j["n_files"] == 12 and j["settings"]["passes_per_file"] == 3
       and j["settings"]["review_frequency"] == 3 and j["settings"]["consensus"] == "best_annotator" for j in d)'
json_check "the Manual Merge job: P 2" \
  'any(j["settings"]["consensus"] == "manual_merge" and j["settings"]["passes_per_file"] == 2 for j in d)'
json_check "the exam awards “Street annotator”; another job requires it; one is shared with the org" \
  'any(j["settings"]["name"] == "Street-scene basics" and j["settings"]["type"] == "exam"
       and j["settings"]["awarded_credentials"] == ["Street annotator"] for j in d)
   and [j["settings"]["required_credentials"] for j in d].count(["Street annotator"]) == 1
   and [j["settings"]["share"] for j in d].count("org") == 1'
by_name () { python3 -c 'import json, sys; print([j["id"] for j in json.load(open("jobs.json")) if j["settings"]["name"] == sys.argv[1]][0])' "$1"; }
consensus_job=$(by_name "Street scenes — consensus")
merge_job=$(by_name "Street scenes — manual merge")
exam=$(by_name "Street-scene basics")
certified=$(by_name "Street scenes — certified annotators")
contractors=$(by_name "Street scenes — contractors")

out=$("$ctl" job status "$consensus_job" --json 2>&1)
json_check "consensus job: 2 consensus tasks available, a review available, one draw sent back, most draws untouched" \
  'd["tasks"]["consensus"]["available"] == 2 and d["tasks"]["review"]["available"] == 1
   and d["tasks"]["review"]["complete"] == 2 and d["tasks"]["draw"]["rejected"] == 1
   and d["tasks"]["draw"]["available"] >= 20 and sum(d["tasks"]["draw"].values()) == 36'
out=$("$ctl" job status "$merge_job" --json 2>&1)
json_check "Manual Merge job: a file ready for consensus" \
  'd["tasks"]["consensus"].get("available", 0) >= 1 and d["tasks"]["draw"]["available"] >= 10'
out=$("$ctl" job status "$exam" --json 2>&1)
json_check "exam: dan drew 4 files, 4 reviews available" \
  'd["tasks"] == {"draw": {"submitted": 4}, "review": {"available": 4}}'
for job in "$certified" "$contractors"; do
  out=$("$ctl" job status "$job" --json 2>&1)
  json_check "job $job: one draw accepted, one review available, the rest untouched" \
    'd["tasks"]["draw"] == {"accepted": 1, "submitted": 1, "available": 4} and d["tasks"]["review"]["available"] == 1'
done

# ---- through the API, as the demo's people --------------------------------------

out=$(python3 - "$url" "$XDG_CONFIG_HOME" "$project" "$consensus_job" "$merge_job" "$exam" "$certified" \
      "$contractors" <<'EOF' 2>&1
import json, struct, sys, time, urllib.error, urllib.request, zlib
server, config = sys.argv[1], sys.argv[2]
project, consensus, merge, exam, certified, contractors = map(int, sys.argv[3:9])
url = server + "/api/v1"

def call(method, path, token, body=None, raw=False):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + path, data=data, method=method)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            text = reply.read()
            return reply.status, text if raw else (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        return error.code, None

def png_size(data):
    """Decodes the PNG whole (8-bit, not interlaced): its size, or an assertion."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        assert zlib.crc32(kind + body) == struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    assert depth == 8 and interlace == 0
    assert len(zlib.decompress(idat)) == height * (1 + width * channels)
    return width, height

with open(config + "/quorum/credentials.json") as f:
    root = json.load(f)["servers"][server]["token"]
with open("demo.json") as f:
    accounts = {a["name"]: a for a in json.load(f)["accounts"]}
tokens = {}
for name, account in accounts.items():
    status, body = call("POST", "/login", None, {"user": name, "password": account["password"]})
    assert status == 200, (name, status)
    tokens[name] = body["token"]
result = {"logins": len(tokens)}

# Every file decodes at the size the server announces.
status, files = call("GET", "/projects/%d/files" % project, root)
sizes = set()
for f in files:
    status, record = call("GET", "/files/%d" % f["id"], root)
    status, data = call("GET", "/files/%d/content" % f["id"], root, raw=True)
    assert status == 200 and png_size(data) == (record["width"], record["height"]), f
    sizes.add((f["name"].startswith("street-"), record["width"], record["height"]))
result["files"] = len(files)
result["gold"] = sum(f["has_existing"] for f in files)
result["scene_sizes"] = sorted(s[1:] for s in sizes if s[0])
result["guide_images"] = sorted(f["name"] for f in files if f["name"].startswith("example-"))

# The consensus tasks carry scores, a file agreement strictly between 0 and 1.
agreements = []
for job in (consensus, merge):
    status, tasks = call("GET", "/jobs/%d/tasks" % job, root)
    for t in tasks:
        if t["kind"] == "consensus" and t["state"] == "available":
            for _ in range(100):
                status, view = call("GET", "/tasks/%d" % t["id"], root)
                if view["scores"] is not None:
                    break
                time.sleep(0.05)
            agreements.append((job, view["scores"]["agreement"], len(view["passes"])))
result["agreements"] = [(job == consensus, 0 < a < 1, passes) for job, a, passes in agreements]

# The guides are the project's, with their example images named.
status, guides = call("GET", "/projects/%d/guides" % project, root)
result["guides"] = len(guides)

# Work for the people the docs name.
status, task = call("POST", "/jobs/%d/next" % exam, tokens["tom"])
result["tom_exam"] = (status, task and task["kind"], task and len(task.get("gold", [])) > 0)
status, task = call("POST", "/jobs/%d/next" % consensus, tokens["rita"])
result["rita"] = (status, task and task["kind"])
status, task = call("POST", "/jobs/%d/next" % consensus, tokens["dan"])
result["dan"] = (status, task and task["state"])
status, task = call("POST", "/jobs/%d/next" % consensus, tokens["ben"])
result["ben"] = (status, task and task["state"], bool(task and task["comments"]))
# The credential-gated job: nothing for ben, work for ann (granted by hand).
status, _ = call("POST", "/jobs/%d/next" % certified, tokens["ben"])
result["ben_certified"] = status
status, task = call("POST", "/jobs/%d/next" % certified, tokens["ann"])
result["ann_certified"] = (status, task and task["kind"])
# olga reaches the organization's job only.
status, reached = call("GET", "/jobs", tokens["olga"])
result["olga_jobs"] = [j["id"] for j in reached]
print(json.dumps(result))
EOF
)
json_check "every account signs in with its printed password" 'd["logins"] == 7'
json_check "36 street scenes at 960×640 and the 2 guide images, each decoding at its announced size" \
  'd["files"] == 38 and d["scene_sizes"] == [[960, 640]]
   and d["guide_images"] == ["example-stop-sign.png", "example-tight-box.png"]'
json_check "gold instances on 16 files, the 2 guides in the project" 'd["gold"] == 16 and d["guides"] == 2'
json_check "consensus tasks: 2 in the consensus job with 3 passes, 2 in the merge job with 2; agreement in (0, 1)" \
  'sorted(map(tuple, d["agreements"])) == [(False, True, 2), (False, True, 2), (True, True, 3), (True, True, 3)]'
json_check "tom gets an exam review task, with the gold" 'd["tom_exam"] == [200, "review", True]'
json_check "rita gets a review or consensus task" 'd["rita"][0] == 200 and d["rita"][1] in ("review", "consensus")'
json_check "dan resumes his draw task in progress" 'd["dan"] == [200, "in_progress"]'
json_check "ben gets his draw task back, rejected, with rita's comments" 'd["ben"] == [200, "rejected", True]'
json_check "the job requiring the credential gives ben no task (403), ann a draw task" \
  'd["ben_certified"] in (403, 404) and d["ann_certified"] == [200, "draw"]'
json_check "olga reaches the organization's job only" "d['olga_jobs'] == [$contractors]"

# ---- the video ------------------------------------------------------------------

out=$(cat demo.json)
json_check "--json: the video project, its file and its launched job of two passes" \
  'd["video"]["project"]["name"] == "Traffic video" and d["video"]["project"]["id"] != d["project"]["id"]
   and d["video"]["file"]["name"] == "traffic-01.webm" and d["video"]["file"]["id"] > 0
   and [(j["name"], j["state"], j["settings"]["passes_per_file"], j["settings"]["review_frequency"])
        for j in d["video"]["jobs"]] == [("Traffic video — two passes", "launched", 2, 0)]
   and d["video"]["jobs"][0]["tasks"]["draw"] == {"available": 2}'
video_project=$(json_get 'd["video"]["project"]["id"]')
video_file=$(json_get 'd["video"]["file"]["id"]')
video_job=$(json_get 'd["video"]["jobs"][0]["id"]')
street_jobs=$(json_get 'max(j["id"] for j in d["jobs"])')
check "the video job comes after the street jobs (their ids stay as they were)" \
  "[ \"$video_job\" -gt \"$street_jobs\" ] && [ \"$video_file\" -gt 38 ]"

out=$(python3 - "$url" "$XDG_CONFIG_HOME" "$video_project" "$video_file" "$video_job" <<'EOF2' 2>&1
import json, sys, time, urllib.error, urllib.request
server, config = sys.argv[1], sys.argv[2]
project, video, job = map(int, sys.argv[3:6])
url = server + "/api/v1"

def call(method, path, token, body=None, raw=False):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + path, data=data, method=method)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            text = reply.read()
            return reply.status, text if raw else (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        return error.code, None

with open(config + "/quorum/credentials.json") as f:
    root = json.load(f)["servers"][server]["token"]
with open("demo.json") as f:
    accounts = {a["name"]: a for a in json.load(f)["accounts"]}
result = {}
# The server prepares the proxy in the background: ready within a minute.
deadline = time.time() + 60
while True:
    status, record = call("GET", "/files/%d" % video, root)
    if record["video"]["state"] != "preparing" or time.time() > deadline:
        break
    time.sleep(0.2)
result["file"] = [record["media_type"], record["width"], record["height"], record["frames"], record["fps"],
                  record["video"]["state"]]
status, frames = call("GET", "/files/%d/frames" % video, root)
result["index"] = (status, frames and len(frames["pts"]))
status, proxy = call("GET", "/files/%d/proxy" % video, root, raw=True)
result["proxy"] = (status, proxy[:4].hex() if proxy else None)
status, labels = call("GET", "/projects/%d/labels" % project, root)
result["labels"] = sorted((l["name"], l["kind"]) for l in labels["labels"]) if status == 200 else status
status, members = call("GET", "/projects/%d/members" % project, root)
result["members"] = sorted((m["name"], m["role"]) for m in members) if status == 200 else status
# Each annotator who asks gets a draw task of the video, until both passes are taken.
for name in ("cat", "ben", "ann"):
    status, body = call("POST", "/login", None, {"user": name, "password": accounts[name]["password"]})
    status, task = call("POST", "/jobs/%d/next" % job, body["token"])
    result[name] = (status, task and task["kind"], task and task["file"])
# olga, of the organization only, does not reach it.
status, body = call("POST", "/login", None, {"user": "olga", "password": accounts["olga"]["password"]})
status, _ = call("POST", "/jobs/%d/next" % job, body["token"])
result["olga"] = status
print(json.dumps(result))
EOF2
)
json_check "the video is prepared within a minute: 640×360, 150 frames at 30 fps" \
  'd["file"] == ["video", 640, 360, 150, 30, "ready"]'
json_check "its frame index lists 150 frames and its proxy is WebM" \
  'd["index"] == [200, 150] and d["proxy"] == [200, "1a45dfa3"]'
json_check "the video project has box labels car and truck and a polygon label crosswalk" \
  'd["labels"] == [["car", "box"], ["crosswalk", "polygon"], ["truck", "box"]]'
json_check "the street project's people are members in the same roles (and root, who made it), olga is not" \
  'd["members"] == [["ann", "annotator"], ["ben", "annotator"], ["cat", "annotator"], ["dan", "annotator"],
                    ["rita", "reviewer"], ["root", "admin"], ["tom", "admin"]]'
json_check "cat and ben each get a draw task of the video; with both passes taken ann gets none" \
  "d['cat'] == [200, 'draw', $video_file] and d['ben'] == [200, 'draw', $video_file] and d['ann'][0] != 200"
json_check "olga does not reach the video job" 'd["olga"] in (403, 404)'

# ---- a second run -------------------------------------------------------------

statuses () { for j in $consensus_job $merge_job $exam $certified $contractors $video_job; do "$ctl" job status "$j" --json; done; }
before=$(statuses)
out=$("$ctl" demo 2>&1); status=$?
check "demo again: exit 0, says the project is there and nothing changed" \
  "[ $status -eq 0 ] && grep -q 'already on' <<<\"\$out\" && grep -q 'nothing was changed' <<<\"\$out\""
after=$(statuses)
out="$before"
check "the task counts are the same" "[ \"\$before\" = \"\$after\" ]"
out=$("$ctl" demo --json 2>&1)
json_check "--json: created false, no accounts, the five jobs and the video's" \
  'd["created"] is False and d["accounts"] == [] and len(d["jobs"]) == 5
   and d["video"]["file"]["state"] == "ready" and len(d["video"]["jobs"]) == 1'
out=$("$ctl" project list --json 2>&1)
json_check "still the two projects" 'sorted(p["name"] for p in d) == ["Street scenes", "Traffic video"]'

# ---- not an administrator --------------------------------------------------------

ann_password=$(python3 -c 'import json; print([a["password"] for a in json.load(open("demo.json"))["accounts"] if a["name"] == "ann"][0])')
XDG_CONFIG_HOME=$dir/config-ann "$ctl" login --server "$url" ann <<<"$ann_password" >/dev/null 2>&1
out=$(XDG_CONFIG_HOME=$dir/config-ann "$ctl" demo 2>&1); status=$?
check "demo as a non-administrator: exit 1, says to sign in as one" \
  "[ $status -eq 1 ] && grep -q 'not a server administrator' <<<\"\$out\""

finish
