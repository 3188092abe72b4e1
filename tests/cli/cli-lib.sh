# What the quorumctl tests share, sourced by each with $ctl and $server_bin
# set: a temporary folder to work in (removed on exit, with the server),
# no keyring and no inherited server or token, TAP counters and checks, and
# start_server (need_server when the test cannot go on without it). Each
# test ends with `finish`.
# With QUORUM_TEST_BACKEND=postgresql the server keeps its rows in a fresh
# database of a PostgreSQL cluster of the test's own (tests/pg_cluster.py,
# started by start_server, stopped on exit) and ./data holds only the blobs.

pg_cluster_py=$(cd "$(dirname "$0")/.." && pwd)/pg_cluster.py
case ${QUORUM_TEST_BACKEND:-sqlite} in
  sqlite|postgresql) ;;
  *) echo "QUORUM_TEST_BACKEND is “$QUORUM_TEST_BACKEND”: it must be “sqlite” or “postgresql”." >&2
     exit 1 ;;
esac
dir=$(mktemp -d)
server_pid=
pg_folder=
pg_databases=0
database=
cleanup () {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$pg_folder" ] && python3 "$pg_cluster_py" stop "$pg_folder"
  rm -rf "$dir"
}
trap cleanup EXIT
cd "$dir" || exit 1

# No keyring here: the token goes to the file under XDG_CONFIG_HOME.
unset DBUS_SESSION_BUS_ADDRESS QUORUM_SERVER QUORUM_TOKEN
export XDG_CONFIG_HOME=$dir/config QUORUM_PWHASH_FAST=1

n=0
failed=0
ok ()   { n=$((n + 1)); echo "ok $n - $1"; }
fail () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check () { if eval "$2"; then ok "$1"; else fail "$1"; printf '# %s\n' "$out" | head -n 20; fi; }
# json_check DESCRIPTION PYTHON-EXPRESSION: d is the JSON document in $out.
json_check () {
  if python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
sys.exit(0 if eval(" ".join(sys.argv[1].split())) else 1)' "$2" <<<"$out" 2>/dev/null; then
    ok "$1"
  else
    fail "$1"
    printf '# %s\n' "$out" | head -n 30
  fi
}
json_get () { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1" <<<"$out"; }

# A fresh server in ./data with the administrator root ("root password") on
# a free loopback port; sets $url (and $database, its conninfo, with the
# PostgreSQL backend). Fails when it does not start within 10 s.
start_server () {
  mkdir data
  if [ "${QUORUM_TEST_BACKEND:-sqlite}" = postgresql ]; then
    if [ -z "$pg_folder" ]; then
      pg_folder=$(python3 "$pg_cluster_py" start --owner $$ 2>server.err) || return 1
    fi
    pg_databases=$((pg_databases + 1))
    database=$(python3 "$pg_cluster_py" createdb "$pg_folder" "quorum_$pg_databases" 2>server.err) || return 1
  fi
  echo "root password" | "$server_bin" --data data ${database:+--database "$database"} --create-admin root \
    >/dev/null 2>server.err || return 1
  "$server_bin" --data data ${database:+--database "$database"} --listen 127.0.0.1:0 >server.out 2>server.err &
  server_pid=$!
  for _ in $(seq 100); do
    grep -q 'listening on port' server.out 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' server.out)
  [ -n "$port" ] || return 1
  url=http://127.0.0.1:$port
}

# start_server, or end the test as failed: every check after it needs the
# server, and a server that does not start is a failure, never a skip.
need_server () {
  start_server && return 0
  fail "the server starts: $(tr '\n' ' ' <server.err)"
  finish
  exit 1
}

finish () {
  echo "1..$n"
  [ $failed -eq 0 ]
}
