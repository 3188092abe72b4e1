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
# ImageMagick's import and convert, python3. The helpers are in e2e-lib.sh.
set -u

e2e_name=e2e
. "$(dirname "$0")/e2e-lib.sh"
echo "1..8"

# ---- a server with the demo project ----------------------------------------
create_admin
start_server || bail "quorum-server starts"
fill_demo || bail "quorumctl demo fills the server"
ok "a server filled by quorumctl demo at $address"

password=$(demo_password cat)
api cat-tasks >"$work/before.txt" || bail "the API answers the administrator"

# ---- the app, on fresh XDG folders -----------------------------------------
start_app "$work/app.log" --server "$address" --open-next 1
wait_window || bail "the app's window appears"
ok "the app's window appears (${WIDTH}x${HEIGHT} at $X,$Y)"

# ---- sign in on the form: the server is filled in, the user field has focus ----
sign_in cat "$password"
wait_cat_task || bail "signed in, the next task of job 1 is taken"
ok "signed in as cat; the next task ($task) is hers"

find_image || bail "the task's image is drawn on the canvas"
ok "the task's image is drawn (rows $image_top to $((image_top + image_height)))"

# Screen points inside the image: rows from its fraction, columns about the
# canvas's middle.
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
# The task list floats at the first size: the canvas, and the image fitted
# across its width, start at the window's left edge.
left = sum(offsets) / len(offsets) - window_x
assert 0 <= left <= 40, "the image's left edge at %.0f in the window" % left
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
