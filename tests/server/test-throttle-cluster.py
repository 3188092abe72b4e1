"""The sign-in throttle of servers sharing one PostgreSQL database: a user
name's failures count on all of them, so that two servers do not give a
guesser twice the attempts; a good sign-in forgets them on all of them."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
os.environ.pop("QUORUM_TEST_BACKEND", None)
from quorum_test_server import Server, check, error_message, report  # noqa: E402
import pg_cluster  # noqa: E402

SERVER = sys.argv[1]
ATTEMPTS = 3

work = tempfile.mkdtemp(prefix="quorum-throttle-cluster-")
cluster = pg_cluster.PgCluster().start()
conninfo = cluster.create_database("throttle")
env = dict(os.environ, QUORUM_PWHASH_FAST="1")
servers = []


def start(data):
    server = Server.__new__(Server)
    server.binary, server.data, server.env, server.database = SERVER, data, env, conninfo
    server.options = ["--login-attempts", str(ATTEMPTS), "--login-address-attempts", "0",
                      "--login-delay", "30", "--login-max-delay", "60"]
    server.start()
    servers.append(server)
    return server


def sign_in(server, name, password):
    return server.call("POST", "/login", body={"user": name, "password": password})


try:
    data = os.path.join(work, "data")
    subprocess.run([SERVER, "--data", data, "--database", conninfo, "--create-admin", "root"],
                   input="root password\n", text=True, env=env, check=True, capture_output=True)
    a = start(data)
    b = start(data)
    root = a.login("root", "root password")
    for name in ("ann", "bob"):
        status, _ = a.call("POST", "/users", root, {"name": name, "password": name + " password"})
        check("the user %s is made" % name, status == 201)

    # ann: failures alternate between the two servers.
    outcomes = [sign_in((a, b)[i % 2], "ann", "guess %d" % i)[0] for i in range(ATTEMPTS)]
    check("the first %d wrong passwords, on both servers, are refused as wrong (401)" % ATTEMPTS,
          outcomes == [401] * ATTEMPTS, outcomes)
    status, body = sign_in(b, "ann", "another guess")
    check("the next guess on the server that saw fewer is throttled (429), counting both servers'",
          status == 429 and "too many failed sign-ins" in error_message(body), [status, body])
    status, body = sign_in(a, "ann", "ann password")
    check("even the right password waits while the name is throttled", status == 429, [status, body])
    status, _ = sign_in(b, "bob", "bob password")
    check("another name is not throttled", status == 200)

    # bob: a good sign-in on one server forgets the failures seen by the other.
    outcomes = [sign_in((a, b)[i % 2], "bob", "guess %d" % i)[0] for i in range(ATTEMPTS - 1)]
    status, _ = sign_in(a, "bob", "bob password")
    more = [sign_in(b, "bob", "later guess %d" % i)[0] for i in range(ATTEMPTS - 1)]
    check("after a good sign-in the failures start afresh on every server",
          outcomes == [401] * (ATTEMPTS - 1) and status == 200 and more == [401] * (ATTEMPTS - 1),
          [outcomes, status, more])

    # The PostgreSQL schema's migration 2 on a database of version 1: wound
    # back by hand, it is made again at the next start.
    for server in servers:
        server.process.terminate()
        server.process.wait()

    def psql(sql):
        return subprocess.run(["psql", "-X", "-A", "-t", "-d", conninfo, "-c", sql],
                              capture_output=True, text=True).stdout.strip()

    psql("DROP TABLE login_failures; DROP FUNCTION quorum_login_failed;"
         "UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    check("the database is wound back to version 1",
          psql("SELECT value FROM meta WHERE key = 'schema_version'") == "1"
          and psql("SELECT to_regclass('login_failures') IS NULL") == "t")
    c = start(data)
    check("a server started on it migrates it to version 2",
          psql("SELECT value FROM meta WHERE key = 'schema_version'") == "2"
          and psql("SELECT to_regclass('login_failures') IS NOT NULL") == "t")
    outcomes = [sign_in(c, "ann", "guess again %d" % i)[0] for i in range(ATTEMPTS + 1)]
    check("and its failed sign-ins are counted again", outcomes == [401] * ATTEMPTS + [429], outcomes)
finally:
    for server in servers:
        if server.process.poll() is None:
            server.process.terminate()
            server.process.wait()
    cluster.stop()
    subprocess.run(["rm", "-rf", work])
report()
