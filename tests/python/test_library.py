"""libquorum-client in this process through GObject introspection: errors
as GLib.Error with the server's message and code, async calls on a GLib
main loop, uploads with progress, the offline agreement."""
import json
import os
import subprocess

import gi
import pytest

gi.require_version("Json", "1.0")
gi.require_version("Quorum", "1.0")
from gi.repository import GLib, Json, Quorum  # noqa: E402

from conftest import BUILD_ROOT, png  # noqa: E402


def value(node):
    return json.loads(Json.to_string(node, False))


def session_for(server, token):
    session = Quorum.Session.new(server.base[len("http://"):-len("/api/v1")])
    session.set_token(token)
    return session


def test_an_unknown_id_is_a_glib_error_with_the_servers_message(server):
    session = session_for(server, server.root)
    with pytest.raises(GLib.Error) as caught:
        session.job_status_sync(9999, None)
    code, body = server.call("GET", "/jobs/9999/status", server.root)
    assert code == 404
    assert caught.value.domain == "quorum-error-quark"
    assert caught.value.code == Quorum.Error.NOT_FOUND
    assert caught.value.message == body["error"]["message"]
    assert caught.value.matches(Quorum.error_quark(), Quorum.Error.NOT_FOUND)


def test_the_servers_refusal_keeps_its_code_and_field(server):
    session = session_for(server, server.root)
    bad = Json.from_string(json.dumps({"name": "P0", "passes_per_file": 0}))
    with pytest.raises(GLib.Error) as caught:
        session.create_job_sync(1, bad, [1], None)
    code, body = server.call("POST", "/projects/1/jobs", server.root,
                             {"settings": {"name": "P0", "passes_per_file": 0}, "files": [1]})
    assert code == 400 and caught.value.code == Quorum.Error.INVALID
    assert caught.value.message == body["error"]["message"] and caught.value.message.startswith("settings.passes_per_file")


def test_bad_arguments_are_refused_naming_the_field(server):
    session = session_for(server, server.root)
    with pytest.raises(GLib.Error) as caught:
        session.list_jobs_sync(0, None)
    assert caught.value.code == Quorum.Error.INVALID and caught.value.message.startswith("project_id:")
    with pytest.raises(GLib.Error) as caught:
        session.export_to_file_sync(1, "csv", "all", "/tmp/never-written.json", None)
    assert caught.value.message == "format: coco or quorum, not “csv”"
    assert not os.path.exists("/tmp/never-written.json")
    with pytest.raises(GLib.Error) as caught:
        session.call_sync("FETCH", "/projects", None, None)
    assert caught.value.message.startswith("method:")
    with pytest.raises(GLib.Error) as caught:
        Quorum.Session.new("")
    assert caught.value.message.startswith("server:")


def test_coco_export_with_and_without_interpolated_frames_is_the_routes(server, tmp_path):
    upload = server.call("POST", "/projects/1/files?name=coco-export.png", server.root, raw=png(32, 24, 90),
                         content_type="image/png")
    assert upload[0] in (200, 201), upload
    code, job = server.call("POST", "/projects/1/jobs", server.root,
                            {"settings": {"name": "Export COCO", "passes_per_file": 1}, "files": [upload[1]["id"]]})
    assert code == 201, job
    assert server.call("POST", "/jobs/%d/launch" % job["id"], server.root)[0] == 200
    session = session_for(server, server.root)
    for interpolated in (True, False):
        path = tmp_path / ("coco-%s.json" % interpolated)
        assert session.export_coco_to_file_sync(job["id"], interpolated, str(path), None) is True
        code, expected = server.call("GET", "/jobs/%d/export?format=coco&interpolated=%s"
                                     % (job["id"], "true" if interpolated else "false"), server.root)
        assert code == 200
        with open(path) as written:
            assert json.load(written) == expected
        # Only the frames drawn: the document says so, and the default does not.
        assert (expected["info"].get("quorum", {}).get("interpolated", True) is False) == (not interpolated)
    with pytest.raises(GLib.Error) as caught:
        session.export_coco_to_file_sync(0, False, str(tmp_path / "never.json"), None)
    assert caught.value.message.startswith("job_id:")
    assert not (tmp_path / "never.json").exists()


