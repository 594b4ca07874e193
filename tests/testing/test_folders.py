"""Folders (contract §2.4)."""

from __future__ import annotations


def test_create_returns_the_folder_at_version_1(grafana, http):
    uid = grafana.unique("team")
    status, body = http("POST", "/api/folders", {"uid": uid, "title": uid})
    assert status == 200
    assert (body["uid"], body["title"], body["version"]) == (uid, uid, 1)
    assert body["url"] == f"/dashboards/f/{uid}/{uid}"


def test_get_missing_folder_is_404_not_found(http):
    assert http("GET", "/api/folders/no-such-folder-x") == (
        404,
        {"status": "not-found", "message": "folder not found"},
    )


def test_existing_uid_is_409(grafana, http):
    uid = grafana.unique("team")
    http("POST", "/api/folders", {"uid": uid, "title": uid})
    status, _ = http("POST", "/api/folders", {"uid": uid, "title": uid + "-2"})
    assert status == 409


def test_empty_title_is_400(http):
    assert http("POST", "/api/folders", {"uid": "x-empty", "title": ""}) == (
        400,
        {"message": "folder title cannot be empty"},
    )


def test_uid_general_is_refused(http):
    status, _ = http("POST", "/api/folders", {"uid": "general", "title": "General"})
    assert status == 400


def test_list_contains_id_uid_title(grafana, http, api):
    uid = grafana.unique("team")
    created = api.folder.create_folder(uid, uid=uid)
    listed = api.folder.get_all_folders()
    assert {"id": created["id"], "uid": uid, "title": uid} in listed


def test_update_with_current_version_bumps_it(grafana, http):
    uid = grafana.unique("team")
    http("POST", "/api/folders", {"uid": uid, "title": uid})
    status, body = http(
        "PUT", f"/api/folders/{uid}", {"title": "Renamed", "version": 1}
    )
    assert (status, body["title"], body["version"]) == (200, "Renamed", 2)


def test_update_with_stale_version_is_412(grafana, http):
    uid = grafana.unique("team")
    http("POST", "/api/folders", {"uid": uid, "title": uid})
    http("PUT", f"/api/folders/{uid}", {"title": "Once", "version": 1})
    assert http("PUT", f"/api/folders/{uid}", {"title": "Twice", "version": 1}) == (
        412,
        {
            "status": "version-mismatch",
            "message": "the folder has been changed by someone else",
        },
    )


def test_update_with_overwrite_ignores_the_version(grafana, http):
    uid = grafana.unique("team")
    http("POST", "/api/folders", {"uid": uid, "title": uid})
    body = {"title": "Forced", "version": 7, "overwrite": True}
    assert http("PUT", f"/api/folders/{uid}", body)[0] == 200


def test_delete_removes_its_dashboards(grafana, http):
    uid = grafana.unique("team")
    http("POST", "/api/folders", {"uid": uid, "title": uid})
    dash = {"dashboard": {"uid": uid + "-d", "title": "Inside"}, "folderUid": uid}
    http("POST", "/api/dashboards/db", dash)
    status, body = http("DELETE", f"/api/folders/{uid}")
    assert (status, body["message"]) == (200, "Folder deleted")
    assert http("GET", f"/api/dashboards/uid/{uid}-d")[0] == 404
