# SPDX-License-Identifier: GPL-3.0-or-later
#
# What the end-to-end tests share (sourced, POSIX sh): the TAP helpers, a
# real quorum-server filled by `quorumctl demo`, the administrator's view of
# the API, the app on fresh XDG folders, signing in on the form and finding
# the task's image on the canvas.
#
# Set e2e_name before sourcing: the screenshots go to
# $QUORUM_BUILD_ROOT/meson-logs/$e2e_name, the work folder is
# quorum-$e2e_name-XXXXXX under TMPDIR. The caller prints the TAP plan.
#
# Needs DISPLAY (build-aux/run-tests runs the tests under xvfb-run; without
# one the test is skipped, or fails when CI=true), xdotool, ImageMagick's
# import and convert, python3 (without them the test fails).

build=${QUORUM_BUILD_ROOT:?QUORUM_BUILD_ROOT is not set}
e2e_name=${e2e_name:-e2e}
logdir="$build/meson-logs/$e2e_name"
mkdir -p "$logdir"
work=$(mktemp -d "${TMPDIR:-/tmp}/quorum-$e2e_name-XXXXXX")
server_pid=""
app_pid=""
app_log="$work/app.log"

cleanup () {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null
  [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null; kill -CONT "$server_pid" 2>/dev/null; }
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
  [ -f "$app_log" ] && sed 's/^/# app: /' "$app_log" | tail -20
}
bail () { not_ok "$1"; echo "Bail out! $1"; exit 1; }

# Without a display the test is skipped, except in CI, where
# build-aux/run-tests provides one. The tools are in
# build-aux/debian-packages.txt, installed before every `make test`: one
# missing is a broken setup, never a skip.
if [ -z "${DISPLAY:-}" ]; then
  if [ "${CI:-}" = true ]; then
    echo "1..1"; echo "not ok 1 - no display (build-aux/run-tests provides one)"; exit 1
  fi
  echo "1..0 # SKIP no display"; exit 0
fi
for tool in xdotool import convert python3; do
  command -v $tool >/dev/null ||
    { echo "1..1"; echo "not ok 1 - $tool is not installed (build-aux/install-deps installs it)"; exit 1; }
done

export QUORUM_PWHASH_FAST=1

# ---- the server -------------------------------------------------------------

# create_admin: the administrator admin (password admin-password) in $work/data.
create_admin () {
  printf 'admin-password\n' | "$build/src/server/quorum-server" --data "$work/data" --create-admin admin >/dev/null 2>&1
}

# start_server [LISTEN [LOG]]: quorum-server on $work/data (127.0.0.1:0, a
# free port, by default); sets server_pid, port and address. Fails when it
# does not say which port it listens on within 10 s.
start_server () {
  server_log=${2:-$work/server.log}
  "$build/src/server/quorum-server" --data "$work/data" --listen "${1:-127.0.0.1:0}" >"$server_log" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$server_log")
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || return 1
  address="http://127.0.0.1:$port"
}

# fill_demo: `quorumctl demo` as the administrator; its JSON in $work/demo.json.
fill_demo () {
  (export XDG_CONFIG_HOME="$work/admin-config" QUORUM_CREDENTIALS_STORE=file
   printf 'admin-password\n' | "$build/src/cli/quorumctl" login --server "$address" admin >/dev/null &&
   "$build/src/cli/quorumctl" demo --server "$address" --json >"$work/demo.json")
}

# demo_password USER: the password quorumctl demo gave USER.
demo_password () {
  python3 -c 'import json,sys; print([a["password"] for a in json.load(open(sys.argv[1]))["accounts"] if a["name"] == sys.argv[2]][0])' "$work/demo.json" "$1"
}

# The API, as the administrator, for the checks:
#   api cat-tasks   cat's tasks of job 1 as "id state" lines
#   api task ID     GET /tasks/ID as JSON
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

# ---- the app ----------------------------------------------------------------

# start_app [LOG] -- ARGUMENTS…: the app on the XDG folders under $work
# (empty the first time), QUORUM_TIMING=1; sets app_pid and app_log.
start_app () {
  app_log=$1; shift
  mkdir -p "$work/config" "$work/share" "$work/cache"
  (
    export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/share" XDG_CACHE_HOME="$work/cache"
    export QUORUM_CREDENTIALS_STORE=file GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data"
    export QUORUM_LOCALEDIR="$build/po" NO_AT_BRIDGE=1 GTK_A11Y=none QUORUM_TIMING=1
    exec "$build/src/app/quorum" "$@"
  ) >"$app_log" 2>&1 &
  app_pid=$!
}

# wait_window: the app's window within 10 s; sets window, X, Y, WIDTH, HEIGHT.
wait_window () {
  window=""
  for _ in $(seq 100); do
    window=$(xdotool search --onlyvisible --name '^Quorum$' 2>/dev/null | head -1)
    [ -n "$window" ] && break
    sleep 0.1
  done
  [ -n "$window" ] || return 1
  sleep 0.5
  eval "$(xdotool getwindowgeometry --shell "$window")"   # X Y WIDTH HEIGHT
}

# sign_in USER PASSWORD: on the start page's form (the server is filled in,
# the user field has focus).
sign_in () {
  xdotool windowfocus --sync "$window" 2>/dev/null || true
  xdotool type --delay 15 "$1"
  xdotool key Tab
  xdotool type --delay 15 "$2"
  xdotool key Return
}

# wait_cat_task: the task of job 1 cat took since `api cat-tasks` was saved
# in $work/before.txt, within 10 s; sets task.
wait_cat_task () {
  task=""
  for _ in $(seq 100); do
    task=$(api cat-tasks | grep -v -x -F -f "$work/before.txt" | awk '$2 == "assigned" || $2 == "in_progress" { print $1; exit }')
    [ -n "$task" ] && break
    sleep 0.1
  done
  [ -n "$task" ]
}

# find_image [SCREENSHOT [FROM_ROW]]: the image on the canvas, found by its
# rows in a strip down the canvas's middle from FROM_ROW (below the header
# bar unless given: a row under the offline banner, say), within 10 s; sets
# canvas_mid, image_top, image_height. At the app's first size (1200 × 800)
# the task list floats, hidden, and the side panel (300 px) is docked: the
# canvas is the rest.
find_image () {
  screen=${1:-$work/screen.png}
  from_row=${2:-$((Y + 60))}
  canvas_mid=$((X + (WIDTH - 300) / 2))
  image_box=""
  for _ in $(seq 50); do
    sleep 0.2
    import -window root "$screen" 2>/dev/null || continue
    convert "$screen" -crop "20x$((Y + HEIGHT - 40 - from_row))+$((canvas_mid - 10))+$from_row" +repage \
      -fuzz 3% -trim "$work/strip.png" 2>/dev/null || continue
    # A street scene, not an empty or loading page: colourful (the sky).
    saturation=$(convert "$work/strip.png" -colorspace HSL -channel G -separate +channel \
                   -format '%[fx:round(100*mean)]' info: 2>/dev/null)
    image_box=$(convert "$work/strip.png" -format '%w %h %X %Y' info: 2>/dev/null)
    set -- $image_box
    [ "${2:-0}" -gt 100 ] && [ "${saturation:-0}" -gt 10 ] && break
    image_box=""
  done
  [ -n "$image_box" ] || return 1
  set -- $image_box
  image_top=$((from_row + ${4#+}))
  image_height=$2
}

# at_row FRACTION: the screen row at FRACTION of the image's height.
at_row () { python3 -c "print(round($image_top + $1 * $image_height))"; }
