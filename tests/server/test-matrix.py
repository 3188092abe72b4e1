#!/usr/bin/env python3
"""The route-by-role matrix: every route of `quorum-server --routes`, called
by every kind of caller, against the HTTP status the design gives them
(DESIGN §2, docs/api.md): anonymous 401 everywhere but login and version, a
non-member 404 for project resources (existence does not leak), a member
below the route's role 403. The world is built once through the API; each
call carries a valid body, so that its status is about who calls, not what
they sent. Every JSON reply to a caller who may not see the gold standard
(the existing instances of the exam files, recognised by the ids this test
gives them) is walked for it. A route with no row in ROWS fails, and so does
a row whose route is gone. Prints TAP, one line per route, and the matrix
size. Argument: the quorum-server binary. QUORUM_MATRIX_VERBOSE=1 prints
every cell.

Eleven callers (CALLERS): anonymous; the project's annotator, reviewer,
trainer (the editor who made the exam), viewer, exam taker (an annotator
who applied) and admin; a same-org contractor (member of the project's
organization working on an org-shared job) and an other-org contractor
(member of an organization accepted on a market job), neither a project
member; the server admin; and a former member, a reviewer removed from the
project while holding a consensus task, who loses the project and the task.

To add a route: one line in ROWS with the route as --routes prints it
(without /api/v1), the path to call, the expected status of every caller and
a body where the route takes one. The path's placeholders are ids of the
world (W in build_world), some of them the caller's own objects (OWN);
`target_id` is a user no row depends on, for routes that change a user;
`fresh_token=True` calls with a token of its own, for routes that end one.
everyone(), signed_in(), server_admin() and member() give the usual shapes
of expectations; keywords override single callers."""
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import Server, png  # noqa: E402

SERVER = sys.argv[1]
# QUORUM_MATRIX_VERBOSE=1 prints every cell (route, caller, status, path, error) as a TAP comment.
VERBOSE = os.environ.get("QUORUM_MATRIX_VERBOSE") == "1"

# ---- the callers --------------------------------------------------------

# Key, what it is. The order is the order of the calls within a row.
CALLERS = [
    ("anon", "anonymous"),
    ("ann", "annotator"),
    ("rev", "reviewer"),
    ("trainer", "trainer (editor, owns the exam)"),
    ("viewer", "viewer"),
    ("org", "same-org contractor"),
    ("market", "other-org contractor"),
    ("taker", "exam taker"),
    ("padmin", "project admin"),
    ("admin", "server admin"),
    ("former", "former member"),
]
CALLER_NAME = dict(CALLERS)
KEYS = [key for key, _ in CALLERS]
RANK = {"viewer": 1, "annotator": 2, "reviewer": 3, "editor": 4, "admin": 5}
# The project role each member acts with (a server admin acts as admin).
MEMBER_ROLE = {"ann": "annotator", "rev": "reviewer", "trainer": "editor", "viewer": "viewer",
               "taker": "annotator", "padmin": "admin", "admin": "admin"}
# No project role: the contractors reach a job through its share only, the
# former member was a reviewer removed while holding a consensus task.
OUTSIDERS = ("org", "market", "former")
# Who must never receive a gold instance: an exam taker (DESIGN §2), and
# everyone below reviewer, the role GET /files/{id}/existing needs (docs/api.md):
# viewers, annotators and so contractors, who act as annotators; outsiders.
NO_GOLD = {"anon", "ann", "viewer", "org", "market", "taker", "former"}


def everyone(status, **over):
    expect = {key: status for key in KEYS}
    expect.update(over)
    return expect


def signed_in(status, **over):
    return everyone(status, anon=401, **over)


def server_admin(status, **over):
    return signed_in(403, admin=status, **over)


def member(role, status, **over):
    """A project route needing @role: members at or above it get @status,
    members below 403, non-members 404 (existence does not leak)."""
    expect = {"anon": 401}
    for key, their_role in MEMBER_ROLE.items():
        expect[key] = status if RANK[their_role] >= RANK[role] else 403
    for key in OUTSIDERS:
        expect[key] = 404
    expect.update(over)
    return expect


# ---- talking to the server ---------------------------------------------

server = Server(SERVER)
BASE = server.base
GOLD = set()            # ids of the gold instances
leaks = []              # (caller, path, where) of gold in a reply to NO_GOLD


