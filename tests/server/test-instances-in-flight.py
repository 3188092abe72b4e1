#!/usr/bin/env python3
"""The budget of instance bodies in flight (--max-instances-in-flight): a
signed-in caller who opens several connections and starts a big save of a
task's instances on each cannot make the server hold more than the budget.
A save whose body would pass it is answered 503 with Retry-After and a JSON
error, without its body being read, whether announced with its length or
sent chunked; the budget comes back when a held body's connection ends,
and other requests are not touched. Prints TAP. Argument: the
quorum-server binary."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, check, error_message, png, report  # noqa: E402

SERVER = sys.argv[1]
BODY_LIMIT = 2000000
BUDGET = 3000000


def polygon(number):
    x, y = 10.0 + (number % 100) * 19.5, 10.0 + (number // 100) * 9.25
    return {"id": "p-%05d" % number, "label": "lesion", "kind": "polygon",
            "points": [[x, y], [x + 8, y], [x + 8, y + 4], [x, y + 4]]}


def connect(server):
    port = int(server.base.split(":")[2].split("/")[0])
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    return sock


def headers(server, method, path, token, extra):
    return ("%s /api/v1%s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: application/json\r\n%s\r\n" % (method, path, token, extra)).encode()


def read_reply(sock):
    """(status, headers as a dict, parsed JSON body) of one reply."""
    data = b""
    sock.settimeout(10)
    while b"\r\n\r\n" not in data:
        more = sock.recv(65536)
        if not more:
            break
        data += more
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    fields = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in lines[1:] if ":" in line}
    length = int(fields.get("content-length", "0"))
    while len(rest) < length:
        more = sock.recv(65536)
        if not more:
            break
        rest += more
    body = json.loads(rest[:length]) if length else None
    return int(lines[0].split()[1]) if lines[0] else 0, fields, body


def start_held_save(server, token, path, length, sent):
    """A save announcing @length bytes of which only @sent come: the server
    holds its claim while it waits for the rest."""
    sock = connect(server)
    sock.sendall(headers(server, "PUT", path, token, "Content-Length: %d\r\n" % length) + b" " * sent)
    return sock


def put_announced(server, token, path, length):
    """Only the headers of a save of @length bytes: the answer of a refused
    one comes from them; (0, {}, None) when the server waits for the body
    instead, having taken the claim (it ends with the connection, here)."""
    sock = connect(server)
    sock.sendall(headers(server, "PUT", path, token, "Content-Length: %d\r\n" % length))
    try:
        sock.settimeout(2)
        sock.recv(1, socket.MSG_PEEK)
        return read_reply(sock)
    except socket.timeout:
        return 0, {}, None
    finally:
        sock.close()


def put_when_room(server, token, path, data):
    """A save, tried again while answered 503 (a connection just closed
    may not have given its claim back yet)."""
    for _ in range(50):
        status, reply = server.call("PUT", path, token, raw=data)
        if status != 503:
            break
        time.sleep(0.1)
    return status, reply


server = Server(SERVER, "--max-instances-body", str(BODY_LIMIT), "--max-instances-in-flight", str(BUDGET))
try:
    s = server
    s.call("POST", "/projects", s.root, {"name": "Budget"})
    s.call("PUT", "/projects/1/labels", s.root,
           {"labels": [{"name": "lesion", "color": "#e01b24", "kind": "polygon", "attributes": []}]})
    status, file = s.call("POST", "/projects/1/files?name=a.png", s.root, raw=png(64, 48, 30),
                          content_type="image/png")
    _, ann = s.user("ann", "annotator")
    status, job = s.call("POST", "/projects/1/jobs", s.root,
                         {"settings": {"name": "Budget", "passes_per_file": 1, "review_frequency": 0},
                          "files": [file["id"]]})
    s.call("POST", "/jobs/%d/launch" % job["id"], s.root)
    status, task = s.call("POST", "/jobs/%d/next" % job["id"], ann)
    assert status == 200, task
    path = "/tasks/%d/instances" % task["id"]

    # One connection holds a claim of 1.9 MB (of the 3 MB budget), its
    # body not yet sent whole.
    held = start_held_save(s, ann, path, 1900000, 1000)
    time.sleep(0.3)

    status, fields, body = put_announced(s, ann, path, 1500000)
    check("a second save that would pass the budget is 503", status == 503, (status, body))
    check("with Retry-After", fields.get("retry-after", "").isdigit(), fields)
    check("and a JSON error saying so in a sentence",
          body is not None and body["error"]["code"] == "unavailable"
          and "--max-instances-in-flight" in error_message(body) and "try again" in error_message(body), body)

    small = json.dumps({"version": task["version"], "instances": [polygon(i) for i in range(50)]}).encode()
    status, reply = s.call("PUT", path, ann, raw=small)
    check("a save that fits in what is left is taken", status == 200 and len(reply["instances"]) == 50,
          (status, error_message(reply)))
    version = reply["version"] if status == 200 else task["version"]
    status, reply = s.call("GET", "/tasks/%d" % task["id"], ann)
    check("other requests are answered meanwhile", status == 200 and reply["version"] == version, status)
    status, reply = s.call("PATCH", path, ann,
                           raw=json.dumps({"version": version, "upsert": [polygon(7)]}).encode())
    check("a small delta is taken too", status == 200, (status, error_message(reply)))
    version = reply["version"] if status == 200 else version

    # A chunked body claims as it comes: 1.2 MB in 64 KiB chunks passes
    # the 1.1 MB left.
    sock = connect(s)
    sock.sendall(headers(s, "PUT", path, ann, "Transfer-Encoding: chunked\r\n"))
    chunk = b" " * 65536
    try:
        for _ in range(20):
            sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        status, fields, body = read_reply(sock)
    except (ConnectionResetError, socket.timeout) as error:
        status, fields, body = 0, {}, str(error)
    sock.close()
    check("a chunked save passing the budget is 503 with Retry-After",
          status == 503 and "retry-after" in fields and "--max-instances-in-flight" in error_message(body),
          (status, body))

    # The held connection ends: its claim comes back.
    held.close()
    status = 0
    for _ in range(50):
        status, fields, body = put_announced(s, ann, path, 1500000)
        if status != 503:
            break
        time.sleep(0.1)
    check("once the held body's connection ends the budget is back (the same save waits for its body)",
          status == 0, (status, body))
    big = json.dumps({"version": version, "instances": [polygon(i) for i in range(12000)]}).encode()
    status, reply = put_when_room(s, ann, path, big)
    check("a save of %d bytes is taken whole" % len(big), 1500000 < len(big) < BODY_LIMIT and status == 200,
          (status, len(big), error_message(reply)))

    # Saves one after another never wear the budget down: two of these
    # held at once would pass it.
    version = reply.get("version", version) if status == 200 else version
    taken = 0
    for _ in range(6):
        status, reply = s.call("PUT", path, ann, raw=json.dumps({"version": version, "instances": [
            polygon(i) for i in range(12000)]}).encode())
        if status != 200:
            break
        version = reply["version"]
        taken += 1
    check("six such saves in a row are all taken (each claim ends with its request)", taken == 6,
          (taken, status, error_message(reply)))
finally:
    server.close()

# The budget must leave room for one save at its own limit.
data = tempfile.mkdtemp(prefix="quorum-test-")
try:
    result = subprocess.run([SERVER, "--data", data, "--listen", "127.0.0.1:0", "--max-instances-body", "2000000",
                             "--max-instances-in-flight", "1000000"], capture_output=True, text=True, timeout=30)
finally:
    shutil.rmtree(data)
check("a budget under --max-instances-body is refused at start, saying so",
      result.returncode == 2 and "--max-instances-in-flight" in result.stderr, (result.returncode, result.stderr))

report()
