#!/usr/bin/env python3
"""A private PostgreSQL 15 cluster for the tests and build-aux/run-cluster:
initdb in a temporary folder, the server listening only on a unix socket in
that folder (a loopback port too when asked), trust authentication for the
role "quorum" (the socket's folder is mode 0700, so only its owner and root
reach it; a loopback port, when asked for, is open to every local user for
the cluster's short life), fsync on as in production, max_connections 250,
a fresh database per caller. QUORUM_PG_BINDIR overrides where PostgreSQL's
programs are (default /usr/lib/postgresql/15/bin).

Several test processes may each start their own cluster at once: every
cluster has its own folder, socket and shared memory, and no TCP port unless
asked for one (then a free port the kernel picked).

initdb and the server refuse to run as root: as root, they run as the user
"postgres" (runuser) in a folder that user owns; otherwise as the caller.

A watchdog process (started in a session of its own, so that killing the
test's process group does not kill it) stops the cluster and removes its
folder when the process that started it is gone, however it ended: a test
killed by meson's timeout leaves no postmaster behind.

As a program, for shell tests:
  pg_cluster.py start [--owner PID] [--tcp]   prints the cluster's folder
  pg_cluster.py createdb DIR NAME            prints the database's conninfo
  pg_cluster.py stop DIR                     stops it and removes DIR"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

BINDIR = os.environ.get("QUORUM_PG_BINDIR", "/usr/lib/postgresql/15/bin")
ROLE = "quorum"
PORT = 5432


class PgError(Exception):
    pass


def _as_owner(argv):
    """@argv run as the user who owns the cluster: "postgres" when we are
    root, since initdb and postgres refuse root."""
    if os.geteuid() == 0:
        return [shutil.which("runuser") or "/usr/sbin/runuser", "-u", "postgres", "--"] + argv
    return argv


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PgCluster:
    def __init__(self, folder=None, tcp=False):
        """A cluster in @folder (one `start` made, for attaching to it), or
        a new one when start() is called."""
        self.folder = folder
        self.tcp = tcp
        self.port = PORT
        self.startup_seconds = None
        self.watchdog = None
        if folder is not None:
            port_file = os.path.join(folder, "port")
            if os.path.exists(port_file):
                with open(port_file) as text:
                    self.port = int(text.read())
                    self.tcp = True

    @property
    def data(self):
        return os.path.join(self.folder, "data")

    @property
    def log(self):
        return os.path.join(self.folder, "postgresql.log")

    def _run(self, argv, what):
        result = subprocess.run(argv, capture_output=True, text=True)
        if result.returncode != 0:
            raise PgError("%s failed (exit status %d): %s" % (what, result.returncode,
                                                             (result.stderr or result.stdout).strip()))
        return result.stdout

    def start(self, owner=None):
        """Makes the cluster and starts its server; the watchdog stops it when
        the process @owner (default: this one) is gone. Raises PgError saying
        what failed, with the server's log when it did not start."""
        if not os.path.exists(os.path.join(BINDIR, "initdb")):
            raise PgError("PostgreSQL 15 is not installed: %s/initdb is missing "
                          "(Debian package postgresql-15)." % BINDIR)
        started = time.monotonic()
        # Short: the socket's path, FOLDER/.s.PGSQL.PORT, must fit in 107 bytes.
        self.folder = tempfile.mkdtemp(prefix="quorum-pg-", dir="/tmp")
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        os.chmod(self.folder, 0o700)
        if self.tcp:
            self.port = _free_port()
            with open(os.path.join(self.folder, "port"), "w") as text:
                text.write(str(self.port))
        try:
            # No --no-sync: it saves nothing measurable here (1.1 s either way).
            self._run(_as_owner([os.path.join(BINDIR, "initdb"), "-D", self.data, "-U", ROLE,
                                 "--auth=trust", "--encoding=UTF8", "--locale=C"]),
                      "initdb")
            # pg_ctl hands -o to a shell: the folder is ours (no spaces), and
            # listen_addresses='' means the socket only.
            settings = ("-k %s -p %d -c listen_addresses=%s -c fsync=on -c max_connections=250"
                        " -c shared_buffers=32MB -c log_min_messages=warning"
                        % (self.folder, self.port, "127.0.0.1" if self.tcp else "''"))
            self._run(_as_owner([os.path.join(BINDIR, "pg_ctl"), "-D", self.data, "-l", self.log,
                                 "-w", "-t", "60", "-o", settings, "start"]),
                      "pg_ctl start")
        except PgError as error:
            log = ""
            if os.path.exists(self.log):
                with open(self.log, errors="replace") as text:
                    log = text.read()[-2000:]
            self._remove()
            raise PgError("%s%s" % (error, ("\nThe server's log: " + log) if log else ""))
        self.startup_seconds = time.monotonic() - started
        self.watchdog = subprocess.Popen([sys.executable, os.path.abspath(__file__), "watch", self.folder,
                                          str(owner or os.getpid())],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, start_new_session=True)
        return self

    def conninfo(self, database):
        """The libpq conninfo of @database in this cluster."""
        if self.tcp:
            return "host=127.0.0.1 port=%d dbname=%s user=%s" % (self.port, database, ROLE)
        return "host=%s port=%d dbname=%s user=%s" % (self.folder, self.port, database, ROLE)

    def create_database(self, name):
        """Creates the empty database @name; returns its conninfo."""
        self._run([os.path.join(BINDIR, "createdb"), "-h", self.folder, "-p", str(self.port),
                   "-U", ROLE, name], "createdb %s" % name)
        return self.conninfo(name)

    def stop(self):
        """Stops the server (fast: open sessions are ended) and removes the
        folder. Does nothing for a cluster already stopped."""
        if self.folder is None or not os.path.exists(self.folder):
            return
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            subprocess.run(_as_owner([os.path.join(BINDIR, "pg_ctl"), "-D", self.data, "-m", "fast",
                                      "-w", "-t", "60", "stop"]), capture_output=True)
        self._remove()
        if self.watchdog is not None:
            self.watchdog.kill()
            self.watchdog.wait()
            self.watchdog = None

    def _remove(self):
        shutil.rmtree(self.folder, ignore_errors=True)


def _watch(folder, owner):
    """Waits for the process @owner to end, then stops the cluster in
    @folder, unless it was stopped already."""
    while os.path.exists(folder):
        if not _alive(owner):
            PgCluster(folder).stop()
            return
        time.sleep(0.5)


def _alive(pid):
    """Whether @pid runs: a zombie (killed, its parent not yet told) counts
    as gone."""
    try:
        with open("/proc/%d/stat" % pid) as text:
            return text.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        return True


def main(argv):
    usage = "usage: pg_cluster.py start [--owner PID] [--tcp] | createdb DIR NAME | stop DIR"
    try:
        if argv[:1] == ["start"]:
            options = argv[1:]
            owner = None
            if "--owner" in options:
                owner = int(options[options.index("--owner") + 1])
            cluster = PgCluster(tcp="--tcp" in options).start(owner or os.getppid())
            print(cluster.folder)
            print("started in %.2f s" % cluster.startup_seconds, file=sys.stderr)
        elif argv[:1] == ["createdb"] and len(argv) == 3:
            print(PgCluster(argv[1]).create_database(argv[2]))
        elif argv[:1] == ["stop"] and len(argv) == 2:
            PgCluster(argv[1]).stop()
        elif argv[:1] == ["watch"] and len(argv) == 3:
            _watch(argv[1], int(argv[2]))
        else:
            print(usage, file=sys.stderr)
            return 2
    except PgError as error:
        print("pg_cluster.py: %s" % error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
