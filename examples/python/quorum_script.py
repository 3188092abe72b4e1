"""What the examples share: signing in from the command line, and JSON
between Python values and the Json.Node values libquorum-client takes and
answers. Import it from a script beside it."""
import argparse
import json
import os
import sys

import gi

gi.require_version("Json", "1.0")
gi.require_version("Quorum", "1.0")
from gi.repository import GLib, Json, Quorum  # noqa: E402,F401


def node(value):
    """A Python value (dict, list, str, number, None) as a Json.Node."""
    return Json.from_string(json.dumps(value))


def value(reply):
    """A Json.Node reply as a Python value."""
    return None if reply is None else json.loads(Json.to_string(reply, False))


def parser(description):
    """An argument parser with the sign-in options every example takes."""
    result = argparse.ArgumentParser(description=description)
    result.add_argument("--server", required=True, help="the server, such as localhost:8080")
    result.add_argument("--token", help="a sign-in token (or QUORUM_TOKEN in the environment; "
                        "without either, the token quorumctl login stored for the server)")
    result.add_argument("--user", help="sign in as USER, the password read from standard input")
    result.add_argument("--password-stdin", action="store_true",
                        help="with --user: read the password from the first line of standard input")
    return result


def connect(args):
    """A Quorum.Session signed in as the options say. Tokens are never printed."""
    if args.user:
        if not args.password_stdin:
            fail("--user: give the password on standard input with --password-stdin")
        password = sys.stdin.readline().rstrip("\n")
        session = Quorum.Session.new(args.server)
        session.sign_in_sync(args.user, password, None)
        return session
    token = args.token or os.environ.get("QUORUM_TOKEN")
    if token:
        session = Quorum.Session.new(args.server)
        session.set_token(token)
        return session
    return Quorum.Session.new_from_keyring(args.server)


def fail(message):
    print("%s: %s" % (os.path.basename(sys.argv[0]), message), file=sys.stderr)
    sys.exit(2)


def run(main):
    """Runs main(); a GLib.Error (the server's refusal) ends the script with
    its message and status 1."""
    try:
        main()
    except GLib.Error as error:
        code = Quorum.Error(error.code).value_nick if error.domain == "quorum-error-quark" else error.domain
        print("%s: %s (%s)" % (os.path.basename(sys.argv[0]), error.message, code), file=sys.stderr)
        sys.exit(1)


def emit(result):
    """The script's result on standard output, as JSON."""
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
