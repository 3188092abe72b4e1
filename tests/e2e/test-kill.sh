#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The app process killed with SIGKILL right after an edit finds the edit on
# restart (TAP). A real quorum-server filled by `quorumctl demo`; the
# annotator cat signs in on the form and the next task of job 1 opens
# (--open-next). The server is then stopped, so the edit cannot reach it;
# she draws a box, and the app is killed with SIGKILL at once (about 0.1 s
# after the mouse-up). The local cache must hold the box and its outbox
# entry; the server, started again on the same data folder and port, must
# not hold it yet. The app, started again the same way, sends the outbox:
# the server must then hold exactly that one box, its corners where the
# mouse dragged, and the app must show the task with the box.
#
# Needs DISPLAY (build-aux/run-tests runs it under xvfb-run), xdotool,
# ImageMagick's import and convert, python3. The helpers are in e2e-lib.sh.
set -u

e2e_name=e2e-kill
. "$(dirname "$0")/e2e-lib.sh"
echo "1..14"

# ---- a server with the demo project ----------------------------------------
create_admin
start_server || bail "quorum-server starts"
fill_demo || bail "quorumctl demo fills the server"
ok "a server filled by quorumctl demo at $address"

password=$(demo_password cat)
api cat-tasks >"$work/before.txt" || bail "the API answers the administrator"

# ---- the app, on fresh XDG folders; sign in on the form ---------------------
start_app "$work/app.log" --server "$address" --open-next 1
wait_window || bail "the app's window appears"
sign_in cat "$password"
wait_cat_task || bail "signed in, the next task of job 1 is taken"
ok "signed in as cat; the next task ($task) is hers"

# QUORUM_TIMING=1 says when the task is drawn, and with how many instances.
drawn_line () {
  for _ in $(seq 150); do
    line=$(sed -n 's/^quorum: launch to first task drawn: //p' "$1")
    [ -n "$line" ] && break
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$line"
}
drawn=$(drawn_line "$work/app.log")
case $drawn in
  *"(task $task, 0 instances,"*) ;;
  *) bail "the task is drawn, without instances (QUORUM_TIMING: ${drawn:-nothing})" ;;
esac
find_image "$work/before.png" || bail "the task's image is drawn on the canvas"
first_top=$image_top first_height=$image_height
ok "the task's image is drawn (rows $image_top to $((image_top + image_height))): $drawn"

# The box: rows from fractions of the image, columns about the canvas's middle.
bx0=$((canvas_mid - 120)); by0=$(at_row 0.30)
bx1=$((canvas_mid - 20));  by1=$(at_row 0.55)
api task "$task" >"$work/task-before.json"
image_pixels=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["file_info"]["height"])' "$work/task-before.json")

# check_box FILE: FILE holds a JSON array of instances: exactly one, a car
# box, its corners where the mouse dragged (the tolerance of test-e2e.sh).
check_box () {
  python3 - "$1" "$image_top" "$image_height" "$image_pixels" "$bx0 $by0 $bx1 $by1" "$X" <<'PY'
import json, sys
instances = json.load(open(sys.argv[1]))
top, height, image_height = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
box_mouse = [float(v) for v in sys.argv[5].split()]
window_x = float(sys.argv[6])
scale = height / image_height              # screen pixels per image pixel
tolerance = 2.5 / scale + 1                # image pixels: a screen pixel or two either way
kinds = [i["kind"] for i in instances]
assert kinds == ["box"], "instances: %s" % kinds
box = instances[0]
assert box["label"] == "car", box["label"]
(bx0, by0), (bx1, by1) = box["points"]
corners = [(min(bx0, bx1), min(by0, by1)), (max(bx0, bx1), max(by0, by1))]
mouse = [(box_mouse[0], box_mouse[1]), (box_mouse[2], box_mouse[3])]
offsets = []
for (ix, iy), (mx, my) in zip(corners, mouse):
    expected_y = (my - top) / scale
    assert abs(iy - expected_y) <= tolerance, "y %.1f, mouse says %.1f (±%.1f)" % (iy, expected_y, tolerance)
    offsets.append(mx - ix * scale)
spread = max(offsets) - min(offsets)
assert spread <= 3, "x offsets spread %.1f screen pixels: %s" % (spread, offsets)
# The task list floats at the first size: the canvas, and the image fitted
# across its width, start at the window's left edge.
left = sum(offsets) / len(offsets) - window_x
assert 0 <= left <= 40, "the image's left edge at %.0f in the window" % left
print("# box %s, scale %.3f, tolerance %.1f image px" % (box["points"], scale, tolerance))
PY
}

# ---- the server goes away: the edit cannot reach it --------------------------
kill "$server_pid"
wait "$server_pid" 2>/dev/null
server_pid=""
if python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$port" 2>/dev/null; then
  bail "the server is stopped (port $port still answers)"
fi
ok "the server is stopped (port $port refuses connections)"