def gold_paths(node, where="$"):
    """The JSON paths of @node holding a gold instance id, as a value or a key."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in GOLD:
                found.append("%s.%s (key)" % (where, key))
            found += gold_paths(value, "%s.%s" % (where, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += gold_paths(value, "%s[%d]" % (where, i))
    elif isinstance(node, str) and any(gold in node for gold in GOLD):
        found.append(where)
    return found


TOKENS = {}


def send(caller, method, path, body=None, raw=None, content_type=None, token=None):
    """One request as @caller (a key of CALLERS, or None for root); returns
    the status and the JSON reply (or the bytes when it is not JSON). A JSON
    reply to a caller who may not see gold is walked for it."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(BASE + path, data=data, method=method)
    if token is None and caller != "anon":
        token = TOKENS[caller] if caller is not None else server.root
    if token is not None:
        request.add_header("Authorization", "Bearer " + token)
    if data is not None:
        request.add_header("Content-Type", content_type or "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            status, kind, text = reply.status, reply.headers.get("Content-Type", ""), reply.read()
    except urllib.error.HTTPError as error:
        status, kind, text = error.code, error.headers.get("Content-Type", ""), error.read()
    payload = json.loads(text) if text and "json" in kind else text
    if caller in NO_GOLD and not isinstance(payload, bytes):
        for where in gold_paths(payload):
            leaks.append((caller, "%s %s" % (method, path), where))
    return status, payload


def root(method, path, body=None, expect=(200, 201, 204), **extra):
    status, reply = send(None, method, path, body, **extra)
    if status not in expect:
        raise RuntimeError("building the world: %s %s -> %d %s" % (method, path, status, reply))
    return reply


def as_user(caller, method, path, body=None, expect=(200, 201, 204)):
    """A call of the world's building as @caller (root when None)."""
    status, reply = send(caller, method, path, body)
    if status not in expect:
        raise RuntimeError("building the world: %s %s as %s -> %d %s" % (method, path, caller, status, reply))
    return reply


def version(task):
    return root("GET", "/tasks/%d" % task)["version"]


def box(name, x=2):
    return {"id": name, "label": "car", "kind": "box", "points": [[x, 2], [x + 12, 14]]}


# ---- the world ----------------------------------------------------------

W = {}                  # placeholder → id, for every caller
OWN = {key: {} for key in KEYS}   # placeholder → id, the caller's own objects
PASSWORD = "-password"


def make_user(name, role=None, org=None):
    user = root("POST", "/users", {"name": name, "password": name + PASSWORD})
    if role is not None:
        root("PUT", "/projects/%d/members/%d" % (W["project"], user["id"]), {"role": role})
    if org is not None:
        root("POST", "/orgs/%d/members" % W[org], {"user": user["id"]})
    return user["id"]


def login(name):
    status, reply = send("anon", "POST", "/login", {"user": name, "password": name + PASSWORD})
    assert status == 200, reply
    return reply["token"]


def job(name, files, by=None, **settings):
    """A draft job made by @by (root when None)."""
    settings["name"] = name
    if settings.get("share") == "market":
        settings["market"] = {"bid": {"amount": "1.00", "currency": "EUR", "per": "task"},
                              "deadline": "2099-01-01T00:00:00Z"}
    return as_user(by, "POST", "/projects/%d/jobs" % W["project"], {"settings": settings, "files": files})["id"]


def launch(job_id, by=None):
    as_user(by, "POST", "/jobs/%d/launch" % job_id)


def tasks_of(job_id):
    return root("GET", "/jobs/%d/tasks" % job_id)


def find(tasks, kind, file, pass_=None):
    for task in tasks:
        if task["kind"] == kind and task["file"] == file and (pass_ is None or task["pass"] == pass_):
            return task["id"]
    raise RuntimeError("no %s task on file %d" % (kind, file))


def save(caller, task, instances):
    as_user(caller, "PUT", "/tasks/%d/instances" % task, {"version": version(task), "instances": instances})


def submit(caller, task):
    as_user(caller, "POST", "/tasks/%d/submit" % task, {"version": version(task)})


def assign(task, user):
    root("POST", "/tasks/%d/assign" % task, {"user": user})


USER_NAMES = {"ann": "annotator", "rev": "reviewer", "trainer": "trainer", "viewer": "viewer",
              "org": "org-contractor", "market": "market-contractor", "taker": "taker",
              "padmin": "project-admin", "former": "former"}


def build_world():
    for org in ("Acme", "Beta", "Gamma", "Delta"):
        W[org] = root("POST", "/orgs", {"name": org})["id"]
    W["project"] = root("POST", "/projects", {"name": "Matrix", "org": W["Acme"]})["id"]
    root("PUT", "/projects/%d/labels" % W["project"], LABELS)

    # The callers and the helpers who hold the tasks callers must not.
    roles = {"ann": "annotator", "rev": "reviewer", "trainer": "editor", "viewer": "viewer",
             "taker": "annotator", "padmin": "admin", "former": "reviewer"}
    for key, name in USER_NAMES.items():
        W[key + "_id"] = make_user(name, roles.get(key), {"org": "Acme", "market": "Beta"}.get(key))
        TOKENS[key] = login(name)
    TOKENS["admin"] = server.root
    for name, role in (("ann2", "annotator"), ("ann3", "annotator"), ("rev2", "reviewer"),
                       ("bystander", "annotator"), ("spare_member", None), ("spare", None),
                       ("target", None)):
        W[name + "_id"] = make_user(name.replace("_", "-"), role)
        TOKENS[name] = login(name.replace("_", "-"))

    # Files: three carry gold (existing instances), the others none.
    for i, name in enumerate(["g1", "g2", "g3"] + ["f%d" % n for n in range(2, 11)]):
        W[name] = root("POST", "/projects/%d/files?name=%s.png" % (W["project"], name),
                       raw=png(32, 24, 5 + 7 * i), content_type="image/png")["id"]
    for name, count in (("g1", 2), ("g2", 1), ("g3", 1)):
        gold = [dict(box(str(uuid.uuid4()), 2 + 9 * n), author="trainer") for n in range(count)]
        GOLD.update(instance["id"] for instance in gold)
        GOLD_SETS[name] = gold
        root("PUT", "/files/%d/existing" % W[name], {"instances": gold})
    W["gold_file"] = W["g1"]
    W["guide"] = root("POST", "/projects/%d/guides" % W["project"], GUIDE)["id"]
    W["offline"] = root("POST", "/projects/%d/credentials" % W["project"], {"name": "Offline"})["id"]

    # A normal job, P = 1, R = 1: the annotator's draw in progress, another
    # annotator's draw, three submitted draws whose reviews two reviewers hold,
    # one available draw (assigned by hand in its row) and one to release.
    files = [W["g1"]] + [W["f%d" % n] for n in range(2, 8)]
    W["normal"] = job("Normal", files, passes_per_file=1, review_frequency=1)
    launch(W["normal"])
    tasks = tasks_of(W["normal"])
    draw = {name: find(tasks, "draw", W[name]) for name in ("g1", "f2", "f3", "f4", "f5", "f6", "f7")}
    assign(draw["g1"], W["ann_id"])
    save("ann", draw["g1"], [box("ann-1")])
    assign(draw["f2"], W["ann2_id"])
    save("ann2", draw["f2"], [box("ann2-1")])
    for name in ("f3", "f4", "f5"):
        assign(draw[name], W["ann3_id"])
        save("ann3", draw[name], [box("ann3-" + name)])
        submit("ann3", draw[name])
    tasks = tasks_of(W["normal"])
    review = {name: find(tasks, "review", W[name]) for name in ("f3", "f4", "f5")}
    assign(review["f3"], W["rev_id"])
    assign(review["f4"], W["rev_id"])
    assign(review["f5"], W["rev2_id"])
    assign(draw["f7"], W["ann2_id"])
    W.update(free_draw=draw["f6"], held_draw=draw["f7"])

    # Consensus, P = 2: two files drawn by two annotators; the reviewer holds
    # one consensus task, the former member the other, then leaves.
    W["consensus_job"] = job("Consensus", [W["f9"], W["f10"]], passes_per_file=2, review_frequency=0)
    launch(W["consensus_job"])
    tasks = tasks_of(W["consensus_job"])
    passes = {}
    for name in ("f9", "f10"):
        for number, helper in ((1, "ann2"), (2, "ann3")):
            task = find(tasks, "draw", W[name], number)
            assign(task, W[helper + "_id"])
            save(helper, task, [box("%s-%s" % (helper, name), 2 + number)])
            submit(helper, task)
            passes.setdefault(name, []).append(task)
    tasks = tasks_of(W["consensus_job"])
    consensus = {name: find(tasks, "consensus", W[name]) for name in ("f9", "f10")}
    assign(consensus["f9"], W["rev_id"])
    assign(consensus["f10"], W["former_id"])
    deadline = time.time() + 20
    for task in consensus.values():
        while not root("GET", "/tasks/%d" % task).get("scores"):
            if time.time() > deadline:
                raise RuntimeError("the consensus scores of task %d never came" % task)
            time.sleep(0.05)
    PASSES.update({consensus["f9"]: passes["f9"][0], consensus["f10"]: passes["f10"][0]})
    root("DELETE", "/projects/%d/members/%d" % (W["project"], W["former_id"]))
    # A consensus job whose file nobody draws yet: readers may be added.
    W["readers_job"] = job("Readers", [W["f9"]], passes_per_file=2, review_frequency=0)
    launch(W["readers_job"])

    # Shares: the org job and the market job both hold the gold file g1, so
    # that the contractors' own file is one with gold.
    W["org_job"] = job("Org", [W["g1"]], share="org", review_frequency=0)
    launch(W["org_job"])
    org_task = as_user("org", "POST", "/jobs/%d/next" % W["org_job"])["id"]
    save("org", org_task, [box("org-1")])
    W["market_job"] = job("Market", [W["g1"]], share="market", review_frequency=0)
    launch(W["market_job"])
    as_user("market", "POST", "/jobs/%d/applications" % W["market_job"], {"org": W["Beta"]})
    root("POST", "/jobs/%d/applications" % W["market_job"], {"org": W["Delta"]})
    as_user("padmin", "POST", "/jobs/%d/applications/%d/accept" % (W["market_job"], W["Beta"]))
    market_task = as_user("market", "POST", "/jobs/%d/next" % W["market_job"])["id"]
    save("market", market_task, [box("market-1")])
    W["market_job2"] = job("Market two", [W["f8"]], share="market")
    launch(W["market_job2"])

    # The trainer's exam on g1 and g2: the taker drew g2 (its review held by
    # the reviewer) and is drawing g1. A second exam for the apply row.
    W["exam"] = job("Exam", [W["g1"], W["g2"]], by="trainer", type="exam",
                    awarded_credentials=["Certified"])
    launch(W["exam"], by="trainer")
    W["taker_attempt"] = as_user("taker", "POST", "/jobs/%d/apply" % W["exam"])["attempt"]
    tasks = tasks_of(W["exam"])
    exam_draw = {name: find(tasks, "draw", W[name]) for name in ("g1", "g2")}
    save("taker", exam_draw["g2"], [box("taker-g2")])
    submit("taker", exam_draw["g2"])
    exam_review = find(tasks_of(W["exam"]), "review", W["g2"])
    assign(exam_review, W["rev_id"])
    save("taker", exam_draw["g1"], [box("taker-g1")])
    W["exam_review"] = exam_review
    W["exam2"] = job("Exam two", [W["g3"]], type="exam", awarded_credentials=["Certified twice"])
    launch(W["exam2"])
    W["draft"] = job("Draft", [W["f8"]])

    # Placeholders: view (GET /tasks), work (PUT instances), draw (submit),
    # review and review2 (accept, reject), consensus, job (next). A caller's
    # own object where they have one, else one held by somebody else.
    W.update(view=draw["f2"], work=draw["f2"], draw=draw["f2"], review=review["f5"], review2=review["f5"],
             consensus=consensus["f9"], job=W["org_job"])
    OWN["ann"].update(view=draw["g1"], work=draw["g1"], draw=draw["g1"], job=W["normal"])
    OWN["rev"].update(view=exam_review, work=consensus["f9"], review=review["f3"], review2=review["f4"],
                      consensus=consensus["f9"], job=W["normal"])
    OWN["org"].update(view=org_task, work=org_task, draw=org_task, job=W["org_job"])
    OWN["market"].update(view=market_task, work=market_task, draw=market_task, job=W["market_job"])
    OWN["taker"].update(view=exam_draw["g1"], work=exam_draw["g1"], draw=exam_draw["g1"], job=W["exam"])
    OWN["former"].update(view=consensus["f10"], work=consensus["f10"], review=consensus["f10"],
                         review2=consensus["f10"], consensus=consensus["f10"], job=W["consensus_job"])
    # An application org of one's own: the contractors' orgs, else one nobody is in.
    OWN["org"]["apply_org"] = W["Acme"]
    OWN["market"]["apply_org"] = W["Beta"]
    W["apply_org"] = W["Gamma"]


LABELS = {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]}
GUIDE = {"name": "Matrix guide", "markdown": "# Boxes\n\nTight boxes."}
GOLD_SETS = {}
PASSES = {}             # consensus task → one of its passes
COCO = {"images": [{"id": 1, "file_name": "nowhere.png", "width": 32, "height": 24}],
        "annotations": [], "categories": [{"id": 1, "name": "car"}]}


