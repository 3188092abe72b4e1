#!/usr/bin/env python3
"""po/POTFILES.in is sorted, names only files that exist, and names every
file with translatable strings.

Usage: check-potfiles.py SOURCE_ROOT"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
potfiles = root / "po" / "POTFILES.in"
lines = [line.strip() for line in potfiles.read_text(encoding="utf-8").splitlines()]
listed = [line for line in lines if line and not line.startswith("#")]
problems = []

if listed != sorted(listed):
    problems.append("POTFILES.in is not sorted")
for name in listed:
    if not (root / name).is_file():
        problems.append(f"POTFILES.in lists {name}, which does not exist")

MARKERS = {
    ".c": re.compile(r'\b(?:_|N_|C_|NC_)\s*\(\s*"|\bn?gettext\s*\('),
    ".h": re.compile(r'\b(?:_|N_|C_|NC_)\s*\(\s*"'),
    ".ui": re.compile(r'translatable="yes"'),
}
candidates = []
for pattern in ("src/**/*.c", "src/**/*.h", "data/ui/*.ui"):
    candidates.extend(root.glob(pattern))
# Desktop and metainfo templates are translated as a whole.
candidates.extend(root.glob("data/*.desktop.in"))
candidates.extend(root.glob("data/*.metainfo.xml.in"))
candidates.extend(root.glob("data/*.gschema.xml"))

for path in sorted(candidates):
    name = path.relative_to(root).as_posix()
    marker = MARKERS.get(path.suffix)
    if marker is not None and not marker.search(path.read_text(encoding="utf-8")):
        continue
    if name not in listed:
        problems.append(f"{name} has translatable strings but is not in POTFILES.in")

for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
