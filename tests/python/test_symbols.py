"""Every symbol libquorum-client-1 exports is in Quorum-1.0.gir and
introspectable, and every function of the GIR is exported: no public
function escapes the annotations, none is skipped."""
import os
import subprocess
import xml.etree.ElementTree as ET

from conftest import BUILD_ROOT

GI_DIR = os.path.join(BUILD_ROOT, "src", "gi")
CORE = "{http://www.gtk.org/introspection/core/1.0}"
C = "{http://www.gtk.org/introspection/c/1.0}"
GLIB = "{http://www.gtk.org/introspection/glib/1.0}"


def exported():
    library = os.path.join(GI_DIR, "libquorum-client-1.so")
    lines = subprocess.run(["nm", "-D", "--defined-only", library], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    return {line.split()[2].split("@")[0] for line in lines if len(line.split()) == 3 and line.split()[1] == "T"}


def gir():
    return ET.parse(os.path.join(GI_DIR, "Quorum-1.0.gir")).getroot()


def test_every_exported_symbol_is_introspected():
    root = gir()
    identifiers = {e.get(C + "identifier") for e in root.iter() if e.get(C + "identifier")}
    identifiers |= {e.get(GLIB + "get-type") for e in root.iter() if e.get(GLIB + "get-type")}
    symbols = exported()
    assert len(symbols) > 60, symbols
    assert sorted(symbols - identifiers) == []


def test_nothing_in_the_gir_is_skipped_or_missing_from_the_library():
    root = gir()
    functions = [e for tag in ("function", "method", "constructor")
                 for e in root.iter(CORE + tag)]
    assert [f.get("name") for f in functions if f.get("introspectable") == "0"] == []
    assert sorted({f.get(C + "identifier") for f in functions} - exported()) == []


def test_the_error_domain_is_quorum_error():
    root = gir()
    enums = [e for e in root.iter(CORE + "enumeration") if e.get("name") == "Error"]
    assert len(enums) == 1 and enums[0].get(GLIB + "error-domain") == "quorum-error-quark"
    assert [m.get("name") for m in enums[0].iter(CORE + "member")] == [
        "invalid", "unauthorized", "forbidden", "not_found", "conflict", "too_large", "state", "unreachable",
        "failed"]


def load_check_gir():
    import importlib.util
    from conftest import SOURCE_ROOT
    spec = importlib.util.spec_from_file_location("check_gir", os.path.join(SOURCE_ROOT, "src", "gi", "check-gir.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_function_is_fully_annotated():
    assert load_check_gir().problems(os.path.join(GI_DIR, "Quorum-1.0.gir")) == []


def test_the_annotation_check_finds_what_the_scanner_lets_through(tmp_path):
    """The GIR of a function whose file_ids lost (array length=n_files), and
    whose callback lost its scope: what g-ir-scanner writes without a warning."""
    text = open(os.path.join(GI_DIR, "Quorum-1.0.gir"), encoding="utf-8").read()
    root = ET.fromstring(text)
    for method in root.iter(CORE + "method"):
        if method.get(C + "identifier") == "quorum_session_add_job_files_sync":
            parameter = [p for p in method.iter(CORE + "parameter") if p.get("name") == "file_ids"][0]
            parameter.remove(parameter.find(CORE + "array"))
            ET.SubElement(parameter, CORE + "type", {"name": "gint64", C + "type": "const gint64*"})
        if method.get(C + "identifier") == "quorum_session_list_jobs_async":
            for parameter in method.iter(CORE + "parameter"):
                parameter.attrib.pop("scope", None)
    broken = tmp_path / "broken.gir"
    broken.write_bytes(ET.tostring(root))
    found = load_check_gir().problems(str(broken))
    assert found == ["quorum_session_add_job_files_sync: file_ids: const gint64* without (array length=…) or (out)",
                     "quorum_session_list_jobs_async: callback: a GAsyncReadyCallback must be (scope async)"]
