#!/usr/bin/env python3
"""The Flatpak manifest parses and agrees with meson: the same app id, the
same command, Quorum built last with meson, only pinned git tags or the local
tree as sources, and the permissions the app needs.

Usage: check-flatpak.py MANIFEST APP_ID COMMAND"""
import json
import sys

manifest_path, app_id, command = sys.argv[1:4]
problems = []

try:
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
except (OSError, ValueError) as error:
    print(f"{manifest_path}: {error}")
    sys.exit(1)

if manifest.get("app-id") != app_id:
    problems.append(f"app-id is {manifest.get('app-id')!r}, meson says {app_id!r}")
if manifest.get("command") != command:
    problems.append(f"command is {manifest.get('command')!r}, meson builds {command!r}")
if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
    problems.append("runtime and sdk must be org.gnome.Platform and org.gnome.Sdk")

modules = manifest.get("modules", [])
if not modules or not isinstance(modules[-1], dict) or modules[-1].get("name") != "quorum":
    problems.append("the last module must be quorum")
elif modules[-1].get("buildsystem") != "meson":
    problems.append("quorum must be built with meson")

for module in modules:
    if not isinstance(module, dict):
        problems.append(f"module {module!r} must be an object")
        continue
    for source in module.get("sources", []):
        kind = source.get("type")
        if kind == "git" and not source.get("tag") and not source.get("commit"):
            problems.append(f"{module.get('name')}: a git source needs a tag or commit")
        elif kind not in ("git", "dir"):
            problems.append(f"{module.get('name')}: source type {kind!r}; use git tags or dir")

needed = {"--share=network", "--socket=wayland", "--socket=fallback-x11", "--device=dri"}
missing = needed - set(manifest.get("finish-args", []))
if missing:
    problems.append("finish-args lack " + ", ".join(sorted(missing)))

for problem in problems:
    print(f"{manifest_path}: {problem}")
sys.exit(1 if problems else 0)
