#!/usr/bin/env python3
"""quorum-server with --tls-cert/--tls-key serves HTTPS, and only HTTPS.
Prints TAP. Argument: the quorum-server binary."""
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

SERVER = sys.argv[1]
results = []


def check(name, condition, detail=""):
    results.append((name, bool(condition), detail))


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

    try:
        urllib.request.urlopen("https://127.0.0.1:%d/api/v1/version" % port,
                               context=ssl.create_default_context(), timeout=10)
        check("a client that does not trust the certificate is refused", False)
    except urllib.error.URLError as error:
        check("a client that does not trust the certificate is refused",
              isinstance(error.reason, ssl.SSLCertVerificationError), error)

    try:
        urllib.request.urlopen("http://127.0.0.1:%d/api/v1/version" % port, timeout=10)
        check("plain HTTP gets no answer from the HTTPS port", False)
    except Exception as error:  # the TLS server drops a plain request
        check("plain HTTP gets no answer from the HTTPS port", True, error)
finally:
    if process is not None:
        process.terminate()
        process.wait()
    shutil.rmtree(folder)

print("1..%d" % len(results))
for number, (name, ok, detail) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", number, name))
    if not ok:
        print("# %s" % detail)
