#!/usr/bin/env python3
"""Upload a folder of images and videos, write a guide, make a job of the
files with the guide, and launch it: Diffgram's
    project.file.from_local(path); project.guide.new(…); project.job.new(…, launch=True)
with libquorum-client. Prints {"job", "state", "guide", "files": [ids]}."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quorum_script import connect, emit, fail, node, parser, run, value  # noqa: E402


def main():
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--project", type=int, required=True, help="the project's id")
    p.add_argument("--folder", required=True, help="the folder to upload")
    p.add_argument("--guide-name", required=True, help="the guide's name")
    p.add_argument("--guide", required=True, help="a Markdown file: the guide's text")
    p.add_argument("--job-name", required=True, help="the job's name")
    p.add_argument("--passes", type=int, default=1, help="passes per file (default 1)")
    p.add_argument("--review-frequency", type=int, default=0,
                   help="review every Nth draw task (default 0: no review)")
    args = p.parse_args()
    try:
        with open(args.guide, encoding="utf-8") as guide_file:
            markdown = guide_file.read()
    except OSError as error:
        fail("--guide: %s" % error)

    session = connect(args)
    files = value(session.upload_folder_sync(args.project, args.folder, None))
    for record in files:
        print("%s %s (id %d)" % ("had" if record["existed"] else "uploaded", record["name"], record["id"]),
              file=sys.stderr)
    guide = value(session.create_guide_sync(args.project, args.guide_name, markdown, None))
    settings = {"name": args.job_name, "passes_per_file": args.passes,
                "review_frequency": args.review_frequency, "draw_guide": str(guide["id"])}
    job = value(session.create_job_sync(args.project, node(settings), [f["id"] for f in files], None))
    job = value(session.launch_job_sync(job["id"], None))
    emit({"job": job["id"], "state": job["state"], "guide": guide["id"], "files": [f["id"] for f in files]})


run(main)
