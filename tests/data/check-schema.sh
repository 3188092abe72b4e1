#!/bin/sh
# The GSettings schema compiles with --strict, alone in a folder.
set -eu
case "$1" in
  *.gschema.xml) [ -f "$1" ] || { echo "$1: no such schema"; exit 1; } ;;
  *) echo "$1: not a .gschema.xml file"; exit 1 ;;
esac
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$1" "$dir/"
glib-compile-schemas --strict --dry-run "$dir"