# ---- hooks: what a row needs before each call ---------------------------

def fresh_draft(caller, ids):
    """A draft of its own for each caller of launch and cancel."""
    return {"fresh": job("Fresh for " + caller, [W["f8"]])}


def hold_task(caller, ids):
    """The task to release is held by ann2 before each call."""
    if root("GET", "/tasks/%d" % W["held_draw"])["assignee"] != W["ann2_id"]:
        assign(W["held_draw"], W["ann2_id"])
    return {}


def free_task(caller, ids):
    """The task to assign is available before each call."""
    if root("GET", "/tasks/%d" % W["free_draw"])["assignee"] is not None:
        root("POST", "/tasks/%d/release" % W["free_draw"])
    return {}


def spare_is_member(caller, ids):
    root("PUT", "/projects/%d/members/%d" % (W["project"], W["spare_member_id"]), {"role": "viewer"})
    return {}


def spare_holds_offline(caller, ids):
    root("POST", "/credentials/%d/grants" % W["offline"], {"user": W["spare_id"]})
    return {}


def reviewed_attempt(caller, ids):
    """A new candidate's attempt at the exam, drawn and reviewed, for each
    caller to decide."""
    name = "candidate-" + uuid.uuid4().hex[:8]
    user = make_user(name, "annotator")
    TOKENS[name] = login(name)
    attempt = as_user(name, "POST", "/jobs/%d/apply" % W["exam"])["attempt"]
    draws = [t["id"] for t in tasks_of(W["exam"]) if t["kind"] == "draw" and t["assignee"] == user]
    for draw in draws:
        submit(name, draw)
    for task in tasks_of(W["exam"]):
        if task["kind"] == "review" and task["reviews"] in draws:
            assign(task["id"], W["rev2_id"])
            as_user("rev2", "POST", "/tasks/%d/accept" % task["id"], {})
    return {"fresh_attempt": attempt, "fresh_taker": user}


