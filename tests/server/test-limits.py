#!/usr/bin/env python3
"""quorum-server holds its ground against clients that try to exhaust it:
bodies refused from their headers or as they come (memory stays flat),
authentication before any body, caps on connections in all and per
address, timeouts on headers, bodies and idle connections, and a Range
beyond the file answered 416. Measures the server's memory (VmHWM, VmRSS)
and the latency of signed-in requests during 2,000 slow connections.
Prints TAP. Argument: the quorum-server binary."""
import http.client
import multiprocessing
import os
import resource
import select
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, png, report  # noqa: E402

SERVER = sys.argv[1]
MB = 1024 * 1024
MEMORY_BUDGET_KB = 200 * 1024      # what one attack may add to the server's idle size
figures = []


def status_kb(pid, field):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def reset_peak(pid):
    """Linux: writing 5 to clear_refs resets VmHWM to the current RSS."""
    with open("/proc/%d/clear_refs" % pid, "w") as refs:
        refs.write("5")


def readable(sock, timeout=0):
    """poll(), as select() takes no descriptor over 1023."""
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(timeout * 1000))


def descriptors(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def connect(port, source="127.0.0.1"):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    return sock


def read_reply(sock, timeout=5):
    """(status, headers, body) of one HTTP reply; None when the connection
    ends (or resets) before one is complete or nothing comes in time."""
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            more = sock.recv(65536)
            if not more:
                return None
            data += more
        head, body = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            more = sock.recv(65536)
            if not more:
                return None
            body += more
        return int(lines[0].split()[1]), headers, body
    except (socket.timeout, ConnectionError):
        return None


def closed_by_server(sock, timeout):
    """Whether the server ends the connection (EOF or reset) within timeout."""
    sock.settimeout(timeout)
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except socket.timeout:
        return False
    except ConnectionError:
        return True


def still_open(socks, seconds):
    """The sockets the server has not closed (EOF or reset) within seconds."""
    waiting = {s.fileno(): s for s in socks}
    poller = select.poll()
    for fd in waiting:
        poller.register(fd, select.POLLIN)
    deadline = time.monotonic() + seconds
    while waiting and time.monotonic() < deadline:
        for fd, _ in poller.poll(max(1, int((deadline - time.monotonic()) * 1000))):
            try:
                data = waiting[fd].recv(65536, socket.MSG_DONTWAIT)
            except BlockingIOError:
                continue
            except ConnectionError:
                data = b""
            if not data:
                poller.unregister(fd)
                del waiting[fd]
    return list(waiting.values())


def send_body_until_refused(sock, head, chunk, total, chunked):
    """Sends head then up to total bytes of body, stopping as soon as the
    server answers or closes. Returns (bytes sent, how it ended, reply):
    "answered" (the server spoke first), "closed" (the server ended the
    connection), "stalled" (the server stopped reading) or "sent"."""
    sock.settimeout(5)
    sock.sendall(head)
    sent = 0
    piece = (b"%x\r\n" % len(chunk)) + chunk + b"\r\n" if chunked else chunk
    ended = "sent"
    try:
        while sent < total:
            if readable(sock):
                ended = "answered"
                break
            sock.sendall(piece)
            sent += len(chunk)
        else:
            if chunked:
                sock.sendall(b"0\r\n\r\n")
    except ConnectionError:
        ended = "closed"
    except socket.timeout:
        ended = "stalled"
    return sent, ended, read_reply(sock)


def attack(server, name, run):
    """Runs one attack and checks the server's peak memory over its idle size."""
    pid = server.process.pid
    idle = status_kb(pid, "VmRSS")
    reset_peak(pid)
    started = time.monotonic()
    run()
    peak = status_kb(pid, "VmHWM")
    after = status_kb(pid, "VmRSS")
    figures.append("%s: idle %d MB, peak %d MB (+%d MB), after %d MB, %.1f s"
                   % (name, idle // 1024, peak // 1024, (peak - idle) // 1024, after // 1024,
                      time.monotonic() - started))
    check("%s: the server's peak memory stays within 200 MB of its idle size" % name,
          peak - idle < MEMORY_BUDGET_KB, figures[-1])


def slow_attack(port, pipe):
    """2,000 connections that send half a header, 50 from each of 127.0.0.2
    to .41 (under the cap per address):
    reports how long opening them took, how many the server holds, and
    then how many it has not closed 10 s after the start."""
    # 2,000 sockets need more than the usual 1,024 descriptors.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4096:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, hard), hard))
    started = time.monotonic()
    slow, errors = [], []
    for i in range(2000):
        try:
            sock = connect(port, "127.0.0.%d" % (2 + i % 40))
            sock.sendall(b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\n")
            slow.append(sock)
        except OSError as error:
            errors.append(repr(error))
    opened = time.monotonic() - started
    # The server takes the connections from its backlog one by one: wait
    # until it has (before the header timeout ends the held ones).
    while True:
        held = [s for s in slow if not readable(s)]
        if len(held) <= 256 or time.monotonic() - started > 5:
            break
        time.sleep(0.1)
    pipe.send((opened, len(held), errors[:3]))
    pipe.send(len(still_open(held, max(0.1, 10 - (time.monotonic() - started)))))
    for sock in slow:
        sock.close()


def p99(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


log = tempfile.NamedTemporaryFile(prefix="quorum-limits-", suffix=".log")


class LoggedServer(Server):
    """The harness's server with its standard error kept, to look for GLib
    criticals."""
    def start(self):
        self.process = subprocess.Popen([self.binary, "--data", self.data, "--listen", "127.0.0.1:0"]
                                        + self.options, stdout=subprocess.PIPE, stderr=log, text=True,
                                        env=self.env)
        line = self.process.stdout.readline()
        self.base = "http://127.0.0.1:%d/api/v1" % int(line.split("port")[1])


# ---- server A: the defaults, with short timeouts for the test's sake ----
a = LoggedServer(SERVER, "--header-timeout", "6", "--body-timeout", "3")
port = int(a.base.split(":")[2].split("/")[0])
try:
    pid = a.process.pid
    status, _ = a.call("GET", "/me", a.root)
    check("the server answers before the attacks", status == 200)
    status, _ = a.call("POST", "/projects", a.root, {"name": "Limits"})
    assert status == 201

    def huge_login():
        sock = connect(port)
        sock.sendall(b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 500000000\r\n\r\n")
        reply = read_reply(sock)
        check("a 500 MB Content-Length to /login is answered 413 from its headers",
              reply is not None and reply[0] == 413 and b"too_large" in reply[2], reply)
        check("... and the connection is closed", closed_by_server(sock, 5))
        sock.close()
    attack(a, "500 MB Content-Length to /login, headers only", huge_login)

    def chunked_login():
        sock = connect(port)
        sent, ended, reply = send_body_until_refused(
            sock, b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n", b"x" * 65536, 1024 * MB, True)
        figures.append("chunked /login: %d MB sent before the refusal" % (sent // MB))
        check("a chunked 1 GiB body to /login is refused as it comes: 413, or closed",
              sent < 64 * MB and (ended == "closed" or reply is not None and reply[0] == 413),
              (sent, ended, reply))
        sock.close()
    attack(a, "chunked 1 GiB body to /login", chunked_login)

    def chunked_signed_in():
        sock = connect(port)
        sent, ended, reply = send_body_until_refused(
            sock, b"PUT /api/v1/projects/1/labels HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Authorization: Bearer " + a.root.encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"x" * 65536, 1024 * MB, True)
        check("a signed-in chunked 1 GiB JSON body is refused past 1 MiB: 413, or closed",
              sent < 64 * MB and (ended == "closed" or reply is not None and reply[0] == 413),
              (sent, ended, reply))
        sock.close()
    attack(a, "signed-in chunked 1 GiB JSON body", chunked_signed_in)

    def anonymous_upload():
        sock = connect(port)
        sent, ended, reply = send_body_until_refused(
            sock, b"POST /api/v1/projects/1/files?name=big.png HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Type: image/png\r\nContent-Length: %d\r\n\r\n" % (300 * MB),
            b"x" * 65536, 300 * MB, False)
        figures.append("anonymous upload: %d MB sent before the refusal" % (sent // MB))
        check("an anonymous 300 MB upload is answered 401 before its body",
              sent < 64 * MB and ended != "stalled" and reply is not None and reply[0] == 401,
              (sent, ended, reply))
        sock.close()
    attack(a, "anonymous 300 MB upload", anonymous_upload)

    sock = connect(port)
    sock.sendall(b"PUT /api/v1/projects/1/labels HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nonsense\r\n"
                 b"Content-Type: application/json\r\nContent-Length: 500000000\r\n\r\n")
    reply = read_reply(sock)
    check("a JSON route with a bad token answers 401 before reading a large body",
          reply is not None and reply[0] == 401, reply)
    sock.close()

    sock = connect(port)
    body = b'{"user": "root", "password": "root password"}'
    sock.sendall(b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
    reply = read_reply(sock)
    check("a chunked body under the limit is still served", reply is not None and reply[0] == 200, reply)
    sock.close()

    sock = connect(port)
    sock.sendall(b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 100\r\n\r\n{\"user\"")
    started = time.monotonic()
    closed = closed_by_server(sock, 8)
    check("a body that stops coming is closed after --body-timeout (3 s)",
          closed and 2 <= time.monotonic() - started < 6, time.monotonic() - started)
    sock.close()

    # 2,000 slow connections (half a header each) from 40 addresses, in
    # a process of their own, while a signed-in client that was already
    # connected keeps working.
    before_fds = descriptors(pid)
    idle = status_kb(pid, "VmRSS")
    reset_peak(pid)
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": "Bearer " + a.root}
    client.request("GET", "/api/v1/me", headers=headers)
    client.getresponse().read()
    ours, theirs = multiprocessing.Pipe()
    attacker = multiprocessing.Process(target=slow_attack, args=(port, theirs))
    started = time.monotonic()
    attacker.start()
    latencies = []
    answered = 0
    while len(latencies) < 200 or not ours.poll():
        begun = time.monotonic()
        client.request("GET", "/api/v1/me", headers=headers)
        reply = client.getresponse()
        reply.read()
        latencies.append(time.monotonic() - begun)
        answered += reply.status == 200
    opened, held, errors = ours.recv()
    time.sleep(0.5)
    status, _ = a.call("GET", "/me", a.root)
    check("2,000 slow connections: a new signed-in connection is served, in a slow one's place", status == 200,
          status)
    peak = status_kb(pid, "VmHWM")
    figures.append("2,000 slow connections (opened in %.1f s): %d held, %d refused; %d GET /me meanwhile, "
                   "p50 %.1f ms, p99 %.1f ms, max %.1f ms; peak memory +%d MB"
                   % (opened, held, 2000 - held, len(latencies),
                      sorted(latencies)[len(latencies) // 2] * 1000, p99(latencies) * 1000,
                      max(latencies) * 1000, (peak - idle) // 1024))
    check("2,000 slow connections: every signed-in request still answers 200",
          answered == len(latencies) and not errors, (answered, len(latencies), errors))
    # The target is 100 ms; on a 2-core machine shared with the attacking
    # process (and, in CI, with other work) the test allows more.
    check("2,000 slow connections: p99 of signed-in requests under 500 ms", p99(latencies) < 0.5, figures[-1])
    check("2,000 slow connections: at most --max-connections (256) held, the rest refused",
          200 <= held < 256, figures[-1])
    check("2,000 slow connections: the server's peak memory stays within 200 MB of its idle size",
          peak - idle < MEMORY_BUDGET_KB, figures[-1])
    left = ours.recv()
    attacker.join()
    check("slow connections are closed after --header-timeout (6 s)", left == 0, "%d still open" % left)
    time.sleep(1.5)
    check("the server is still running", a.process.poll() is None)
    status, _ = a.call("GET", "/me", a.root)
    check("a new connection is served after the attack", status == 200)
    after_fds = descriptors(pid)
    figures.append("descriptors: %d before the slow connections, %d after" % (before_fds, after_fds))
    check("the slow connections leave no descriptor behind", after_fds <= before_fds + 4, figures[-1])
    client.close()

    # A Range beyond the file.
    image = png(8, 8, 7)
    status, file = a.call("POST", "/projects/1/files?name=range.png", a.root, raw=image, content_type="image/png")
    assert status == 201, file
    for value, expected, content_range in (("bytes=999999999-", 416, "bytes */%d" % len(image)),
                                           ("bytes=%d-" % len(image), 416, "bytes */%d" % len(image)),
                                           ("bytes=2-5", 206, "bytes 2-5/%d" % len(image))):
        sock = connect(port)
        sock.sendall(b"GET /api/v1/files/%d/content HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                     b"Range: %s\r\n\r\n" % (file["id"], a.root.encode(), value.encode()))
        reply = read_reply(sock)
        check("Range: %s → %d with Content-Range: %s" % (value, expected, content_range),
              reply is not None and reply[0] == expected and reply[1].get("content-range") == content_range
              and (expected != 206 or reply[2] == image[2:6]), reply and reply[:2])
        sock.close()
except Exception as error:  # report what ran, and the failure
    check("the attacks on server A ran to their end", False, repr(error))
finally:
    a.close()

# ---- server B: small caps, to see each refused ----
b = LoggedServer(SERVER, "--max-connections", "40", "--max-connections-per-address", "10",
           "--keepalive-timeout", "2")
port = int(b.base.split(":")[2].split("/")[0])
try:
    pid = b.process.pid
    mine = [connect(port, "127.0.0.20") for _ in range(15)]
    time.sleep(0.5)
    refused = [s for s in mine if readable(s)]
    replies = [read_reply(s, 1) for s in refused]
    check("over --max-connections-per-address (10): the 11th connection on is refused",
          len(refused) == 5 and all(r is None or r[0] == 503 for r in replies), (len(refused), replies))
    for s in mine:
        s.close()
    time.sleep(1.5)
    others = [connect(port, "127.0.0.%d" % (30 + i // 8)) for i in range(48)]
    time.sleep(0.5)
    held = [s for s in others if not readable(s)]
    check("over --max-connections (40): connections beyond it are refused", len(held) == 40, len(held))
    time.sleep(0.5)
    status, _ = b.call("GET", "/version")
    time.sleep(1)
    evicted = [s for s in held if readable(s)]
    check("at the cap, a new connection takes the place of one that waited longest for its headers",
          status == 200 and len(evicted) == 1, (status, len(evicted)))
    for s in others:
        s.close()
    time.sleep(1.5)
    status, _ = b.call("GET", "/version")
    check("once they close, connections are served again", status == 200)

    sock = connect(port)
    sock.sendall(b"GET /api/v1/version HTTP/1.1\r\nHost: x\r\n\r\n")
    reply = read_reply(sock)
    started = time.monotonic()
    closed = closed_by_server(sock, 6)
    check("a kept-alive connection idle past --keepalive-timeout (2 s) is closed",
          reply is not None and reply[0] == 200 and closed and time.monotonic() - started < 5,
          time.monotonic() - started)
    sock.close()

    for option, value in (("--max-connections", "0"), ("--header-timeout", "-3"),
                          ("--max-connections", "100000000")):
        fresh = os.path.join(b.data, "never-made")
        result = subprocess.run([SERVER, "--data", fresh, "--listen", "127.0.0.1:0", option, value],
                                capture_output=True, text=True, timeout=30)
        check("%s %s is refused with exit status 2 naming the option, making nothing" % (option, value),
              result.returncode == 2 and option in result.stderr and not os.path.exists(fresh), result.stderr)
except Exception as error:
    check("the checks on server B ran to their end", False, repr(error))
finally:
    b.close()

with open(log.name, errors="replace") as text:
    criticals = [line for line in text if "CRITICAL" in line or "WARNING" in line]
check("the server logged no GLib warning or critical", not criticals, criticals[:3])

report(figures)