def test_sign_in_keeps_the_token_and_a_wrong_password_is_unauthorized(server):
    session = Quorum.Session.new(server.base[len("http://"):-len("/api/v1")])
    assert session.get_token() is None
    reply = value(session.sign_in_sync("root", "root password", None))
    assert reply["user"]["name"] == "root" and session.get_token() == reply["token"]
    assert session.props.token == reply["token"]
    projects = value(session.list_projects_sync(None))
    code, expected = server.call("GET", "/projects", reply["token"])
    assert projects == expected
    with pytest.raises(GLib.Error) as caught:
        session.sign_in_sync("root", "not the password", None)
    code, body = server.call("POST", "/login", body={"user": "root", "password": "not the password"})
    assert caught.value.code == Quorum.Error.UNAUTHORIZED and caught.value.message == body["error"]["message"]


def test_async_calls_on_a_main_loop(server):
    session = session_for(server, server.root)
    loop = GLib.MainLoop()
    results = {}

    def listed(source, result):
        results["projects"] = value(source.list_projects_finish(result))
        source.job_status_async(4242, None, failed)

    def failed(source, result):
        try:
            source.job_status_finish(result)
        except GLib.Error as error:
            results["error"] = (error.code, error.message)
        loop.quit()

    session.list_projects_async(None, listed)
    GLib.timeout_add_seconds(20, loop.quit)
    loop.run()
    code, expected = server.call("GET", "/projects", server.root)
    assert results["projects"] == expected
    assert results["error"] == (Quorum.Error.NOT_FOUND, "no job 4242")


def test_upload_with_progress_and_bytes(server, tmp_path):
    session = session_for(server, server.root)
    path = tmp_path / "progress.png"
    content = png(64, 48, 201)
    path.write_bytes(content)
    seen = []
    record = value(session.upload_file_sync(1, str(path), "renamed.png",
                                            progress=lambda sent, total, *data: seen.append((sent, total))))
    assert seen and seen[-1] == (len(content), len(content))
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))
    code, stored = server.call("GET", "/files/%d" % record["id"], server.root)
    assert stored["name"] == "renamed.png" and stored["size"] == len(content) and record["existed"] is False

    again = value(session.upload_bytes_sync(1, GLib.Bytes.new(content), "same-bytes.png", None))
    assert again["existed"] is True and again["id"] == record["id"]
    fresh = value(session.upload_bytes_sync(1, GLib.Bytes.new(png(8, 8, 202)), "fresh.png", None))
    code, stored = server.call("GET", "/files/%d" % fresh["id"], server.root)
    assert fresh["existed"] is False and stored["name"] == "fresh.png" and stored["width"] == 8

    loop = GLib.MainLoop()
    got = {}

    def uploaded(source, result):
        got["record"] = value(source.upload_file_finish(result))
        loop.quit()

    async_seen = []
    session.upload_file_async(1, str(path), "async.png", progress=lambda sent, total, *data: async_seen.append(sent),
                              callback=uploaded)
    GLib.timeout_add_seconds(20, loop.quit)
    loop.run()
    assert got["record"]["id"] == record["id"] and async_seen[-1] == len(content)