def fresh_exam(caller, ids):
    """An open exam of the trainer's for each caller to close."""
    exam = job("Exam to close " + caller, [W["g3"]], by="trainer", type="exam", awarded_credentials=["Closed"])
    launch(exam, by="trainer")
    return {"fresh_exam": exam}


# ---- the table ----------------------------------------------------------

class Row:
    """@route as --routes prints it without /api/v1; @path with placeholders;
    @expect the status of every caller. @body (JSON) and @raw (bytes) may be
    functions of the caller's key and the ids, called just before the call;
    so is @before, which prepares the world and returns more ids. @late
    orders calls that use up the world: 1 after every read and repeatable
    write (submitting, reviewing), 2 last (exam attempts and decisions)."""

    def __init__(self, route, path, expect, body=None, raw=None, before=None, fresh_token=False, late=0):
        self.route, self.path, self.expect, self.body, self.raw = route, path, expect, body, raw
        self.before, self.fresh_token, self.late = before, fresh_token, late


def unique(caller, ids):
    return caller + "-" + uuid.uuid4().hex[:8]


def task_box(caller, ids):
    return {"version": version(ids["work"]), "instances": [box("matrix-" + caller)]}


def task_delta(caller, ids):
    return {"version": version(ids["work"]), "upsert": [box("matrix-delta-" + caller)]}


