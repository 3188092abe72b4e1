#!/bin/bash
# quorumctl agreement on small annotation set files: the scores it prints
# (computed by hand below), its table, and every way it refuses bad input.
# Argument: the path of the built quorumctl.
set -u

ctl=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1

n=0
failed=0
ok ()   { n=$((n + 1)); echo "ok $n - $1"; }
fail () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check () { if eval "$2"; then ok "$1"; else fail "$1"; printf '# %s\n' "$out" | head -n 20; fi; }

# json_check DESCRIPTION PYTHON-EXPRESSION: evaluates the expression with d,
# the JSON document in $out, and close(x, y) for numbers.
json_check () {
  if python3 -c '
import json, math, sys
d = json.loads(sys.stdin.read())
close = lambda x, y: math.isclose(x, y, rel_tol=0, abs_tol=1e-9)
sys.exit(0 if eval(" ".join(sys.argv[1].split())) else 1)' "$2" <<<"$out" 2>/dev/null; then
    ok "$1"
  else
    fail "$1"
    printf '# %s\n' "$out" | head -n 30
  fi
}

# set_file PATH ANNOTATOR WIDTH INSTANCES-JSON
set_file () {
  local annotator='null'
  [ -n "$2" ] && annotator="\"$2\""
  printf '{"annotator": %s, "file": {"width": %s, "height": 100}, "instances": [%s]}\n' \
    "$annotator" "$3" "$4" > "$1"
}
box () { printf '{"id": "%s", "label": "car", "kind": "box", "points": [[%s, %s], [%s, %s]]}' "$@"; }

# Two unit squares half a square apart: the intersection is 0.5, the union
# 1.5, so IoU = 1/3.
set_file u1.json alice 100 "$(box a1 0 0 1 1)"
set_file u2.json bob 100 "$(box b1 0.5 0 1.5 1)"

# Three 10×10 boxes shifted by 2 and 4 pixels:
#   alice–bob   80/120 = 2/3     alice–carol 60/140 = 3/7     bob–carol 2/3
set_file a.json alice 100 "$(box a1 0 0 10 10)"
set_file b.json bob 100 "$(box b1 2 0 12 10)"
set_file c.json carol 100 "$(box c1 4 0 14 10)"

# ---- scores --------------------------------------------------------------

out=$("$ctl" agreement --threshold 0.3 --json u1.json u2.json 2>&1); status=$?
check "two unit squares: exit 0" "[ $status -eq 0 ]"
json_check "two unit squares: exactly the documented members, in order" \
  'list(d) == ["pairs", "annotators", "agreement", "best"] and
   [list(p) for p in d["pairs"]] == [["a", "b", "score", "matched"]]'
# One matched pair, S = (1/3) / 1.
json_check "two unit squares at τ = 0.3: score 1/3, one matched pair" \
  'd["pairs"][0]["a"] == "alice" and d["pairs"][0]["b"] == "bob" and
   close(d["pairs"][0]["score"], 1/3) and d["pairs"][0]["matched"] == 1'
json_check "two unit squares at τ = 0.3: annotators 1/3 each, agreement 1/3" \
  'close(d["annotators"]["alice"], 1/3) and close(d["annotators"]["bob"], 1/3) and
   close(d["agreement"], 1/3)'
json_check "two unit squares: a tie for best goes to the first set" 'd["best"] == "alice"'

# At the default τ = 0.5 they do not match: S = 0 / (0 + ½ + ½) = 0.
out=$("$ctl" agreement --json u1.json u2.json 2>&1); status=$?
check "default threshold: exit 0" "[ $status -eq 0 ]"
json_check "default threshold 0.5: the squares do not match, score 0" \
  'd["pairs"][0]["matched"] == 0 and close(d["pairs"][0]["score"], 0) and close(d["agreement"], 0)'

out=$("$ctl" agreement --threshold 0.3 --json a.json b.json c.json 2>&1); status=$?
check "three annotators: exit 0" "[ $status -eq 0 ]"
json_check "three annotators: pairs in input order" \
  '[(p["a"], p["b"]) for p in d["pairs"]] == [("alice", "bob"), ("alice", "carol"), ("bob", "carol")]'
json_check "three annotators: pair scores 2/3, 3/7, 2/3, one match each" \
  'close(d["pairs"][0]["score"], 2/3) and close(d["pairs"][1]["score"], 3/7) and
   close(d["pairs"][2]["score"], 2/3) and [p["matched"] for p in d["pairs"]] == [1, 1, 1]'
# alice (2/3 + 3/7) / 2 = 23/42, bob (2/3 + 2/3) / 2, carol 23/42.
json_check "three annotators: annotator scores 23/42, 2/3, 23/42" \
  'close(d["annotators"]["alice"], 23/42) and close(d["annotators"]["bob"], 2/3) and
   close(d["annotators"]["carol"], 23/42) and len(d["annotators"]) == 3'
