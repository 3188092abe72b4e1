#!/usr/bin/env python3
"""A consensus job: every file drawn blind by three annotators, their
versions scored against each other and brought to one by a reviewer
(RedBrick's Consensus, Best Annotator or Manual Merge). Prints {"job",
"state", "passes_per_file", "consensus", "tasks": {kind: count}}."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_script import connect, emit, node, parser, run, value  # noqa: E402


def main():
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--project", type=int, required=True, help="the project's id")
    p.add_argument("--job-name", required=True, help="the job's name")
    p.add_argument("--files", type=int, nargs="*", help="file ids (default: every file of the project)")
    p.add_argument("--passes", type=int, default=3, help="annotators per file (default 3)")
    p.add_argument("--consensus", choices=("best_annotator", "manual_merge"), default="best_annotator")
    p.add_argument("--threshold", type=float, default=0.5, help="the match threshold τ (default 0.5)")
    args = p.parse_args()

    session = connect(args)
    files = args.files or [f["id"] for f in value(session.list_files_sync(args.project, None))]
    settings = {"name": args.job_name, "passes_per_file": args.passes, "consensus": args.consensus,
                "threshold": args.threshold, "blind": True}
    job = value(session.create_job_sync(args.project, node(settings), files, None))
    session.launch_job_sync(job["id"], None)
    status = value(session.job_status_sync(job["id"], None))
    emit({"job": job["id"], "state": status["state"], "passes_per_file": args.passes,
          "consensus": args.consensus,
          "tasks": {kind: sum(states.values()) for kind, states in status["tasks"].items()}})


run(main)