P = "/api/v1"
ROWS = [
    Row("GET /version", "/version", everyone(200)),
    Row("POST /login", "/login", everyone(200), body={"user": "spare", "password": "spare" + PASSWORD}),
    Row("POST /logout", "/logout", signed_in(204), fresh_token=True),
    Row("GET /me", "/me", signed_in(200)),
    # A wrong current password: every caller is let in to be told so, and no token ends.
    Row("PUT /me/password", "/me/password", signed_in(403), body={"current_password": "not it", "password": "a new long password"}),
    Row("PUT /users/{id}/password", "/users/{target_id}/password", server_admin(200), body={"password": "a reset long password"}),
    Row("POST /users/{id}/disable", "/users/{target_id}/disable", server_admin(200)),
    Row("POST /users/{id}/enable", "/users/{target_id}/enable", server_admin(200)),
    Row("DELETE /users/{id}/tokens", "/users/{target_id}/tokens", server_admin(200)),
    Row("POST /users", "/users", server_admin(201), body=lambda c, ids: {"name": unique(c, ids), "password": "a long password"}),
    Row("GET /users", "/users", server_admin(200)),
    Row("GET /users/{id}/credentials", "/users/{taker_id}/credentials", server_admin(200, taker=200)),
    Row("POST /orgs", "/orgs", server_admin(201), body=lambda c, ids: {"name": unique(c, ids)}),
    Row("GET /orgs", "/orgs", server_admin(200)),
    Row("POST /orgs/{id}/members", "/orgs/{Gamma}/members", server_admin(204), body=lambda c, ids: {"user": W["spare_id"]}),
    Row("POST /orgs/{id}/credentials", "/orgs/{Gamma}/credentials", server_admin(201), body=lambda c, ids: {"name": unique(c, ids)}),
    Row("GET /orgs/{id}/credentials", "/orgs/{Gamma}/credentials", signed_in(200)),
    Row("POST /projects", "/projects", server_admin(201), body=lambda c, ids: {"name": unique(c, ids)}),
    Row("GET /projects", "/projects", signed_in(200)),
    Row("GET /projects/{id}", "/projects/{project}", member("viewer", 200)),
    Row("GET /projects/{id}/members", "/projects/{project}/members", member("viewer", 200)),
    Row("PUT /projects/{id}/members/{id}", "/projects/{project}/members/{spare_member_id}", member("admin", 200), body={"role": "viewer"}),
    Row("DELETE /projects/{id}/members/{id}", "/projects/{project}/members/{spare_member_id}", member("admin", 204), before=spare_is_member),
    Row("GET /projects/{id}/labels", "/projects/{project}/labels", member("viewer", 200)),
    Row("PUT /projects/{id}/labels", "/projects/{project}/labels", member("admin", 200), body=LABELS),
    Row("GET /projects/{id}/labels/usage", "/projects/{project}/labels/usage", member("admin", 200)),
    Row("POST /projects/{id}/credentials", "/projects/{project}/credentials", member("admin", 201), body=lambda c, ids: {"name": unique(c, ids)}),
    Row("GET /projects/{id}/credentials", "/projects/{project}/credentials", member("viewer", 200)),
    Row("POST /credentials/{id}/grants", "/credentials/{offline}/grants", member("admin", 204), body=lambda c, ids: {"user": W["spare_id"]}),
    Row("GET /credentials/{id}/grants", "/credentials/{offline}/grants", member("admin", 200)),
    Row("DELETE /credentials/{id}/grants/{id}", "/credentials/{offline}/grants/{spare_id}", member("admin", 204), before=spare_holds_offline),
    Row("POST /projects/{id}/files", "/projects/{project}/files?name=up.png", member("editor", 201), raw=lambda c, ids: png(16, 8 + KEYS.index(c), 200)),
    Row("GET /projects/{id}/files", "/projects/{project}/files", member("viewer", 200)),
    # The gold file: readable by the project and by whoever has a task on it;
    # its gold only by reviewers and up who take no exam on it (the walk).
    Row("GET /files/{id}", "/files/{gold_file}", member("viewer", 200, org=200, market=200)),
    Row("GET /files/{id}/content", "/files/{gold_file}/content", member("viewer", 200, org=200, market=200)),
    # A video's proxy and frame index: the media route's readers; the gold
    # file is an image, so they are told it has none (422) and others the usual.
    Row("GET /files/{id}/proxy", "/files/{gold_file}/proxy", member("viewer", 422, org=422, market=422)),
    Row("GET /files/{id}/frames", "/files/{gold_file}/frames", member("viewer", 422, org=422, market=422)),
    Row("GET /files/{id}/existing", "/files/{gold_file}/existing", member("reviewer", 200)),
    Row("PUT /files/{id}/existing", "/files/{gold_file}/existing", member("editor", 200), body=lambda c, ids: {"instances": GOLD_SETS["g1"]}),
    Row("POST /projects/{id}/import/coco", "/projects/{project}/import/coco?mode=append", member("editor", 200), body=COCO),
    Row("POST /projects/{id}/guides", "/projects/{project}/guides", member("editor", 201), body=lambda c, ids: {"name": unique(c, ids), "markdown": "# New"}),
    Row("GET /projects/{id}/guides", "/projects/{project}/guides", member("viewer", 200)),
    Row("GET /guides/{id}", "/guides/{guide}", member("viewer", 200)),
    Row("PUT /guides/{id}", "/guides/{guide}", member("editor", 200), body=GUIDE),
    Row("GET /guides/{id}/versions", "/guides/{guide}/versions", member("reviewer", 200)),
    Row("GET /guides/{id}/versions/{id}", "/guides/{guide}/versions/1", member("reviewer", 200)),
    Row("POST /projects/{id}/jobs", "/projects/{project}/jobs", member("editor", 201), body=lambda c, ids: {"settings": {"name": unique(c, ids)}, "files": [W["f8"]]}),
    Row("GET /projects/{id}/jobs", "/projects/{project}/jobs", member("viewer", 200)),
    Row("GET /jobs/{id}", "/jobs/{org_job}", member("viewer", 200)),
    Row("PUT /jobs/{id}/files", "/jobs/{draft}/files", member("editor", 200), body={"add": [], "remove": []}),
    Row("POST /jobs/{id}/launch", "/jobs/{fresh}/launch", member("editor", 200), before=fresh_draft),
    Row("POST /jobs/{id}/cancel", "/jobs/{fresh}/cancel", member("editor", 200), before=fresh_draft),
    Row("GET /jobs/{id}/status", "/jobs/{market_job}/status", member("viewer", 200)),
    # The job overview: project editors (trainers) and admins; shares give no way in.
    Row("GET /jobs/{id}/stats", "/jobs/{normal}/stats", member("editor", 200)),
    # Each caller asks for work where they hold some and get it back; the
    # others ask the org job, which has nothing left for them.
    Row("POST /jobs/{id}/next", "/jobs/{job}/next", member("annotator", 204, ann=200, rev=200, taker=200, org=200, market=200)),
    Row("GET /jobs/{id}/tasks", "/jobs/{normal}/tasks", member("editor", 200)),
    Row("GET /me/tasks", "/me/tasks", signed_in(200)),
    Row("POST /tasks/{id}/assign", "/tasks/{free_draw}/assign", member("admin", 200), body=lambda c, ids: {"user": W["ann2_id"]}, before=free_task),
    Row("POST /jobs/{id}/files/{id}/readers", "/jobs/{readers_job}/files/{f9}/readers", member("admin", 201), body=lambda c, ids: {"user": W["ann2_id"] if c == "padmin" else W["ann3_id"]}),
    Row("POST /tasks/{id}/release", "/tasks/{held_draw}/release", member("admin", 200), before=hold_task),
    # Task routes: each caller on their own task, or on one held by a helper.
    Row("GET /tasks/{id}", "/tasks/{view}", signed_in(404, ann=200, rev=200, trainer=200, org=200, market=200, taker=200, padmin=200, admin=200)),
    Row("PUT /tasks/{id}/instances", "/tasks/{work}/instances", signed_in(404, ann=200, rev=200, org=200, market=200, taker=200), body=task_box),
    Row("PATCH /tasks/{id}/instances", "/tasks/{work}/instances", signed_in(404, ann=200, rev=200, org=200, market=200, taker=200), body=task_delta),
    Row("POST /tasks/{id}/submit", "/tasks/{draw}/submit", signed_in(404, ann=200, org=200, market=200, taker=200), body=lambda c, ids: {"version": version(ids["draw"])}, late=1),
    Row("POST /tasks/{id}/accept", "/tasks/{review}/accept", signed_in(404, rev=200), body={"comments": "fine"}, late=1),
    Row("POST /tasks/{id}/reject", "/tasks/{review2}/reject", signed_in(404, rev=200), body={"comments": "tighter boxes"}, late=1),
    # A task's review comments: who reads the task reads them (the reviewer
    # holds an exam review; the taker sees their own draw, its comments
    # withheld until the attempt is decided).
    Row("GET /tasks/{id}/comments", "/tasks/{view}/comments", signed_in(404, ann=200, rev=200, trainer=200, org=200, market=200, taker=200, padmin=200, admin=200)),
    Row("PUT /tasks/{id}/rating", "/tasks/{exam_review}/rating", signed_in(404, rev=200), body={"stars": {"taker-g2": 4}, "missing": []}),
    # The former member calls on their own consensus task: leaving the project
    # ends their access to it, as for GET /tasks/{id} (404).
    Row("POST /tasks/{id}/consensus/best", "/tasks/{consensus}/consensus/best", signed_in(404, rev=200), body=lambda c, ids: {"version": version(ids["consensus"]), "pass": PASSES[ids["consensus"]]}),
    Row("POST /tasks/{id}/consensus/copy", "/tasks/{consensus}/consensus/copy", signed_in(404, rev=200), body=lambda c, ids: {"version": version(ids["consensus"]), "from": PASSES[ids["consensus"]]}),
    Row("POST /tasks/{id}/consensus/clear", "/tasks/{consensus}/consensus/clear", signed_in(404, rev=200), body=lambda c, ids: {"version": version(ids["consensus"])}),
    Row("POST /tasks/{id}/consensus/undo", "/tasks/{consensus}/consensus/undo", signed_in(404, rev=200), body=lambda c, ids: {"version": version(ids["consensus"])}),
    Row("GET /jobs/{id}/export", "/jobs/{normal}/export?format=quorum", member("editor", 200)),
    Row("POST /jobs/{id}/apply", "/jobs/{exam2}/apply", member("annotator", 201), late=2),
    Row("GET /jobs/{id}/results", "/jobs/{exam}/results", member("editor", 200)),
    # Deciding grants credentials: project admins who take no part in the exam.
    # Pass for someone who never took the exam: there is no attempt to decide,
    # 404 as for an application that was never made.
    Row("POST /jobs/{id}/results/{id}/pass", "/jobs/{exam}/results/{bystander_id}/pass", member("admin", 404), late=2),
    Row("POST /jobs/{id}/results/{id}/fail", "/jobs/{exam}/results/{fresh_taker}/fail", member("admin", 204), before=reviewed_attempt, late=2),
    Row("POST /jobs/{id}/attempts/{id}/pass", "/jobs/{exam}/attempts/{fresh_attempt}/pass", member("admin", 204), before=reviewed_attempt, late=2),
    Row("POST /jobs/{id}/attempts/{id}/fail", "/jobs/{exam}/attempts/{fresh_attempt}/fail", member("admin", 204), before=reviewed_attempt, late=2),
    Row("POST /jobs/{id}/close", "/jobs/{fresh_exam}/close", member("editor", 204), before=fresh_exam),
    Row("GET /exams", "/exams", signed_in(200)),
    # An attempt's result: its taker's, and the exam's trainers'.
    Row("GET /attempts/{id}", "/attempts/{taker_attempt}", signed_in(404, taker=200, trainer=200, padmin=200, admin=200)),
    Row("GET /jobs", "/jobs", signed_in(200)),
    Row("GET /market", "/market", signed_in(200)),
    Row("POST /jobs/{id}/applications", "/jobs/{market_job2}/applications", signed_in(403, org=201, market=201, admin=201), body=lambda c, ids: {"org": ids["apply_org"]}),
    Row("GET /jobs/{id}/applications", "/jobs/{market_job}/applications", member("admin", 200)),
    Row("POST /jobs/{id}/applications/{id}/accept", "/jobs/{market_job}/applications/{Beta}/accept", member("admin", 200)),
    Row("POST /jobs/{id}/applications/{id}/decline", "/jobs/{market_job}/applications/{Delta}/decline", member("admin", 200)),
    # What an organization follows on the market, and what is new for it: its members' (Beta: the
    # other-org contractor's) and a server administrator's.
    Row("GET /me/orgs", "/me/orgs", signed_in(200)),
    Row("GET /orgs/{id}/market/follow", "/orgs/{Beta}/market/follow", signed_in(403, market=200, admin=200)),
    Row("PUT /orgs/{id}/market/follow", "/orgs/{Beta}/market/follow", signed_in(403, market=200, admin=200),
        body=lambda c, ids: {"keywords": ["street"], "min_bid": {"amount": "0.10", "currency": "EUR", "per": "task"}}),
    Row("DELETE /orgs/{id}/market/follow", "/orgs/{Beta}/market/follow", signed_in(403, market=204, admin=204)),
    Row("GET /orgs/{id}/market/new", "/orgs/{Beta}/market/new?since=0", signed_in(403, market=200, admin=200)),
]


