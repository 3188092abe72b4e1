#!/usr/bin/env python3
"""quorum-server with --tls-cert/--tls-key serves HTTPS, and only HTTPS, with
TLS 1.2 and 1.3 only.
Prints TAP. Argument: the quorum-server binary."""
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import check, report  # noqa: E402

SERVER = sys.argv[1]

folder = tempfile.mkdtemp(prefix="quorum-tls-")
process = None
try:
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    data = os.path.join(folder, "data")

    broken = subprocess.run([SERVER, "--data", data, "--listen", "127.0.0.1:0",
                             "--tls-cert", cert, "--tls-key", os.path.join(folder, "missing.pem")],
                            capture_output=True, text=True, timeout=30)
    check("a missing key file is refused with exit status 2 naming the options",
          broken.returncode == 2 and "--tls-key" in broken.stderr, broken.stderr)

    process = subprocess.Popen([SERVER, "--data", data, "--listen", "127.0.0.1:0",
                                "--tls-cert", cert, "--tls-key", key], stdout=subprocess.PIPE, text=True)
    port = int(process.stdout.readline().split("port")[1])

    context = ssl.create_default_context(cafile=cert)
    with urllib.request.urlopen("https://127.0.0.1:%d/api/v1/version" % port, context=context, timeout=10) as reply:
        body = json.loads(reply.read())
    check("GET /version answers over HTTPS with the given certificate",
          reply.status == 200 and body["name"] == "quorum-server", body)

    with open(cert) as pem:
        given = ssl.PEM_cert_to_DER_cert(pem.read())
    presented = ssl.get_server_certificate(("127.0.0.1", port), timeout=10)
    check("the certificate the server presents is the one of --tls-cert",
          ssl.PEM_cert_to_DER_cert(presented) == given, presented)

    # A plain request on the HTTPS port: a server that answered it would
    # send “HTTP/1.1 …”; this one must send no HTTP and end the connection.
    with socket.create_connection(("127.0.0.1", port), timeout=10) as plain:
        plain.sendall(b"GET /api/v1/version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        received, ended = b"", False
        try:
            while True:
                data = plain.recv(4096)
                if not data:
                    ended = True
                    break
                received += data
        except ConnectionError:
            ended = True
        except socket.timeout:
            pass
    check("plain HTTP on the HTTPS port gets no HTTP answer, and the connection ends",
          ended and not received.startswith(b"HTTP/"), (ended, received[:60]))

    https = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    https.putrequest("POST", "/api/v1/login")
    https.putheader("Content-Type", "application/json")
    https.putheader("Content-Length", "500000000")
    https.endheaders()
    reply = https.getresponse()
    check("over TLS too, a 500 MB body to /login is answered 413 from its headers",
          reply.status == 413 and b"too_large" in reply.read(), reply.status)
    https.close()

    # Each protocol version alone. Debian's OpenSSL refuses to offer TLS 1.0
    # and 1.1 at its default security level: level 0 lets this client offer
    # them, so that only the server can refuse.
    def handshake(version):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.load_verify_locations(cert)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = version
            context.maximum_version = version
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                    return tls.version()
        except (ssl.SSLError, ConnectionError) as error:
            return error

    for name, version in (("TLS 1.0", ssl.TLSVersion.TLSv1), ("TLS 1.1", ssl.TLSVersion.TLSv1_1)):
        result = handshake(version)
        refused_by_server = (isinstance(result, (ssl.SSLEOFError, ConnectionError)) or
                             isinstance(result, ssl.SSLError) and "ALERT" in str(result).upper())
        check("a %s handshake is refused by the server" % name, refused_by_server, result)
    for name, version, expected in (("TLS 1.2", ssl.TLSVersion.TLSv1_2, "TLSv1.2"),
                                    ("TLS 1.3", ssl.TLSVersion.TLSv1_3, "TLSv1.3")):
        result = handshake(version)
        check("a %s handshake succeeds" % name, result == expected, result)
finally:
    if process is not None:
        process.terminate()
        process.wait()
    shutil.rmtree(folder)

report()
