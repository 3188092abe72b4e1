#!/usr/bin/env python3
"""An exam for new annotators: files with a gold standard, a pass rule,
and the credential a passed attempt awards (Diffgram's Exams). With
--results JOB, the results of an exam instead. Prints {"job", "state",
"awards", "files", "gold": {file id: instances}} or the results."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_script import connect, emit, fail, node, parser, run, value  # noqa: E402


def main():
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--project", type=int, help="the project's id")
    p.add_argument("--name", help="the exam's name")
    p.add_argument("--gold", help="a JSON file {FILE NAME: [instances]}: the gold of each exam file")
    p.add_argument("--award", help="the credential a passed attempt awards")
    p.add_argument("--min-average-stars", type=float, default=3, help="pass rule (default 3)")
    p.add_argument("--max-missed", type=int, default=0, help="pass rule (default 0)")
    p.add_argument("--max-attempts", type=int, default=3, help="attempts per person (default 3)")
    p.add_argument("--results", type=int, metavar="JOB", help="print the results of this exam instead")
    args = p.parse_args()

    if args.results is not None:
        session = connect(args)
        results = value(session.exam_results_sync(args.results, None))
        emit({"state": results["state"],
              "takers": [{"name": t["name"], "attempt": t["number"], "average_stars": t["average_stars"],
                          "missed": t["missed"], "meets_pass_rule": t["meets_pass_rule"],
                          "decision": t["decision"]} for t in results["takers"]]})
        return
    for option in ("project", "name", "gold", "award"):
        if getattr(args, option) is None:
            fail("--%s: is needed to make an exam" % option)
    try:
        with open(args.gold, encoding="utf-8") as gold_file:
            gold = json.load(gold_file)
    except (OSError, ValueError) as error:
        fail("--gold: %s" % error)
    if not isinstance(gold, dict) or not gold:
        fail("--gold: must be a JSON object {FILE NAME: [instances]} with at least one file")

    session = connect(args)
    by_name = {f["name"]: f["id"] for f in value(session.list_files_sync(args.project, None))}
    missing = [name for name in gold if name not in by_name]
    if missing:
        fail("--gold: the project has no file called %s" % ", ".join(sorted(missing)))
    stored = {}
    for name, instances in gold.items():
        reply = value(session.call_sync("PUT", "/files/%d/existing" % by_name[name],
                                        node({"instances": instances}), None))
        stored[str(by_name[name])] = reply
    settings = {"name": args.name, "type": "exam", "awarded_credentials": [args.award],
                "pass_rule": {"min_average_stars": args.min_average_stars, "max_missed": args.max_missed},
                "max_attempts": args.max_attempts}
    job = value(session.create_job_sync(args.project, node(settings), [by_name[n] for n in gold], None))
    job = value(session.launch_job_sync(job["id"], None))
    emit({"job": job["id"], "state": job["state"], "awards": [args.award],
          "files": [by_name[n] for n in gold], "gold": stored})


run(main)
