#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The desktop app end to end, as a user drives it (TAP): a real quorum-server
# filled by `quorumctl demo`, the real app window under Xvfb, the keyboard and
# the mouse through xdotool. The annotator cat signs in on the form, the next
# task of the consensus job opens (--open-next), she draws a box with the box
# tool (B) and a four-point polygon with the polygon tool (P, four clicks,
# Enter) and submits (Ctrl+Enter). The server must then hold exactly those
# two instances, the box's corners where the mouse dragged.
#
# Needs DISPLAY (build-aux/run-tests runs it under xvfb-run), xdotool,
# ImageMagick's import and convert, python3.
set -u

build=${QUORUM_BUILD_ROOT:?QUORUM_BUILD_ROOT is not set}
logdir="$build/meson-logs/e2e"
mkdir -p "$logdir"
work=$(mktemp -d "${TMPDIR:-/tmp}/quorum-e2e-XXXXXX")
server_pid=""
app_pid=""

cleanup () {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () {
  n=$((n + 1)); failed=1
  echo "not ok $n - $1"
  shot="$logdir/failure-$n.png"
  import -window root "$shot" 2>/dev/null && echo "# screenshot: $shot"
  [ -f "$work/app.log" ] && sed 's/^/# app: /' "$work/app.log" | tail -20
}
bail () { not_ok "$1"; echo "Bail out! $1"; exit 1; }

if [ -z "${DISPLAY:-}" ]; then echo "1..0 # SKIP no display"; exit 0; fi
for tool in xdotool import convert python3; do
  command -v $tool >/dev/null || { echo "1..0 # SKIP $tool is not installed"; exit 0; }
done
echo "1..8"

# ---- a server with the demo project ----------------------------------------
export QUORUM_PWHASH_FAST=1
printf 'admin-password\n' | "$build/src/server/quorum-server" --data "$work/data" --create-admin admin >/dev/null 2>&1
"$build/src/server/quorum-server" --data "$work/data" --listen 127.0.0.1:0 >"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$work/server.log")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || bail "quorum-server starts"
address="http://127.0.0.1:$port"
if ! (export XDG_CONFIG_HOME="$work/admin-config" QUORUM_CREDENTIALS_STORE=file
      printf 'admin-password\n' | "$build/src/cli/quorumctl" login --server "$address" admin >/dev/null &&
      "$build/src/cli/quorumctl" demo --server "$address" --json >"$work/demo.json"); then
  bail "quorumctl demo fills the server"
fi
ok "a server filled by quorumctl demo at $address"

