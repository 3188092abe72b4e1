#!/bin/bash
# How quorumctl refuses: bad usage and bad input exit 2 with a clear message,
# a server refusal exits 1 with the server's message, an unreachable server
# exits 1 saying so (and nothing from GLib on stderr); every command's
# --help exits 0. Arguments: the built quorumctl and quorum-server.
set -u

ctl=$1
server_bin=$2
. "$(dirname "$0")/cli-lib.sh"

# expect STATUS PATTERN DESCRIPTION ARGUMENT…: the exit status, PATTERN (a
# fixed string) on stderr, and no GLib critical or warning.
expect () {
  local want=$1 pattern=$2 description=$3
  shift 3
  "$ctl" "$@" >stdout 2>stderr </dev/null; status=$?
  out=$(cat stderr)
  check "$description: exit $want" "[ $status -eq $want ]"
  check "$description: says “$pattern”" "grep -qF -- \"\$pattern\" stderr"
  check "$description: no GLib critical or warning" "! grep -Eq 'CRITICAL|WARNING|Gtk-|GLib-' stderr"
}

# ---- usage, before any server ---------------------------------------------

expect 2 'unknown command “frobnicate”' "an unknown command" frobnicate
expect 2 'unknown action “frob”' "an unknown action" project frob
expect 2 '--frob' "an unknown option" project list --frob
expect 2 'unknown option “--bogus”' "an unknown option before the command" --bogus
expect 2 'which server?' "no server known yet" project list
expect 2 'JOB: must be a positive whole number' "a job id that is not a number" \
  job status abc --server http://127.0.0.1:1
expect 2 '--kind: “hexagon” is not one of' "an unknown label kind" \
  label add --project 1 car --kind hexagon --server http://127.0.0.1:1
expect 2 '--project: is missing' "a missing --project" label list --server http://127.0.0.1:1
expect 2 'server address: only http and https' "a bad server address" project list --server ftp://example.org
expect 2 'missing.png: no such file or folder' "a missing file to upload" \
  file upload --project 1 missing.png --server http://127.0.0.1:1
expect 2 'missing.md: cannot read the file' "a missing guide file" \
  guide new --project 1 Guide missing.md --server http://127.0.0.1:1
expect 2 'missing.json: cannot read the file' "a missing COCO file" \
  import coco missing.json --project 1 --server http://127.0.0.1:1
printf '{"images": [' > broken.json
expect 2 'broken.json: 1:' "a COCO file that is not JSON" \
  import coco broken.json --project 1 --server http://127.0.0.1:1
expect 2 'only coco can be imported' "an unknown import format" \
  import yolo broken.json --project 1 --server http://127.0.0.1:1

# ---- the server is down ------------------------------------------------------

# A port that was just free: nothing listens on it.
closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
expect 1 "cannot reach http://127.0.0.1:$closed" "the server is down: project list" \
  project list --server "127.0.0.1:$closed"
"$ctl" login --server "127.0.0.1:$closed" root <<<"secret password" >/dev/null 2>stderr; status=$?
out=$(cat stderr)
check "the server is down: login exits 1 saying it cannot reach it" \
  "[ $status -eq 1 ] && grep -q 'cannot reach' stderr && ! grep -Eq 'CRITICAL|WARNING' stderr"
touch picture.png
expect 1 "cannot reach" "the server is down: file upload" \
  file upload --project 1 picture.png --server "127.0.0.1:$closed"

# ---- a running server ----------------------------------------------------------

need_server

"$ctl" login --server "$url" root <<<"wrong password" >/dev/null 2>stderr; status=$?
out=$(cat stderr)
check "a wrong password: exit 1" "[ $status -eq 1 ]"
check "a wrong password: the server's message" "grep -q 'wrong user name or password' stderr"
check "a wrong password stores nothing" "[ ! -e \"$XDG_CONFIG_HOME/quorum/credentials.json\" ]"
"$ctl" login --server "$url" root <<<"" >/dev/null 2>stderr; status=$?
out=$(cat stderr)
check "an empty password is bad input: exit 2" "[ $status -eq 2 ] && grep -q 'password' stderr"

"$ctl" login --server "$url" root <<<"root password" >/dev/null 2>&1
"$ctl" project create Streets >/dev/null 2>&1
echo "this is not an image" > x.png
expect 1 '“x.png” is neither an image nor a video Quorum can read' "an unreadable image" \
  file upload --project 1 x.png
out=$("$ctl" file list --project 1 --json 2>&1)
check "the unreadable image left nothing behind" "[ \"\$out\" = '[ ]' ] || [ \"\$out\" = '[]' ]"
expect 1 'no project 99' "an unknown project" label list --project 99
expect 1 'no job 42' "an unknown job" job status 42
expect 1 'user: no user called “nobody”' "an unknown user name" project members 1 --set nobody=annotator
expect 2 '--set: write USER=ROLE' "a --set without a role" project members 1 --set root
"$ctl" user create ann --password-stdin <<<"ann-password" >/dev/null 2>&1
out=$(QUORUM_TOKEN=$(python3 -c 'import json,sys,urllib.request as u; r=u.urlopen(u.Request(sys.argv[1]+"/api/v1/login", json.dumps({"user":"ann","password":"ann-password"}).encode(), {"Content-Type":"application/json"})); print(json.load(r)["token"])' "$url") \
      "$ctl" project create Other 2>&1); status=$?