def test_guides_labels_files_and_credentials(server):
    session = session_for(server, server.root)
    guide = value(session.create_guide_sync(1, "Lib guide", "first", None))
    updated = value(session.update_guide_sync(guide["id"], None, "second", guide["version"], None))
    code, stored = server.call("GET", "/guides/%d" % guide["id"], server.root)
    assert stored["markdown"] == "second" and stored["name"] == "Lib guide" and updated["version"] == 2
    with pytest.raises(GLib.Error) as caught:
        session.update_guide_sync(guide["id"], "Lib guide", "third", 1, None)
    assert caught.value.code == Quorum.Error.CONFLICT and caught.value.message.startswith("expected_version:")

    labels = value(session.list_labels_sync(1, None))
    code, expected = server.call("GET", "/projects/1/labels", server.root)
    assert labels == expected

    ids = [value(session.upload_bytes_sync(1, GLib.Bytes.new(png(8, 8, shade)), "job-%d.png" % shade, None))["id"]
           for shade in (71, 72)]
    listed_files = value(session.list_files_sync(1, None))
    code, expected = server.call("GET", "/projects/1/files", server.root)
    assert listed_files == expected and set(ids) <= {f["id"] for f in expected}
    job = value(session.create_job_sync(1, Json.from_string('{"name": "Edited"}'), ids[:1], None))
    session.add_job_files_sync(job["id"], ids[1:2], None)
    code, body = server.call("GET", "/jobs/%d" % job["id"], server.root)
    assert [f["id"] for f in body["files"]] == ids
    session.remove_job_files_sync(job["id"], ids[:1], None)
    code, body = server.call("GET", "/jobs/%d" % job["id"], server.root)
    assert [f["id"] for f in body["files"]] == ids[1:2]

    code, credential = server.call("POST", "/projects/1/credentials", server.root, {"name": "Lib credential"})
    holder_id, _ = server.user("holder", "annotator")
    session.grant_credential_sync(credential["id"], holder_id, "passed on paper", None)
    code, grants = server.call("GET", "/credentials/%d/grants" % credential["id"], server.root)
    assert [(g["user"], g["reason"]) for g in grants] == [(holder_id, "passed on paper")]
    listed = value(session.list_credentials_sync(1, None))
    assert [c["holders"] for c in listed if c["id"] == credential["id"]] == [1]
    session.revoke_credential_sync(credential["id"], holder_id, "left", None)
    code, grants = server.call("GET", "/credentials/%d/grants" % credential["id"], server.root)
    assert grants == []


def write_set(path, annotator, boxes):
    path.write_text(json.dumps({"annotator": annotator, "file": {"width": 64, "height": 48, "frames": 1},
                                "instances": [{"id": "i%d" % n, "label": "car", "kind": "box", "points": box}
                                              for n, box in enumerate(boxes)]}))
    return str(path)


def test_agreement_of_files_is_quorumctl_agreement(tmp_path):
    paths = [write_set(tmp_path / "a.json", "ann", [[[0, 0], [10, 10]], [[20, 20], [40, 40]]]),
             write_set(tmp_path / "b.json", "ben", [[[1, 1], [10, 10]]]),
             write_set(tmp_path / "c.json", "cat", [[[30, 30], [50, 44]]])]
    report = value(Quorum.agreement_of_files(paths, 0.5))
    quorumctl = os.path.join(BUILD_ROOT, "src", "cli", "quorumctl")
    done = subprocess.run([quorumctl, "agreement", "--json"] + paths, capture_output=True, text=True, check=True)
    assert report == json.loads(done.stdout)
    assert report["annotators"]["ann"] > report["annotators"]["cat"]
    with pytest.raises(GLib.Error) as caught:
        Quorum.agreement_of_files(paths[:1], 0.5)
    assert caught.value.message.startswith("paths:")
    with pytest.raises(GLib.Error) as caught:
        Quorum.agreement_of_files(paths, 0)
    assert caught.value.message.startswith("threshold:")
    (tmp_path / "bad.json").write_text('{"annotator": "dan"}')
    with pytest.raises(GLib.Error) as caught:
        Quorum.agreement_of_files(paths[:1] + [str(tmp_path / "bad.json")], 0.5)
    assert caught.value.message.startswith("paths[1]: ")