# ---- running it ---------------------------------------------------------

def pattern_regex(pattern):
    return re.compile("^" + re.escape(pattern).replace(re.escape("{id}"), "[1-9][0-9]*") + "$")


def run_row(row):
    """Calls the row's route as every caller; returns the problems, one a cell."""
    problems = []
    for caller in KEYS:
        ids = dict(W)
        ids.update(OWN[caller])
        if row.before is not None:
            ids.update(row.before(caller, ids))
        path = row.path.format_map(ids)
        method = row.route.split(" ")[0]
        if not pattern_regex(P + row.route.split(" ", 1)[1]).match(P + path.split("?")[0]):
            return ["the row's path %s does not match its route" % path]
        body = row.body(caller, ids) if callable(row.body) else row.body
        raw = row.raw(caller, ids) if callable(row.raw) else row.raw
        token = None
        if row.fresh_token and caller != "anon":
            token = login(USER_NAMES[caller]) if caller != "admin" else login_root()
        before_leaks = len(leaks)
        status, reply = send(caller, method, path, body=body, raw=raw,
                             content_type="image/png" if raw is not None else None, token=token)
        expected = row.expect[caller]
        message = reply["error"].get("message", "") if isinstance(reply, dict) and "error" in reply else ""
        if VERBOSE:
            print("# %-44s %-8s %d %s %s" % (row.route, caller, status, path, message))
        if status != expected:
            problems.append("%s: expected %d, got %d on %s%s" % (CALLER_NAME[caller], expected, status, path,
                                                                 " (%s)" % message if message else ""))
        found = [where for _, _, where in leaks[before_leaks:]]
        if found:
            problems.append("%s: gold in the reply of %s at %s" % (CALLER_NAME[caller], path, ", ".join(found)))
    return problems


