#!/bin/bash
# The SDK walkthrough of the seed with quorumctl against a real server:
# sign in, a project, labels, a folder of images, a guide, a job with two
# passes and a review of every second draw task, launch, the task counts
# DESIGN §2 predicts, the work done through the API by annotators and a
# reviewer, then the COCO and Quorum exports and a COCO import back.
# Arguments: the built quorumctl and quorum-server.
set -u

ctl=$1
server_bin=$2
. "$(dirname "$0")/cli-lib.sh"
helpers=${QUORUM_SOURCE_ROOT:-$(dirname "$0")/../..}/tests/server

# ---- a server with an administrator ----------------------------------------

need_server

# ---- sign in ------------------------------------------------------------------

out=$(echo "root password" | "$ctl" login --server "$url" root 2>&1); status=$?
check "login reads the password from stdin: exit 0" "[ $status -eq 0 ]"
check "login says who is signed in" "grep -q 'as root (administrator)' <<<\"\$out\""
creds=$XDG_CONFIG_HOME/quorum/credentials.json
check "the token is kept in credentials.json, mode 0600" "[ \"\$(stat -c %a \"$creds\")\" = 600 ]"
check "its folder is mode 0700" "[ \"\$(stat -c %a \"$XDG_CONFIG_HOME/quorum\")\" = 700 ]"
out=$(cat "$creds")
json_check "the file is keyed by server address and remembers the last server" \
  "d['last_server'] == '$url' and len(d['servers']['$url']['token']) == 64 and d['servers']['$url']['user'] == 'root'"

# From here on no --server: the last login's server is the default.
out=$("$ctl" project create Streets 2>&1); status=$?
check "project create prints the id" "[ $status -eq 0 ] && [ \"\$out\" = 1 ]"
project=1
out=$("$ctl" project list --json 2>&1)
json_check "project list shows it with the admin role" 'd[0]["name"] == "Streets" and d[0]["role"] == "admin"'

# ---- labels -------------------------------------------------------------------

out=$("$ctl" label add --project $project car --kind box --color '#e01b24' --attribute occluded:boolean 2>&1)
check "label add car: exit 0" "[ $? -eq 0 ]"
out=$("$ctl" label add --project $project lane --kind polyline --color '#3584e4' \
      --attribute 'type:single_choice:solid,dashed' 2>&1)
check "label add lane: exit 0" "[ $? -eq 0 ]"
out=$("$ctl" label list --project $project --json 2>&1)
json_check "label list: both labels, kinds, colours, attributes" \
  '[(l["name"], l["kind"], l["color"]) for l in d["labels"]] == [("car", "box", "#e01b24"), ("lane", "polyline", "#3584e4")]
   and d["labels"][0]["attributes"] == [{"name": "occluded", "type": "boolean"}]
   and d["labels"][1]["attributes"][0]["options"] == ["solid", "dashed"]'
out=$("$ctl" label add --project $project car --kind box 2>&1); status=$?
check "a second label “car” is refused by the server: exit 1" "[ $status -eq 1 ]"

# ---- a folder of images -------------------------------------------------------

mkdir images
python3 - "$helpers" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
from quorum_test_server import png
for i in range(4):
    open("images/street-%02d.png" % i, "wb").write(png(40, 30, 30 + 40 * i))
EOF
out=$("$ctl" file upload --project $project images 2>&1); status=$?
check "file upload of a folder: exit 0" "[ $status -eq 0 ]"
check "one plain line per file, all new" "[ \$(grep -c \$'\\tnew\$' <<<\"\$out\") -eq 4 ]"
out=$("$ctl" file upload --project $project --json images/street-00.png 'images/*.png' 2>&1); status=$?
check "uploading them again: exit 0" "[ $status -eq 0 ]"
json_check "a file given twice goes once; the server answers the existing ids" \
  'len(d) == 4 and all(f["existed"] for f in d) and sorted(f["id"] for f in d) == [1, 2, 3, 4]'