# The API, as the administrator, for the checks.
api () {
  python3 - "$address" "$@" <<'PY'
import json, sys, urllib.request
address, what = sys.argv[1], sys.argv[2]
def call(method, path, body=None, token=None):
    request = urllib.request.Request(address + "/api/v1" + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as reply:
        text = reply.read()
        return json.loads(text) if text else None
token = call("POST", "/login", {"user": "admin", "password": "admin-password"})["token"]
if what == "cat-tasks":
    # cat's tasks of job 1 as "id state" lines
    for task in call("GET", "/jobs/1/tasks", token=token):
        if task["assignee_name"] == "cat":
            print(task["id"], task["state"])
elif what == "task":
    print(json.dumps(call("GET", "/tasks/" + sys.argv[3], token=token)))
PY
}

password=$(python3 -c 'import json,sys; print([a["password"] for a in json.load(open(sys.argv[1]))["accounts"] if a["name"] == "cat"][0])' "$work/demo.json")
api cat-tasks >"$work/before.txt" || bail "the API answers the administrator"

# ---- the app, on fresh XDG folders -----------------------------------------
mkdir -p "$work/config" "$work/share" "$work/cache"
(
  export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/share" XDG_CACHE_HOME="$work/cache"
  export QUORUM_CREDENTIALS_STORE=file GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data"
  export QUORUM_LOCALEDIR="$build/po" NO_AT_BRIDGE=1 GTK_A11Y=none QUORUM_TIMING=1
  exec "$build/src/app/quorum" --server "$address" --open-next 1
) >"$work/app.log" 2>&1 &
app_pid=$!

window=""
for _ in $(seq 100); do
  window=$(xdotool search --onlyvisible --name '^Quorum$' 2>/dev/null | head -1)
  [ -n "$window" ] && break
  sleep 0.1
done
[ -n "$window" ] || bail "the app's window appears"
sleep 0.5
eval "$(xdotool getwindowgeometry --shell "$window")"   # X Y WIDTH HEIGHT
ok "the app's window appears (${WIDTH}x${HEIGHT} at $X,$Y)"

# ---- sign in on the form: the server is filled in, the user field has focus ----
xdotool windowfocus --sync "$window" 2>/dev/null || true
xdotool type --delay 15 "cat"
xdotool key Tab
xdotool type --delay 15 "$password"
xdotool key Return

task=""
for _ in $(seq 100); do
  task=$(api cat-tasks | grep -v -x -F -f "$work/before.txt" | awk '$2 == "assigned" || $2 == "in_progress" { print $1; exit }')
  [ -n "$task" ] && break
  sleep 0.1
done
[ -n "$task" ] || bail "signed in, the next task of job 1 is taken"
ok "signed in as cat; the next task ($task) is hers"

# The image on the canvas: find its rows in a strip down the canvas's middle
# (the canvas lies between the task list and the side panel).
canvas_mid=$((X + 280 + (WIDTH - 280 - 300) / 2))
image_box=""
for _ in $(seq 50); do
  sleep 0.2
  import -window root "$work/screen.png" 2>/dev/null || continue
  convert "$work/screen.png" -crop "20x$((HEIGHT - 100))+$((canvas_mid - 10))+$((Y + 60))" +repage \
    -fuzz 3% -trim "$work/strip.png" 2>/dev/null || continue
  # A street scene, not an empty or loading page: colourful (the sky).
  saturation=$(convert "$work/strip.png" -colorspace HSL -channel G -separate +channel \
                 -format '%[fx:round(100*mean)]' info: 2>/dev/null)
  image_box=$(convert "$work/strip.png" -format '%w %h %X %Y' info: 2>/dev/null)
  set -- $image_box
  [ "${2:-0}" -gt 100 ] && [ "${saturation:-0}" -gt 10 ] && break
  image_box=""
done
[ -n "$image_box" ] || bail "the task's image is drawn on the canvas"
set -- $image_box
image_top=$((Y + 60 + ${4#+}))
image_height=$2
ok "the task's image is drawn (rows $image_top to $((image_top + image_height)))"

# Screen points inside the image: rows from its fraction, columns about the
# canvas's middle.
at_row () { python3 -c "print(round($image_top + $1 * $image_height))"; }
bx0=$((canvas_mid - 120)); by0=$(at_row 0.30)
bx1=$((canvas_mid - 20));  by1=$(at_row 0.55)
px0=$((canvas_mid + 40));  py0=$(at_row 0.25)
px1=$((canvas_mid + 140)); py1=$(at_row 0.30)
px2=$((canvas_mid + 120)); py2=$(at_row 0.70)
px3=$((canvas_mid + 30));  py3=$(at_row 0.60)

# ---- draw: a box with B and a drag ------------------------------------------
xdotool key b
sleep 0.2
xdotool mousemove "$bx0" "$by0"; sleep 0.1
xdotool mousedown 1; sleep 0.1
xdotool mousemove $(((bx0 + bx1) / 2)) $(((by0 + by1) / 2)); sleep 0.1
xdotool mousemove "$bx1" "$by1"; sleep 0.1
xdotool mouseup 1; sleep 0.3

# ---- a polygon with P, four clicks and Enter --------------------------------
xdotool key p
sleep 0.2
for point in "$px0 $py0" "$px1 $py1" "$px2 $py2" "$px3 $py3"; do
  set -- $point
  xdotool mousemove "$1" "$2"; sleep 0.1
  xdotool click 1; sleep 0.25
done
xdotool key Return
sleep 0.5
import -window root "$logdir/drawn.png" 2>/dev/null
ok "a box and a polygon drawn with the mouse"

# ---- submit with Ctrl+Enter -------------------------------------------------
xdotool key ctrl+Return
state=""
for _ in $(seq 100); do
  state=$(api task "$task" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
  [ "$state" = submitted ] || [ "$state" = accepted ] && break
  sleep 0.1
done
if [ "$state" = submitted ] || [ "$state" = accepted ]; then
  ok "Ctrl+Enter submitted the task ($state)"
else
  not_ok "Ctrl+Enter submitted the task (state: $state)"
fi

# ---- what the server holds --------------------------------------------------
api task "$task" >"$work/task.json"
if python3 - "$work/task.json" "$image_top" "$image_height" \
     "$bx0 $by0 $bx1 $by1" "$px0 $py0 $px1 $py1 $px2 $py2 $px3 $py3" "$X" <<'PY'
import json, sys
task = json.load(open(sys.argv[1]))
top, height = float(sys.argv[2]), float(sys.argv[3])
box_mouse = [float(v) for v in sys.argv[4].split()]
polygon_mouse = [float(v) for v in sys.argv[5].split()]
window_x = float(sys.argv[6])
image_height = task["file_info"]["height"]
scale = height / image_height              # screen pixels per image pixel
tolerance = 2.5 / scale + 1                # image pixels: a screen pixel or two either way
instances = task["instances"]
kinds = sorted(i["kind"] for i in instances)
assert kinds == ["box", "polygon"], "instances: %s" % kinds
box = next(i for i in instances if i["kind"] == "box")
polygon = next(i for i in instances if i["kind"] == "polygon")
assert box["label"] == "car" and polygon["label"] == "sign", (box["label"], polygon["label"])
assert len(polygon["points"]) == 4, polygon["points"]
(bx0, by0), (bx1, by1) = box["points"]
corners = [(min(bx0, bx1), min(by0, by1)), (max(bx0, bx1), max(by0, by1))]
mouse = [(box_mouse[0], box_mouse[1]), (box_mouse[2], box_mouse[3])]
points = list(zip(corners, mouse)) + list(zip([tuple(p) for p in polygon["points"]],
                                             zip(polygon_mouse[0::2], polygon_mouse[1::2])))
# Rows: where the image was found on screen. Columns: one offset shared by
# every point (the canvas's left edge is not measured), within the layout.
offsets = []
for (ix, iy), (mx, my) in points:
    expected_y = (my - top) / scale
    assert abs(iy - expected_y) <= tolerance, "y %.1f, mouse says %.1f (±%.1f)" % (iy, expected_y, tolerance)
    offsets.append(mx - ix * scale)
spread = max(offsets) - min(offsets)
assert spread <= 3, "x offsets spread %.1f screen pixels: %s" % (spread, offsets)
left = sum(offsets) / len(offsets) - window_x
assert 200 <= left <= 400, "the image's left edge at %.0f in the window" % left
print("# box %s, scale %.3f, tolerance %.1f image px" % (box["points"], scale, tolerance))
PY
then
  ok "the server holds exactly one box and one polygon, the box's corners where the mouse dragged"
else
  not_ok "the server holds exactly one box and one polygon, the box's corners where the mouse dragged"
fi

timing=$(sed -n 's/^quorum: launch to first task drawn: //p' "$work/app.log")
if [ -n "$timing" ]; then
  ok "QUORUM_TIMING=1 reports launch to first task drawn: $timing"
else
  not_ok "QUORUM_TIMING=1 reports launch to first task drawn"
fi
exit $failed
