#!/usr/bin/env python3
"""Fails when Quorum-1.0.gir shows a public function that lacks the
introspection annotations g-ir-scanner does not warn about: a pointer to a
number without (array) or (out), a callback without a (scope), a
cancellable that is not (nullable), a function or argument without its
doc, anything not introspectable. Run by the build after g-ir-scanner (so
that such a function fails the build) and by tests/python.

Usage: check-gir.py GIR [STAMP]: writes STAMP when the GIR is complete."""
import sys
import xml.etree.ElementTree as ET

CORE = "{http://www.gtk.org/introspection/core/1.0}"
C = "{http://www.gtk.org/introspection/c/1.0}"
NUMBERS = {"gint", "guint", "gint8", "guint8", "gint16", "guint16", "gint32", "guint32", "gint64", "guint64",
           "glong", "gulong", "gsize", "gssize", "goffset", "gdouble", "gfloat", "gboolean", "gchar", "guchar"}
CALLABLES = ("function", "method", "constructor")


def problems(path):
    root = ET.parse(path).getroot()
    found = []
    for tag in CALLABLES:
        for function in root.iter(CORE + tag):
            name = function.get(C + "identifier")
            if function.get("introspectable") == "0":
                found.append("%s: not introspectable" % name)
            returns = function.find(CORE + "return-value")
            if function.find(CORE + "doc") is None and (returns is None or returns.find(CORE + "doc") is None):
                found.append("%s: no doc comment" % name)
            for parameter in function.iter(CORE + "parameter"):
                where = "%s: %s" % (name, parameter.get("name"))
                kind = parameter.find(CORE + "type")
                if parameter.find(CORE + "doc") is None and parameter.get("name") != "...":
                    found.append("%s: no doc" % where)
                if kind is None:
                    continue
                c_type = kind.get(C + "type") or ""
                if (kind.get("name") in NUMBERS and c_type.endswith("*")
                        and parameter.get("direction") not in ("out", "inout")):
                    found.append("%s: %s without (array length=…) or (out)" % (where, c_type))
                if c_type == "GCancellable*" and parameter.get("nullable") != "1":
                    found.append("%s: a cancellable must be (nullable)" % where)
                if c_type == "GAsyncReadyCallback" and parameter.get("scope") != "async":
                    found.append("%s: a GAsyncReadyCallback must be (scope async)" % where)
                if kind.get("name", "").endswith("Progress") and parameter.get("scope") is None:
                    found.append("%s: a callback needs a (scope)" % where)
    return found


def main():
    found = problems(sys.argv[1])
    for problem in found:
        print("%s: %s" % (sys.argv[1], problem), file=sys.stderr)
    if found:
        sys.exit(1)
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w", encoding="utf-8") as stamp:
            stamp.write("ok\n")


if __name__ == "__main__":
    main()
