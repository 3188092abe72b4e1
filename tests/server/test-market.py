#!/usr/bin/env python3
"""The market's terms against a real quorum-server process: a market job's
bid and deadline (refused when wrong, naming the field), the open market
with them, an application's message, the deadline closing the job to
applications, and what an organization follows: the new jobs matching it
that the app polls for. Prints TAP. Argument: the quorum-server binary."""
import datetime
import os
import re
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_test_server import BACKEND, Server, check, error_message, png, report  # noqa: E402

SERVER = sys.argv[1]
BID = {"amount": "0.40", "currency": "EUR", "per": "task"}
LATER = "2099-01-31T00:00:00Z"


def market_migration(source):
    """The number of the migration that adds market_listings, counted in
    quorum-store-migrations.c's list (another migration may come before or after it)."""
    body = source[source.index("migrations[] = {"):]
    body = body[:body.index("\n};")]
    entries = re.split(r'",\s*\n', body)
    for number, entry in enumerate(entries, 1):
        if "CREATE TABLE market_listings" in entry:
            return number
    raise RuntimeError("no market migration in quorum-store-migrations.c")


def rfc3339(seconds_from_now):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds_from_now)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


server = Server(SERVER)
try:
    s = server
    orgs = {}
    for name in ("Acme", "Beta", "Gamma"):
        status, body = s.call("POST", "/orgs", s.root, {"name": name})
        assert status == 201, body
        orgs[name] = body["id"]
    status, body = s.call("POST", "/projects", s.root, {"name": "Streets", "org": orgs["Acme"]})
    assert status == 201, body
    project = body["id"]
    s.call("PUT", "/projects/%d/labels" % project, s.root,
           {"labels": [{"name": "car", "color": "#e01b24", "kind": "box", "attributes": []}]})
    files = []
    for i in range(8):
        status, body = s.call("POST", "/projects/%d/files?name=street-%02d.png" % (project, i), s.root,
                              raw=png(32, 24, 10 + 20 * i), content_type="image/png")
        assert status == 201, body
        files.append(body["id"])

    def worker(name, org=None):
        status, body = s.call("POST", "/users", s.root, {"name": name, "password": name + "-password"})
        assert status == 201, body
        if org is not None:
            s.call("POST", "/orgs/%d/members" % org, s.root, {"user": body["id"]})
        return body["id"], s.login(name, name + "-password")

    beta_id, beta = worker("beta-worker", orgs["Beta"])
    gamma_id, gamma = worker("gamma-worker", orgs["Gamma"])
    nobody_id, nobody = worker("nobody")

    def create(name, file_ids, share="market", market=None, launch=True):
        settings = {"name": name, "share": share, "review_frequency": 0}
        if market is not None:
            settings["market"] = market
        status, body = s.call("POST", "/projects/%d/jobs" % project, s.root,
                              {"settings": settings, "files": file_ids})
        if status == 201 and launch:
            launched, reply = s.call("POST", "/jobs/%d/launch" % body["id"], s.root)
            assert launched == 200, reply
        return status, body

    # ---- terms: required on a market job, refused elsewhere, each field named
    refusals = [
        ("a market job without terms", "market", None,
         "settings.market: a market job needs a bid and a deadline"),
        ("terms on a project job", "project", {"bid": BID, "deadline": LATER},
         "settings.market: only a job shared on the market"),
        ("a lowercase currency", "market", {"bid": dict(BID, currency="eur"), "deadline": LATER},
         "settings.market.bid.currency: must be an ISO 4217 code"),
        ("a currency of four letters", "market", {"bid": dict(BID, currency="EURO"), "deadline": LATER},
         "settings.market.bid.currency: must be an ISO 4217 code"),
        ("an amount of three decimals", "market", {"bid": dict(BID, amount="1.005"), "deadline": LATER},
         "settings.market.bid.amount: must be an amount above zero"),
        ("an amount of zero", "market", {"bid": dict(BID, amount="0.00"), "deadline": LATER},
         "settings.market.bid.amount: must be an amount above zero"),
        ("an amount as a number", "market", {"bid": dict(BID, amount=12.5), "deadline": LATER},
         "settings.market.bid.amount: must be a string"),
        ("a bid per hour", "market", {"bid": dict(BID, per="hour"), "deadline": LATER},
         "settings.market.bid.per: unknown bid unit “hour”; expected task or job"),
        ("a bid without a unit", "market", {"bid": {"amount": "1", "currency": "EUR"}, "deadline": LATER},
         "settings.market.bid.per: is required"),
        ("a deadline that is no date", "market", {"bid": BID, "deadline": "next Tuesday"},
         "settings.market.deadline: must be a date and time"),
        ("a deadline in the past", "market", {"bid": BID, "deadline": "2020-01-01T00:00:00Z"},
         "settings.market.deadline: must be in the future, not 2020-01-01T00:00:00Z"),
        ("an unknown member of the terms", "market", {"bid": BID, "deadline": LATER, "tip": "1"},
         "settings.market.tip: unknown member"),
    ]
    for what, share, market, message in refusals:
        status, body = create("Refused", files[0:1], share=share, market=market, launch=False)
        check("%s is refused with 400 naming the field" % what,
              status == 400 and error_message(body).startswith(message), (status, body))

    status, job = create("Street cars", files[0:2], market={"bid": {"amount": "12.5", "currency": "EUR",
                                                                    "per": "job"},
                                                            "deadline": "2099-01-31T01:00:00+01:00"}, launch=False)
    check("a market job with terms is created, the amount with two decimals and the deadline in UTC",
          status == 201 and job["settings"]["market"] == {"bid": {"amount": "12.50", "currency": "EUR", "per": "job"},
                                                          "deadline": "2099-01-31T00:00:00Z"}, job)
    street_job = job["id"]
    status, body = s.call("GET", "/market", nobody)
    check("a draft is not on the market", status == 200 and body == [], body)

    # ---- following: what an org chooses, and what is new for it
    status, body = s.call("GET", "/orgs/%d/market/follow" % orgs["Beta"], beta)
    check("an org follows nothing at first",
          status == 200 and body["following"] is False and body["keywords"] == [] and body["min_bid"] is None, body)
    status, body = s.call("GET", "/orgs/%d/market/new" % orgs["Beta"], beta)
    check("and nothing is new for it", status == 200 and body["jobs"] == [] and body["following"] is False, body)
    status, body = s.call("PUT", "/orgs/%d/market/follow" % orgs["Beta"], gamma, {"keywords": ["car"]})
    check("a member of another org may not set its follow (403)", status == 403, body)
    status, body = s.call("GET", "/orgs/%d/market/new" % orgs["Beta"], nobody)
    check("nor see what is new for it (403)", status == 403, body)
    status, body = s.call("GET", "/orgs/999/market/follow", beta)
    check("an unknown org is 404", status == 404, body)
    for what, follow, message in [
            ("an unknown member", {"words": ["car"]}, "words: unknown member"),
            ("keywords that are no list", {"keywords": "car"}, "keywords: must be a list"),
            ("an empty keyword", {"keywords": ["car", " "]}, "keywords[1]: must be 1 to 64 characters"),
            ("a minimum bid in a bad currency", {"min_bid": dict(BID, currency="euro")},
             "min_bid.currency: must be an ISO 4217 code")]:
        status, body = s.call("PUT", "/orgs/%d/market/follow" % orgs["Beta"], beta, follow)
        check("a follow with %s is refused naming the field" % what,
              status == 400 and error_message(body).startswith(message), body)
    status, body = s.call("PUT", "/orgs/%d/market/follow" % orgs["Beta"], beta,
                          {"keywords": ["CAR", "car", "bridge"], "min_bid": {"amount": "10", "currency": "EUR",
                                                                             "per": "job"}})
    check("an org member sets what the org follows, keywords without repeats",
          status == 200 and body["following"] is True and body["keywords"] == ["CAR", "bridge"]
          and body["min_bid"] == {"amount": "10.00", "currency": "EUR", "per": "job"}, body)
    status, body = s.call("GET", "/orgs/%d/market/new" % orgs["Beta"], beta)
    cursor = body["cursor"]
    check("a first poll gives the cursor", status == 200 and body["following"] is True
          and isinstance(cursor, int) and body["jobs"] == [], body)

    s.call("POST", "/jobs/%d/launch" % street_job, s.root)
    create("Bridges, cheap", files[2:3], market={"bid": {"amount": "2", "currency": "EUR", "per": "job"},
                                                 "deadline": LATER})
    create("Bridges in dollars", files[3:4], market={"bid": {"amount": "90", "currency": "USD", "per": "job"},
                                                     "deadline": LATER})
    create("Bridges per task", files[4:5], market={"bid": {"amount": "90", "currency": "EUR", "per": "task"},
                                                   "deadline": LATER})
    status, body = create("Trees", files[5:6], market={"bid": {"amount": "90", "currency": "EUR", "per": "job"},
                                                       "deadline": LATER})
    trees_job = body["id"]
    status, body = create("Bridge decks", files[6:7], market={"bid": {"amount": "10.00", "currency": "EUR",
                                                                      "per": "job"}, "deadline": LATER})
    deck_job = body["id"]
    status, body = s.call("GET", "/orgs/%d/market/new?since=%d" % (orgs["Beta"], cursor), beta)
    check("the poll since the cursor gives the new jobs matching a keyword with a bid high enough, "
          "in the same currency and unit",
          status == 200 and [j["id"] for j in body["jobs"]] == [street_job, deck_job]
          and body["jobs"][0]["bid"] == {"amount": "12.50", "currency": "EUR", "per": "job"}
          and body["cursor"] > cursor, body)
    next_cursor = body["cursor"]
    status, body = s.call("GET", "/orgs/%d/market/new?since=%d" % (orgs["Beta"], next_cursor), beta)
    check("the next poll from the new cursor gives nothing again", status == 200 and body["jobs"] == [], body)
    status, body = s.call("GET", "/orgs/%d/market/new?since=soon" % orgs["Beta"], beta)
    check("a since that is no number is 400 naming it", status == 400
          and error_message(body).startswith("since:"), body)
    status, body = s.call("PUT", "/orgs/%d/market/follow" % orgs["Beta"], beta, {})
    status, body = s.call("GET", "/orgs/%d/market/new?since=%d" % (orgs["Beta"], cursor), beta)
    check("following everything (no keyword, no minimum) gives every new open job",
          status == 200 and len(body["jobs"]) == 6 and trees_job in [j["id"] for j in body["jobs"]], body)
    status, body = s.call("DELETE", "/orgs/%d/market/follow" % orgs["Beta"], beta)
    check("an org member stops following (204)", status == 204, body)
    status, body = s.call("GET", "/orgs/%d/market/new?since=%d" % (orgs["Beta"], cursor), beta)
    check("then nothing is new for the org", status == 200 and body["following"] is False
          and body["jobs"] == [], body)

    # ---- applying with a message; the deadline closes the job to applications
    status, body = s.call("POST", "/jobs/%d/applications" % street_job, beta,
                          {"org": orgs["Beta"], "message": "x" * 2001})
    check("a message over 2000 characters is refused naming it",
          status == 400 and error_message(body).startswith("message: must be at most 2000 characters"), body)
    status, body = s.call("POST", "/jobs/%d/applications" % street_job, beta, {"org": orgs["Beta"], "message": 7})
    check("a message that is no string is refused naming it",
          status == 400 and error_message(body).startswith("message:"), body)
    status, body = s.call("POST", "/jobs/%d/applications" % street_job, beta,
                          {"org": orgs["Beta"], "message": "We label cars every day."})
    check("an org applies with a message", status == 201 and body["message"] == "We label cars every day."
          and body["state"] == "pending", body)
    status, body = s.call("GET", "/jobs/%d/applications" % street_job, s.root)
    check("the project admin reads the message", status == 200 and body[0]["message"] == "We label cars every day.",
          body)
    status, body = s.call("GET", "/market", beta)
    mine = [j for j in body if j["id"] == street_job]
    check("the market shows the caller's org's application",
          mine and mine[0]["applications"] == [{"org": orgs["Beta"], "org_name": "Beta", "state": "pending"}], body)
    status, body = s.call("GET", "/market", gamma)
    check("and not another org's", all(j["applications"] == [] for j in body), body)
    status, body = s.call("POST", "/jobs/%d/applications" % trees_job, gamma, {"org": orgs["Gamma"], "message": ""})
    check("a message may be empty", status == 201 and body["message"] == "", body)
    status, body = s.call("POST", "/jobs/%d/applications" % deck_job, gamma, {"org": orgs["Gamma"]})
    check("and left out", status == 201 and body["message"] == "", body)

    status, soon = create("Closing soon", files[7:8], market={"bid": BID, "deadline": rfc3339(2)})
    status, body = s.call("GET", "/market", nobody)
    check("a job before its deadline is on the market", soon["id"] in [j["id"] for j in body], body)
    time.sleep(3)
    status, body = s.call("GET", "/market", nobody)
    check("after its deadline it is not", status == 200 and soon["id"] not in [j["id"] for j in body], body)
    status, body = s.call("POST", "/jobs/%d/applications" % soon["id"], beta, {"org": orgs["Beta"]})
    check("and applying to it is 422 naming the deadline",
          status == 422 and error_message(body).startswith("deadline: applications to job %d closed at"
                                                           % soon["id"]), body)

    status, body = s.call("GET", "/me/orgs", beta)
    check("a user's organizations", status == 200 and body == [{"id": orgs["Beta"], "name": "Beta"}], body)
    status, body = s.call("GET", "/me/orgs", nobody)
    check("none for a user in none", status == 200 and body == [], body)

    # ---- the migration: a database from before the terms, with a launched market job without them
    # SQLite's migration path (ALTER TABLE … DROP, PRAGMA user_version), which PostgreSQL's schema has no use for.
    if BACKEND == "sqlite":
        s.process.terminate()
        s.process.wait()
        db = sqlite3.connect(os.path.join(s.data, "quorum.sqlite"))
        version = db.execute("PRAGMA user_version").fetchone()[0]
        migrations = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "store",
                                       "quorum-store-migrations.c"), encoding="utf-8").read()
        db.executescript("ALTER TABLE job_applications DROP COLUMN message;"
                         "DROP TABLE market_listings; DROP TABLE market_follows;"
                         # and what the migrations after it made (the credential reasons)
                         "ALTER TABLE user_credentials DROP COLUMN reason;"
                         "ALTER TABLE user_credentials DROP COLUMN revoked_by;"
                         "ALTER TABLE user_credentials DROP COLUMN revoke_reason;"
                         "UPDATE jobs SET settings_json = json_remove (settings_json, '$.market') WHERE id = %d;"
                         # the schema just before the market's migration, wherever it is in the list
                         "PRAGMA user_version = %d;" % (trees_job, market_migration(migrations) - 1))
        db.close()
        s.start()
        s.root = s.login("root", "root password")
        beta = s.login("beta-worker", "beta-worker-password")
        status, body = s.call("GET", "/market", nobody)
        trees = [j for j in body if j["id"] == trees_job] if status == 200 else []
        check("after the migration a market job from before the terms is on the market, without a bid or deadline",
              trees and trees[0]["bid"] is None and trees[0]["deadline"] is None and trees[0]["applications"] == [],
              (status, body))
        check("and the migration took the database back to the latest schema",
              sqlite3.connect(os.path.join(s.data, "quorum.sqlite")).execute("PRAGMA user_version").fetchone()[0]
              == version)
        status, body = s.call("GET", "/jobs/%d/applications" % street_job, s.root)
        check("applications from before have an empty message", status == 200 and body[0]["message"] == "", body)
        s.call("PUT", "/orgs/%d/market/follow" % orgs["Beta"], beta, {})
        status, body = s.call("GET", "/orgs/%d/market/new?since=0" % orgs["Beta"], beta)
        check("the jobs on the market before are listed for a poll from the start",
              status == 200 and trees_job in [j["id"] for j in body["jobs"]], body)

    # ---- a poll looks at a page of listings: 51 new jobs come in two polls
    s.call("PUT", "/orgs/%d/market/follow" % orgs["Beta"], beta, {})
    status, body = s.call("GET", "/orgs/%d/market/new" % orgs["Beta"], beta)
    while status == 200 and body["more"]:
        status, body = s.call("GET", "/orgs/%d/market/new?since=%d" % (orgs["Beta"], body["cursor"]), beta)
    start = body["cursor"]
    bulk = [create("Bulk %d" % i, files[0:1], market={"bid": BID, "deadline": LATER})[1]["id"] for i in range(51)]
    status, first = s.call("GET", "/orgs/%d/market/new?since=%d" % (orgs["Beta"], start), beta)
    check("a poll gives the first 50 new listings, in their order, and says there are more",
          status == 200 and [j["id"] for j in first["jobs"]] == bulk[:50] and first["more"] is True, first)
    status, rest = s.call("GET", "/orgs/%d/market/new?since=%d" % (orgs["Beta"], first["cursor"]), beta)
    check("the next poll from its cursor gives the rest, and no more",
          status == 200 and [j["id"] for j in rest["jobs"]] == bulk[50:] and rest["more"] is False, rest)
finally:
    server.close()

report()