def login_root():
    status, reply = send("anon", "POST", "/login", {"user": "root", "password": "root password"})
    assert status == 200, reply
    return reply["token"]


def main():
    started = time.time()
    listing = subprocess.run([SERVER, "--routes"], capture_output=True, text=True, check=True).stdout
    routes = []     # (route, anonymous)
    for line in listing.splitlines():
        method, pattern, access = line.split()
        assert pattern.startswith(P), line
        routes.append(("%s %s" % (method, pattern[len(P):]), access == "anonymous"))

    try:
        build_world()
    except Exception as error:  # noqa: BLE001 - any failure here leaves nothing to test
        print("Bail out! %s" % error)
        return 1
    world_leaks = list(leaks)

    rows = {}
    duplicates = []
    for row in ROWS:
        if row.route in rows:
            duplicates.append(row.route)
        rows[row.route] = row
    known = {route for route, _ in routes}
    results = {}
    order = sorted(range(len(ROWS)), key=lambda i: (ROWS[i].late, i))
    for i in order:
        row = ROWS[i]
        if row.route in known:
            results[row.route] = run_row(row)

    lines = []
    for route, anonymous in routes:
        row = rows.get(route)
        if row is None:
            lines.append((False, "%s: no row in the matrix table; add one to ROWS" % route, []))
            continue
        problems = []
        if set(row.expect) != set(KEYS):
            problems.append("the row does not name every caller")
        elif (row.expect["anon"] == 401) == anonymous:
            problems.append("the row expects %d for anonymous on a%s route" %
                            (row.expect["anon"], "n anonymous" if anonymous else " token"))
        problems += results.get(route, [])
        lines.append((not problems, route, problems))
    for route in rows:
        if route not in known:
            lines.append((False, "%s: a row for a route quorum-server no longer has" % route, []))
    for route in duplicates:
        lines.append((False, "%s: two rows for one route" % route, []))
    lines.append((not world_leaks, "no gold reached a caller who may not see it while the world was built",
                  ["%s: %s at %s" % (CALLER_NAME[c], call, where) for c, call, where in world_leaks]))

    failed = 0
    for number, (ok, name, problems) in enumerate(lines, 1):
        message = name if not problems else "%s: %s" % (name, "; ".join(problems))
        print("%s %d - %s" % ("ok" if ok else "not ok", number, message))
        failed += not ok
    print("1..%d" % len(lines))
    print("# matrix: %d routes x %d callers = %d calls, in %.1f s" %
          (len(routes), len(KEYS), len(routes) * len(KEYS), time.time() - started))
    return 1 if failed else 0


try:
    code = main()
finally:
    server.close()
sys.exit(code)