json_check "three annotators: agreement (2/3 + 3/7 + 2/3) / 3 = 37/63" 'close(d["agreement"], 37/63)'
json_check "three annotators: bob, in the middle, is best" 'd["best"] == "bob"'

# At τ = 0.5 alice and carol (3/7) no longer match.
out=$("$ctl" agreement --json c.json a.json b.json 2>&1); status=$?
json_check "τ = 0.5, other input order: pairs follow the input order" \
  '[(p["a"], p["b"]) for p in d["pairs"]] == [("carol", "alice"), ("carol", "bob"), ("alice", "bob")]'
json_check "τ = 0.5: carol–alice unmatched (0), agreement 4/9, best bob" \
  'd["pairs"][0]["matched"] == 0 and close(d["pairs"][0]["score"], 0) and
   close(d["annotators"]["carol"], 1/3) and close(d["annotators"]["bob"], 2/3) and
   close(d["agreement"], 4/9) and d["best"] == "bob"'

# Empty sets agree completely (S = 1).
set_file e1.json erin 100 ""
set_file e2.json finn 100 ""
out=$("$ctl" agreement --json e1.json e2.json 2>&1); status=$?
json_check "two empty sets: score 1" 'close(d["pairs"][0]["score"], 1) and d["pairs"][0]["matched"] == 0'

# Without an "annotator" member the set is named by its path.
set_file anon.json "" 100 "$(box x1 0 0 10 10)"
out=$("$ctl" agreement --json a.json anon.json 2>&1); status=$?
json_check "a set without an annotator is named by its file" \
  'd["pairs"][0]["b"] == "anon.json" and close(d["pairs"][0]["score"], 1) and "anon.json" in d["annotators"]'

# ---- table ---------------------------------------------------------------

out=$("$ctl" agreement --threshold 0.3 a.json b.json c.json 2>&1); status=$?
check "table: exit 0" "[ $status -eq 0 ]"
check "table: names every annotator" \
  "grep -q alice <<<\"\$out\" && grep -q bob <<<\"\$out\" && grep -q carol <<<\"\$out\""
check "table: pair row alice–carol with 3/7 = 0.429" \
  "grep -Eq '^alice +carol +0\.429 +1\$' <<<\"\$out\""
check "table: file agreement 37/63 = 0.587" "grep -q '^File agreement: 0\.587\$' <<<\"\$out\""
check "table: best version bob and its file" "grep -q '^Best version: *bob (b\.json)\$' <<<\"\$out\""
check "table: bob's annotator score 0.667" "grep -Eq '^bob +0\.667 ' <<<\"\$out\""

# ---- help ----------------------------------------------------------------

out=$("$ctl" agreement --help 2>&1); status=$?
check "--help exits 0" "[ $status -eq 0 ]"
check "--help shows the usage" "grep -q 'quorumctl agreement .*SET.json SET.json' <<<\"\$out\""
check "--help lists --threshold and --json" \
  "grep -q -- '--threshold' <<<\"\$out\" && grep -q -- '--json' <<<\"\$out\""
check "--help explains how annotators are named" "grep -q 'annotator' <<<\"\$out\""

# ---- errors: exit 2, the file and the field named ------------------------

# expect_error DESCRIPTION PATTERN ARGUMENT…: exit status 2, PATTERN (a fixed
# string) on stderr, nothing on stdout.
expect_error () {
  local description=$1 pattern=$2 stdout
  shift 2
  stdout=$("$ctl" agreement "$@" 2>"$dir/stderr"); status=$?
  out=$(cat "$dir/stderr")
  check "$description: exit 2" "[ $status -eq 2 ]"
  check "$description: says “$pattern”" "grep -qF -- \"\$pattern\" <<<\"\$out\""
  check "$description: prints no result" "[ -z \"\$stdout\" ]"
}

expect_error "one file" "at least two" a.json
expect_error "no file" "at least two"
expect_error "missing file" "quorumctl agreement: missing.json: cannot read the file" \
  a.json missing.json
mkdir folder.json
expect_error "a folder" "folder.json: is a folder" a.json folder.json

printf '{"annotator": "bob", "file": {"width": 100' > truncated.json
expect_error "truncated JSON" "truncated.json: 1:43: unexpected end of input" a.json truncated.json
printf '[NaN]' > nan.json
expect_error "NaN" "nan.json: 1:2: unexpected word ‘NaN’" a.json nan.json
: > empty.json
expect_error "empty file" "empty.json: 1:1: the document is empty" a.json empty.json
printf '{"annotator": "bob", "file": {"width": 100, "height": 100}, "instances": [{"id": "x", "label": "car", "kind": "box", "points": [[1e400, 0], [1, 1]]}]}' > huge.json
expect_error "1e400" "huge.json: 1:" a.json huge.json

set_file circle.json bob 100 \
  '{"id": "c", "label": "car", "kind": "circle", "points": [[1, 1]]}'
expect_error "unknown kind" "circle.json: instances[0].kind: unknown kind “circle”" \
  a.json circle.json