out=$("$ctl" file list --project $project --json 2>&1)
json_check "file list: four 40×30 PNGs" 'len(d) == 4 and all(f["width"] == 40 and f["height"] == 30 for f in d)'
files=$(json_get '" ".join(str(f["id"]) for f in d)')

# ---- a guide ------------------------------------------------------------------

printf '# Drawing cars\n\nDraw a **tight** box around every car.\n' > guide.md
out=$("$ctl" guide new --project $project "Drawing cars" guide.md 2>&1); status=$?
check "guide new prints the id" "[ $status -eq 0 ] && [ \"\$out\" = 1 ]"
guide=1
printf '# Drawing cars\n\nDraw a **tight** box around every car, mirrors included.\n' > guide2.md
out=$("$ctl" guide update $guide guide2.md --json 2>&1)
json_check "guide update replaces the text and keeps the name" \
  'd["name"] == "Drawing cars" and "mirrors included" in d["markdown"]'

# ---- people -------------------------------------------------------------------

for who in ann ben rev; do
  echo "$who-password" | "$ctl" user create "$who" --password-stdin >/dev/null 2>&1
done
out=$("$ctl" project members $project --set ann=annotator --set ben=annotator --set rev=reviewer --json 2>&1)
json_check "project members --set by name adds annotators and a reviewer" \
  'sorted((m["name"], m["role"]) for m in d) == [("ann", "annotator"), ("ben", "annotator"), ("rev", "reviewer"), ("root", "admin")]'
# Each person signs in with quorumctl in their own configuration folder.
for who in ann ben rev; do
  XDG_CONFIG_HOME=$dir/config-$who "$ctl" login --server "$url" "$who" <<<"$who-password" >/dev/null 2>&1
done

# ---- the job ------------------------------------------------------------------

# shellcheck disable=SC2086
out=$("$ctl" job new --project $project "Street cars" --passes 2 --review-frequency 2 --guide $guide \
      --json $files 2>&1); status=$?
check "job new: exit 0" "[ $status -eq 0 ]"
json_check "the job is a draft with P 2, R 2, the guide and the four files" \
  'd["state"] == "draft" and d["settings"]["passes_per_file"] == 2 and d["settings"]["review_frequency"] == 2
   and d["settings"]["draw_guide"] == "1" and len(d["files"]) == 4'
job=$(json_get 'd["id"]')
out=$("$ctl" job launch "$job" 2>&1)
check "job launch: exit 0" "[ $? -eq 0 ]"
out=$("$ctl" job launch "$job" 2>&1); status=$?
check "launching twice is refused (422): exit 1" "[ $status -eq 1 ] && grep -q draft <<<\"\$out\""

# 4 files × 2 passes = 8 draw tasks; k = 2, 4, 6, 8 are reviewed; 4 consensus tasks.
out=$("$ctl" job status "$job" --json 2>&1)
json_check "job status: 8 draws available, 4 reviews and 4 consensus tasks waiting" \
  'd["tasks"] == {"draw": {"available": 8}, "review": {"waiting": 4}, "consensus": {"waiting": 4}}
   and [f["tasks"] for f in d["files"]] == [4, 4, 4, 4]'
out=$("$ctl" job status "$job" 2>&1)
check "job status as a table: a row per kind" \
  "grep -Eq '^draw +0 +8 ' <<<\"\$out\" && grep -Eq '^consensus +4 ' <<<\"\$out\""
out=$("$ctl" task list --job "$job" --json 2>&1)
json_check "task list: 16 tasks with file names" \
  'len(d) == 16 and sum(t["kind"] == "review" for t in d) == 4 and all(t["file_name"].startswith("street-") for t in d)'

# ---- the work, through the API ------------------------------------------------