# ---- the offline banner: it pushes the canvas down, the image with it -------
# The box is drawn where the image is then, at the same fractions of its
# height; the columns stay (the image is fitted across the canvas's width).
# The image is looked for below its first top: the banner is above it;
# moved, and in the same place twice running (the banner slides in).
started=$(date +%s%N)
previous=$first_top
for _ in $(seq 30); do
  find_image "$work/offline.png" $((first_top - 8)) || continue
  [ "$image_top" -ne "$first_top" ] && [ "$image_top" -eq "$previous" ] && break
  previous=$image_top
  sleep 0.1
done
if [ "$image_top" -ne "$first_top" ]; then
  ok "the offline banner shows within $((($(date +%s%N) - started) / 1000000)) ms: the image moves from row $first_top to $image_top"
else
  not_ok "the offline banner shows: the image stays at row $first_top"
fi
by0=$(at_row 0.30)
by1=$(at_row 0.55)

# ---- a box with B and a drag, and SIGKILL right after the mouse-up ----------
xdotool key b
sleep 0.2
xdotool mousemove "$bx0" "$by0"; sleep 0.1
xdotool mousedown 1; sleep 0.1
xdotool mousemove $(((bx0 + bx1) / 2)) $(((by0 + by1) / 2)); sleep 0.1
xdotool mousemove "$bx1" "$by1"; sleep 0.1
xdotool mouseup 1
up=$(date +%s%N)
sleep 0.1
kill -9 "$app_pid"
killed=$(date +%s%N)
wait "$app_pid" 2>/dev/null
status=$?
app_pid=""
if [ "$status" -eq 137 ]; then
  ok "a box drawn; the app killed with SIGKILL $(((killed - up) / 1000000)) ms after the mouse-up"
else
  bail "a box drawn; the app killed with SIGKILL (it ended with status $status)"
fi

# ---- the local cache: the box and its outbox entry ---------------------------
# A copy of the database and its write-ahead log, as the killed app left them
# (the app recovers the log itself on restart).
cache_db="$work/share/quorum/127.0.0.1-$port/cat/cache.sqlite"
mkdir -p "$work/inspect"
cp "$cache_db" "$work/inspect/cache.sqlite" 2>/dev/null || bail "the cache is at $cache_db"
[ -f "$cache_db-wal" ] && cp "$cache_db-wal" "$work/inspect/cache.sqlite-wal"

# cache_query DATABASE WHAT TASK: working (the instances), outbox (its
# entries for TASK as JSON lines), outbox-all (the number of entries),
# conflicts (the number of conflict copies).
cache_query () {
  python3 - "$@" <<'PY'
import json, sqlite3, sys
database, what, task = sys.argv[1], sys.argv[2], int(sys.argv[3])
db = sqlite3.connect(database)
if what == "working":
    row = db.execute("SELECT instances FROM working WHERE task = ?", (task,)).fetchone()
    print(row[0] if row else "null")
elif what == "outbox":
    for kind, payload, base in db.execute(
            "SELECT kind, payload, base_version FROM outbox WHERE task = ? ORDER BY id", (task,)):
        print(json.dumps({"kind": kind, "payload": json.loads(payload), "base_version": base}))
elif what == "outbox-all":
    print(db.execute("SELECT count(*) FROM outbox").fetchone()[0])
elif what == "conflicts":
    print(db.execute("SELECT count(*) FROM conflicts").fetchone()[0])
PY
}

cache_query "$work/inspect/cache.sqlite" working "$task" >"$work/working.json" 2>"$work/cache-error.txt"
if result=$(check_box "$work/working.json" 2>&1); then
  ok "the cache holds the box in task $task's working instances"
  echo "$result"
else
  not_ok "the cache holds the box in task $task's working instances"
  echo "$result" | sed 's/^/# /'
  sed 's/^/# working: /' "$work/working.json" "$work/cache-error.txt"
fi

cache_query "$work/inspect/cache.sqlite" outbox "$task" >"$work/outbox.txt" 2>>"$work/cache-error.txt"
base=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$work/task-before.json")
if [ "$(wc -l <"$work/outbox.txt")" -eq 1 ] &&
   python3 -c '
import json, sys
op = json.loads(open(sys.argv[1]).read())
assert op["kind"] == "save" and op["base_version"] == int(sys.argv[3]), op
json.dump(op["payload"], open(sys.argv[2], "w"))' "$work/outbox.txt" "$work/payload.json" "$base" &&
   check_box "$work/payload.json" >/dev/null; then
  ok "the outbox holds one save of the box, based on version $base"
else
  not_ok "the outbox holds one save of the box, based on version $base"
  sed 's/^/# outbox: /' "$work/outbox.txt" "$work/cache-error.txt"
fi

# ---- the server again, on the same data folder and port: no box yet ---------
start_server "127.0.0.1:$port" "$work/server-2.log" || bail "quorum-server starts again on port $port"
api task "$task" >"$work/task-restarted.json"
count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["instances"]))' "$work/task-restarted.json")
if [ "$count" = 0 ]; then
  ok "the server, started again on port $port, does not hold the box yet"