set_file flat.json bob 100 \
  '{"id": "p", "label": "car", "kind": "polygon", "points": [[1, 1], [2, 2]]}'
expect_error "two-point polygon" "flat.json: instances[0].points: a polygon needs at least 3 points" \
  a.json flat.json
set_file dup.json bob 100 "$(box d1 0 0 1 1), $(box d1 2 2 3 3)"
expect_error "duplicate ids" "dup.json: instances[1].id: “d1” is already the id of instances[0]" \
  a.json dup.json
printf '{"annotator": "bob", "file": {"width": "100", "height": 100}, "instances": []}' > type.json
expect_error "wrong type" "type.json: file.width: must be a whole number, not a string" \
  a.json type.json
printf '{"annotator": "bob", "file": {"width": 100, "height": 100}, "instances": [], "extra": 1}' \
  > extra.json
expect_error "unknown member" "extra.json: extra: unknown member" a.json extra.json

set_file small.json dan 50 "$(box s1 0 0 10 10)"
expect_error "different file sizes" "small.json: file.width: 50 differs from 100 in a.json" \
  a.json small.json
set_file alice2.json alice 100 "$(box z1 0 0 10 10)"
expect_error "two sets by one annotator" \
  "alice2.json: annotator: “alice” is also the annotator of a.json" a.json b.json alice2.json

expect_error "threshold not a number" "--threshold: must be a number above 0 and at most 1, not “abc”" \
  --threshold abc a.json b.json
expect_error "threshold 0" "--threshold: must be a number above 0 and at most 1, not “0”" \
  --threshold 0 a.json b.json
expect_error "threshold above 1" "--threshold: must be a number above 0 and at most 1, not “1.5”" \
  --threshold 1.5 a.json b.json
expect_error "unknown option" "--frobnicate" --frobnicate a.json b.json

# ---- a video: every frame, the low frames, the track pairs ---------------
# One car over 100 frames, keyframes only; carol's box is far off on 40–60.
python3 - <<'PY'
import json
def car(dx, far, f):
    x0 = 10 + 3 * f + dx
    y0 = 250 if far else 50
    return [[x0, y0], [x0 + 60, y0 + 40]]
for name, track, dx, off in (("alice", "car-a", 0, False), ("bob", "car-b", 2, False), ("carol", "car-c", 4, True)):
    frames = [0, 39, 40, 60, 61, 99] if off else [0, 50, 99]
    instances = [{"id": "%s-%d" % (track, f), "label": "car", "kind": "box", "frame": f, "track_id": track,
                  "points": car(dx, off and 40 <= f <= 60, f)} for f in frames]
    with open("v-%s.json" % name, "w") as out:
        json.dump({"annotator": name, "file": {"width": 640, "height": 360, "frames": 100, "fps": 30},
                   "instances": instances}, out)
PY
out=$("$ctl" agreement --json v-alice.json v-bob.json v-carol.json 2>&1); status=$?
check "a video: exit 0" "[ $status -eq 0 ]"
json_check "a video: the frames below 0.5 are 40–60, with a score for each of the 100 frames" \
  'd["frames"]["low"] == [[40, 60]] and len(d["frames"]["scores"]) == 100 and d["frames"]["below"] == 0.5'
# alice–bob: IoU 58/62 on every frame, matched on all 100 expanded frames.
json_check "a video: pooled over every interpolated frame" \
  'd["pairs"][0]["matched"] == 100 and close(d["pairs"][0]["score"], 58 / 62)
   and d["pairs"][1]["matched"] == 79'
json_check "a video: alice's and carol's cars paired, apart on 40–60" \
  '[(p["a"], p["b"], p["frames_matched"], p["unmatched"]) for p in d["tracks"][1]["pairs"]]
   == [("car-a", "car-c", 79, [[40, 60]])] and d["tracks"][1]["a"] == "alice" and d["tracks"][1]["b"] == "carol"'
out=$("$ctl" agreement v-alice.json v-bob.json v-carol.json 2>&1); status=$?
check "a video's table names the low frames" "[ $status -eq 0 ] && grep -q 'Frames below 0.50: 40–60' <<<\"\$out\""
check "a video's table counts every frame's instances, interpolated ones included" \
  "grep -q '^carol  *0.715   100  *v-carol.json' <<<\"\$out\""
check "a video's table lists the track pairs" \
  "grep -q 'car-a ~ car-c: 79 frames matched, mean 0.875; unmatched 40–60; only in A none; only in B none' <<<\"\$out\""
out=$("$ctl" agreement --below 0.2 v-alice.json v-bob.json v-carol.json 2>&1); status=$?
check "--below 0.2: no frame is that low" "[ $status -eq 0 ] && grep -q 'Frames below 0.20: none' <<<\"\$out\""
expect_error "--below out of range" "--below: must be a number from 0 to 1, not “2”" \
  --below 2 v-alice.json v-bob.json

echo "1..$n"
[ $failed -eq 0 ]
