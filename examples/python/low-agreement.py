#!/usr/bin/env python3
"""Export every version of a job's files with their scores, and pick the
files whose annotators agree less than a bound (0.6 by default): the files
to look at again. Prints [{"file", "name", "agreement", "best", "versions"}]
by agreement, lowest first."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_script import connect, emit, fail, parser, run  # noqa: E402


def main():
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--job", type=int, required=True, help="the job's id")
    p.add_argument("--below", type=float, default=0.6, help="the agreement bound (default 0.6)")
    p.add_argument("--output", required=True, help="where the Quorum export is written")
    args = p.parse_args()
    if not 0 < args.below <= 1:
        fail("--below: must be above 0 and at most 1, not %s" % args.below)

    session = connect(args)
    session.export_to_file_sync(args.job, "quorum", "all", args.output, None)
    with open(args.output, encoding="utf-8") as export_file:
        export = json.load(export_file)
    low = [{"file": f["file"]["id"], "name": f["file"]["name"], "agreement": f["agreement"],
            "best": f["best"], "versions": len(f.get("versions", []))}
           for f in export["files"] if f.get("agreement") is not None and f["agreement"] < args.below]
    low.sort(key=lambda f: (f["agreement"], f["file"]))
    emit(low)


run(main)