out=$(python3 - "$url" "$job" "$dir" <<'EOF' 2>&1
import json, sys, time, urllib.error, urllib.request
url, job, folder = sys.argv[1] + "/api/v1", int(sys.argv[2]), sys.argv[3]

def token(who):
    with open("%s/config-%s/quorum/credentials.json" % (folder, who)) as f:
        return json.load(f)["servers"][sys.argv[1]]["token"]

def call(method, path, tok, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Authorization", "Bearer " + tok)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            text = reply.read()
            return reply.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")

ann, ben, rev = token("ann"), token("ben"), token("rev")
drawn = 0
# Each annotator draws a car box, shifted a little per person, on every file.
for step in range(8):
    who, tok, shift = (("ann", ann, 0), ("ben", ben, 2))[step % 2]
    status, task = call("POST", "/jobs/%d/next" % job, tok)
    assert status == 200 and task["kind"] == "draw", (status, task)
    box = {"id": "%s-%d" % (who, task["id"]), "label": "car", "kind": "box",
           "points": [[4 + shift, 4], [24 + shift, 20]], "attributes": {"occluded": False}}
    status, saved = call("PUT", "/tasks/%d/instances" % task["id"], tok,
                         {"version": task["version"], "instances": [box]})
    assert status == 200, saved
    status, body = call("POST", "/tasks/%d/submit" % task["id"], tok, {"version": saved["version"]})
    assert status == 200, body
    drawn += 1
reviewed = consensus = 0
for _ in range(30):
    status, task = call("POST", "/jobs/%d/next" % job, rev)
    # Nothing left (204), or the last acceptance completed the job (422).
    if status == 204 or (status == 422 and "complete" in task["error"]["message"]):
        break
    assert status == 200, (status, task)
    if task["kind"] == "consensus":
        # Wait for the agreement, computed off the main loop.
        for _ in range(100):
            if task["scores"] is not None:
                break
            time.sleep(0.05)
            status, task = call("GET", "/tasks/%d" % task["id"], rev)
        assert task["scores"] is not None, task
        consensus += 1
    else:
        reviewed += 1
    status, body = call("POST", "/tasks/%d/accept" % task["id"], rev, {"comments": "fine"})
    assert status == 200, body
print(json.dumps({"drawn": drawn, "reviewed": reviewed, "consensus": consensus}))
EOF
)
json_check "the annotators drew 8 tasks, the reviewer did 4 reviews and 4 consensus tasks" \
  'd == {"drawn": 8, "reviewed": 4, "consensus": 4}'

out=$("$ctl" job status "$job" --json 2>&1)
json_check "job status: complete, every task accepted or complete" \
  'd["state"] == "complete" and d["tasks"] == {"draw": {"accepted": 8}, "review": {"complete": 4}, "consensus": {"complete": 4}}
   and all(f["done"] == f["tasks"] for f in d["files"])'

# task assign JOB FILE USER is task add-reader: it reaches the readers route,
# which takes no reader once the job is complete.
file=$("$ctl" task list --job "$job" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["file"])')
out=$("$ctl" task assign "$job" "$file" ann 2>&1); status=$?
check "task assign JOB FILE USER asks the readers route: a complete job takes none (exit 1)" \
  "[ $status -eq 1 ] && grep -q 'readers are added to a launched job' <<<\"\$out\""
out=$("$ctl" task assign 1 2 3 4 2>&1); status=$?
check "task assign with four arguments is a usage error (exit 2)" "[ $status -eq 2 ]"

# ---- exports ------------------------------------------------------------------

out=$("$ctl" export --job "$job" --format coco -o coco.json 2>&1); status=$?
check "export --format coco -o: exit 0" "[ $status -eq 0 ] && [ -s coco.json ]"
out=$(cat coco.json)
json_check "COCO: four images, the labels as categories, one car per image (the consensus output)" \
  'len(d["images"]) == 4 and [c["name"] for c in d["categories"]] == ["car", "lane"]
   and len(d["annotations"]) == 4 and sorted(a["image_id"] for a in d["annotations"]) == [1, 2, 3, 4]
   and all(a["bbox"][2:] == [20, 16] for a in d["annotations"])'

out=$("$ctl" export --job "$job" --format quorum --versions all -o quorum.json 2>&1); status=$?
check "export --format quorum: exit 0" "[ $status -eq 0 ]"
out=$(cat quorum.json)
# Boxes 20×16 shifted by 2: IoU 18·16 / (2·320 − 288) = 288/352 = 9/11 for every file.
json_check "Quorum export: two versions per file, scores present, a best version named" \
  'd["format"] == "quorum-export" and len(d["files"]) == 4
   and all(len(f["versions"]) == 2 and {v["annotator"] for v in f["versions"]} == {"ann", "ben"} for f in d["files"])
   and all(abs(f["agreement"] - 9/11) < 1e-9 and f["best"] in [v["task"] for v in f["versions"]] for f in d["files"])
   and all(len(f["scores"]["pairs"]) == 1 and f["output"] is not None and len(f["output"]) == 1 for f in d["files"])'
out=$("$ctl" export --job "$job" --format quorum --versions best 2>&1)
json_check "export to standard output with --versions best: no versions" \
  'len(d["files"]) == 4 and all("versions" not in f or not f["versions"] for f in d["files"])'

# ---- import -------------------------------------------------------------------

out=$("$ctl" import coco coco.json --project $project --json 2>&1); status=$?
if [ $status -ne 0 ] && grep -q 'no such path\|not found\|404' <<<"$out"; then
  n=$((n + 1)); echo "not ok $n - import coco # TODO POST /projects/{id}/import/coco is not in this build"
else
  check "import coco of the export: exit 0" "[ $status -eq 0 ]"
  json_check "import coco: four files, four instances, nothing unmatched" \
    'd["files"] == 4 and d["instances"] == 4 and not d["unmatched"]'
  out=$("$ctl" file list --project $project --json 2>&1)
  json_check "every file now has existing instances" 'all(f["has_existing"] for f in d)'
fi

# ---- a credential granted and revoked with reasons ----------------------------

credential=$("$ctl" credential new --project $project "Night driving" 2>&1)
check "credential new prints the id" "[[ \"\$credential\" =~ ^[0-9]+\$ ]]"
out=$("$ctl" credential grant "$credential" ann --reason "Passed the city’s night course" 2>&1)
check "credential grant --reason: exit 0" "[ $? -eq 0 ]"
out=$("$ctl" credential revoke "$credential" ann --reason "Left the night team" 2>&1)
check "credential revoke --reason: exit 0" "[ $? -eq 0 ]"
out=$(python3 - "$url" "$creds" "$credential" <<'EOF'
import json, sys, urllib.request
url, creds, credential = sys.argv[1:]
token = json.load(open(creds))["servers"][url]["token"]
request = urllib.request.Request("%s/api/v1/credentials/%s/grants?include=revoked" % (url, credential),
                                 headers={"Authorization": "Bearer " + token})
print(urllib.request.urlopen(request).read().decode())
EOF
)
json_check "the server kept both reasons" \
  'd[0]["name"] == "ann" and d[0]["reason"] == "Passed the city’s night course"
   and d[0]["revoke_reason"] == "Left the night team"'
out=$("$ctl" credential grant "$credential" ann --reason "$(printf 'x%.0s' $(seq 501))" 2>&1); status=$?
check "a reason over 500 characters is refused by the server, naming the field: exit 1" \
  "[ $status -eq 1 ] && grep -q 'reason: at most 500 characters' <<<\"\$out\""

# ---- logout -------------------------------------------------------------------

out=$("$ctl" logout 2>&1); status=$?
check "logout: exit 0" "[ $status -eq 0 ]"
out=$(cat "$creds")
json_check "logout removes the token from the file" "'$url' not in d['servers']"
out=$("$ctl" project list --server "$url" 2>&1); status=$?
check "signed out, the server refuses (401): exit 1 and a hint to log in" \
  "[ $status -eq 1 ] && grep -q 'quorumctl login' <<<\"\$out\""

finish