check "QUORUM_TOKEN signs in as someone else, whom the server refuses: exit 1" \
  "[ $status -eq 1 ] && grep -q 'administrator' <<<\"\$out\""

# ---- accounts: passwords, disabled users, tokens ---------------------------------

token_for () {
  python3 -c 'import json,sys,urllib.request as u; r=u.urlopen(u.Request(sys.argv[1]+"/api/v1/login", json.dumps({"user":sys.argv[2],"password":sys.argv[3]}).encode(), {"Content-Type":"application/json"})); print(json.load(r)["token"])' "$url" "$1" "$2"
}
out=$("$ctl" user set-password ann --password-stdin <<<"ann-reset-pw" 2>&1); status=$?
check "user set-password: exit 0 and says so" "[ $status -eq 0 ] && grep -q 'Password of ann set; ' <<<\"\$out\""
ann_token=$(token_for ann ann-reset-pw)
check "the reset password signs in" "[ -n \"\$ann_token\" ]"
out=$(QUORUM_TOKEN=$ann_token "$ctl" user passwd --password-stdin <<<$'wrong-current\nann-third-pw' 2>&1); status=$?
check "user passwd with a wrong current password: exit 1 naming it" \
  "[ $status -eq 1 ] && grep -q 'current_password' <<<\"\$out\""
out=$(QUORUM_TOKEN=$ann_token "$ctl" user passwd --password-stdin <<<$'ann-reset-pw\nshort' 2>&1); status=$?
check "user passwd with a short new password: exit 1 naming it" \
  "[ $status -eq 1 ] && grep -q 'password: must be at least 8' <<<\"\$out\""
out=$(QUORUM_TOKEN=$ann_token "$ctl" user passwd --password-stdin <<<$'ann-reset-pw\nann-third-pw' 2>&1); status=$?
check "user passwd: exit 0 and says so" "[ $status -eq 0 ] && grep -q 'Password changed; ' <<<\"\$out\""
out=$(QUORUM_TOKEN=$ann_token "$ctl" user set-password 1 --password-stdin <<<"root-new-pw" 2>&1); status=$?
check "user set-password by someone who is no admin: exit 1" \
  "[ $status -eq 1 ] && grep -q 'only a server administrator' <<<\"\$out\""
out=$(QUORUM_TOKEN=$ann_token "$ctl" user disable 1 2>&1); status=$?
check "user disable by someone who is no admin: exit 1" "[ $status -eq 1 ] && grep -q 'administrator' <<<\"\$out\""
expect 1 'own account' "user disable of oneself" user disable root
out=$("$ctl" user disable ann 2>&1); status=$?
check "user disable: exit 0, her sign-ins ended" "[ $status -eq 0 ] && grep -q 'ann disabled; 1 sign-in ended, 0 tasks released.' <<<\"\$out\""
out=$(QUORUM_TOKEN=$ann_token "$ctl" project list 2>&1); status=$?
check "a disabled user's token is refused: exit 1" "[ $status -eq 1 ]"
out=$("$ctl" user list --json 2>&1)
json_check "user list --json shows her disabled" '[u["disabled"] for u in d if u["name"] == "ann"] == [True]'
out=$("$ctl" user enable ann 2>&1); status=$?
check "user enable: exit 0" "[ $status -eq 0 ] && grep -q 'ann enabled.' <<<\"\$out\""
token_for ann ann-third-pw >/dev/null; token_for ann ann-third-pw >/dev/null
out=$("$ctl" user revoke-tokens ann --json 2>&1); status=$?
json_check "user revoke-tokens USER --json: her 2 sign-ins ended" 'd == {"revoked": 2}'
out=$("$ctl" user revoke-tokens 2>&1); status=$?
check "user revoke-tokens: exit 0, one's own sign-in ended" "[ $status -eq 0 ] && grep -q '1 sign-in of yours ended.' <<<\"\$out\""
out=$("$ctl" user list 2>&1); status=$?
check "then this machine is signed out: exit 1" "[ $status -eq 1 ]"

# ---- --help --------------------------------------------------------------------

for command in "" login logout "org create" "org list" "org add-member" "user create" "user list" \
               "user passwd" "user set-password" "user disable" "user enable" "user revoke-tokens" \
               "project create" "project list" "project members" "label add" "label list" \
               "file upload" "file list" "file status" "guide new" "guide update" "guide list" \
               "credential new" "credential grant" "credential revoke" "credential list" \
               "job new" "job files" "job launch" "job status" "job stats" "job list" \
               "task list" "task assign" "task add-reader" "task release" \
               "exam apply" "exam results" "exam pass" "exam fail" export import agreement \
               org user project label file guide credential job task exam; do
  # shellcheck disable=SC2086
  out=$("$ctl" $command --help 2>&1); status=$?
  check "quorumctl $command --help: exit 0 and a usage line" \
    "[ $status -eq 0 ] && grep -q 'quorumctl' <<<\"\$out\" && grep -qi 'usage' <<<\"\$out\""
done
out=$("$ctl" job new --help 2>&1)
check "job new --help lists its options" \
  "grep -q -- '--passes' <<<\"\$out\" && grep -q -- '--review-frequency' <<<\"\$out\" && grep -q -- '--launch' <<<\"\$out\""
check "every server command's --help names --server, --json and the exit statuses" \
  "grep -q -- '--server' <<<\"\$out\" && grep -q -- '--json' <<<\"\$out\" && grep -q 'Exit status' <<<\"\$out\""

finish