else
  not_ok "the server, started again on port $port, does not hold the box yet ($count instances)"
fi

# ---- the app again, the same way: signed in at once, the outbox is sent -----
start_app "$work/app-2.log" --server "$address" --user cat --open-next 1
if wait_window; then
  ok "the app starts again, signed in as cat"
else
  bail "the app starts again, signed in as cat"
fi

deadline=$(($(date +%s) + 30))
while [ "$(date +%s)" -lt "$deadline" ]; do
  api task "$task" >"$work/task-after.json" 2>/dev/null &&
    python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["instances"], open(sys.argv[2], "w"))' \
      "$work/task-after.json" "$work/instances-after.json" &&
    check_box "$work/instances-after.json" >"$work/check.txt" 2>&1 && break
  sleep 0.1
done
if check_box "$work/instances-after.json" >"$work/check.txt" 2>&1; then
  ok "the outbox is sent: the server holds exactly the one box, its corners where the mouse dragged"
  cat "$work/check.txt"
else
  not_ok "the outbox is sent within 30 s: the server holds exactly the one box, its corners where the mouse dragged"
  sed 's/^/# /' "$work/check.txt"
fi

# The app shows the task with the box: QUORUM_TIMING=1 counts the instances
# of the first frame, and the box's edges are in the label's colour on screen.
drawn=$(drawn_line "$work/app-2.log")
case $drawn in
  *"(task $task, 1 instances,"*) ok "the app shows task $task with the box: $drawn" ;;
  *) not_ok "the app shows task $task with the box (QUORUM_TIMING: ${drawn:-nothing})" ;;
esac

# The car label's colour #e01b24 along the box's four edges (a pixel or two
# either way), in a screenshot of the restarted app, and not in the one taken
# before the edit.
edges () {
  convert "$1" "$work/shot.ppm" 2>/dev/null &&
  python3 - "$work/shot.ppm" "$bx0 $by0 $bx1 $by1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
fields, at = [], 0
while len(fields) < 4:            # P6 WIDTH HEIGHT MAXVAL, whitespace and comments between
    while data[at:at + 1].isspace(): at += 1
    if data[at:at + 1] == b"#":
        at = data.index(b"\n", at); continue
    end = at
    while not data[end:end + 1].isspace(): end += 1
    fields.append(data[at:end]); at = end
at += 1
width, height = int(fields[1]), int(fields[2])
pixels = data[at:]
def red(x, y):
    if not (0 <= x < width and 0 <= y < height): return False
    r, g, b = pixels[3 * (y * width + x):3 * (y * width + x) + 3]
    return r > 150 and r - max(g, b) > 90
x0, y0, x1, y1 = (int(v) for v in sys.argv[2].split())
samples = hits = 0
for x in range(x0 + 4, x1 - 3, 2):      # the top and bottom edges
    for y in (y0, y1):
        samples += 1
        hits += any(red(x, y + d) for d in range(-2, 3))
for y in range(y0 + 4, y1 - 3, 2):      # the left and right edges
    for x in (x0, x1):
        samples += 1
        hits += any(red(x + d, y) for d in range(-2, 3))
print(round(100 * hits / samples))
PY
}
# Online again, without the banner: the box at the same fractions of the
# image's height, where the image was first drawn.
by0=$(python3 -c "print(round($first_top + 0.30 * $first_height))")
by1=$(python3 -c "print(round($first_top + 0.55 * $first_height))")
if find_image "$work/after.png"; then
  red_before=$(edges "$work/before.png")
  red_after=$(edges "$work/after.png")
  if [ "$image_top" -eq "$first_top" ] && [ "$image_height" -eq "$first_height" ] &&
     [ "${red_after:-0}" -ge 90 ] && [ "${red_before:-100}" -le 20 ]; then
    ok "a screenshot shows the box's edges in the label's colour ($red_after% of the edge, $red_before% before the edit)"
  else
    not_ok "a screenshot shows the box's edges in the label's colour ($red_after% of the edge, $red_before% before the edit; image rows $image_top+$image_height, were $first_top+$first_height)"
  fi
else
  not_ok "a screenshot shows the box's edges in the label's colour (the image is not drawn)"
fi

# Once sent, nothing is left to send and nothing was taken for a conflict.
for _ in $(seq 50); do
  left=$(cache_query "$cache_db" outbox-all 0 2>/dev/null)
  [ "$left" = 0 ] && break
  sleep 0.1
done
conflicts=$(cache_query "$cache_db" conflicts 0 2>/dev/null)
if [ "$left" = 0 ] && [ "$conflicts" = 0 ]; then
  ok "the outbox is empty once sent, without a conflict copy"
else
  not_ok "the outbox is empty once sent, without a conflict copy ($left operations, $conflicts conflict copies)"
fi
exit $failed
