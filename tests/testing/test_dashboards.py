"""Dashboards: save rules, read, delete and versions (contract §2.3)."""

from __future__ import annotations

import pytest
from grafana_client.client import GrafanaClientError

from mt5dash.testing import FakeGrafana

NAME_EXISTS = {
    "status": "name-exists",
    "message": "A dashboard with the same name in the folder already exists",
}
VERSION_MISMATCH = {
    "status": "version-mismatch",
    "message": "The dashboard has been changed by someone else",
}


def save(http, model, **extra):
    return http("POST", "/api/dashboards/db", {"dashboard": model, **extra})


def test_create_answers_success_at_version_1(grafana, http):
    uid = grafana.unique("dash")
    status, body = save(http, {"uid": uid, "title": uid})
    assert status == 200
    assert body["status"] == "success"
    assert (body["uid"], body["version"]) == (uid, 1)
    assert body["url"] == f"/d/{uid}/{uid}"
    assert body["slug"] == uid


def test_each_save_adds_one_to_the_version(grafana, http):
    uid = grafana.unique("dash")
    save(http, {"uid": uid, "title": uid})
    save(http, {"uid": uid, "title": uid, "version": 1})
    status, body = save(http, {"uid": uid, "title": uid, "version": 2})
    assert (status, body["version"]) == (200, 3)


def test_stale_version_is_412_version_mismatch(grafana, http):
    uid = grafana.unique("dash")
    save(http, {"uid": uid, "title": uid})
    save(http, {"uid": uid, "title": uid, "version": 1})
    assert save(http, {"uid": uid, "title": uid, "version": 1}) == (
        412,
        VERSION_MISMATCH,
    )


def test_second_create_without_overwrite_is_412(grafana, http):
    uid = grafana.unique("dash")
    save(http, {"uid": uid, "title": uid})
    assert save(http, {"uid": uid, "title": uid}) == (412, VERSION_MISMATCH)


def test_overwrite_adopts_the_stored_version(grafana, http):
    uid = grafana.unique("dash")
    save(http, {"uid": uid, "title": uid})
    status, body = save(http, {"uid": uid, "title": uid}, overwrite=True)
    assert (status, body["version"]) == (200, 2)


def test_missing_title_is_400_empty_name(http):
    assert save(http, {"uid": "no-title"}) == (
        400,
        {"status": "empty-name", "message": "Dashboard title cannot be empty"},
    )


def test_wrapper_without_dashboard_key_is_400_empty_name(http):
    status, body = http("POST", "/api/dashboards/db", {"title": "Loose"})
    assert (status, body["status"]) == (400, "empty-name")


@pytest.mark.parametrize(
    ("uid", "text"),
    [
        ("bad uid!", "uid contains illegal characters"),
        ("x" * 41, "uid too long, max 40 characters"),
    ],
)
def test_bad_uid_is_400(http, uid, text):
    assert save(http, {"uid": uid, "title": "T"}) == (400, {"message": text})


def test_unknown_folder_is_400_folder_not_found(http):
    status, body = save(http, {"title": "T"}, folderUid="no-such-folder-x")
    assert (status, body) == (400, {"message": "folder not found"})


def test_same_title_in_folder_is_412_name_exists_on_11(save_to):
    with FakeGrafana(version="11.6.0") as fake:
        save_to(fake, {"uid": "a", "title": "Same"})
        assert save_to(fake, {"uid": "b", "title": "Same"}) == (412, NAME_EXISTS)


def test_same_title_in_folder_is_allowed_on_12(save_to):
    with FakeGrafana(version="12.0.0") as fake:
        save_to(fake, {"uid": "a", "title": "Same"})
        assert save_to(fake, {"uid": "b", "title": "Same"})[0] == 200


def test_get_returns_model_and_meta(grafana, http):
    folder = grafana.unique("team")
    uid = grafana.unique("dash")
    http("POST", "/api/folders", {"uid": folder, "title": folder})
    save(http, {"uid": uid, "title": uid}, folderUid=folder)
    status, body = http("GET", f"/api/dashboards/uid/{uid}")
    meta = body["meta"]
    assert status == 200
    assert (body["dashboard"]["uid"], body["dashboard"]["version"]) == (uid, 1)
    assert (meta["version"], meta["folderUid"], meta["folderTitle"]) == (
        1,
        folder,
        folder,
    )
    assert meta["url"] == f"/d/{uid}/{uid}"
    assert meta["slug"] == uid
    assert meta["provisioned"] is False
    for key in ("created", "updated", "updatedBy"):
        assert meta[key]


def test_update_without_folder_uid_moves_to_root(grafana, http):
    folder = grafana.unique("team")
    uid = grafana.unique("dash")
    http("POST", "/api/folders", {"uid": folder, "title": folder})
    save(http, {"uid": uid, "title": uid}, folderUid=folder)
    save(http, {"uid": uid, "title": uid, "version": 1})
    assert http("GET", f"/api/dashboards/uid/{uid}")[1]["meta"]["folderUid"] == ""


def test_get_missing_is_404(http):
    assert http("GET", "/api/dashboards/uid/no-such-dash-x") == (
        404,
        {"message": "Dashboard not found"},
    )


def test_delete_answers_title_and_message(grafana, api):
    uid = grafana.unique("dash")
    api.dashboard.update_dashboard({"dashboard": {"uid": uid, "title": uid}})
    body = api.dashboard.delete_dashboard(uid)
    assert body["message"] == f"Dashboard {uid} deleted"
    assert body["title"] == uid
    with pytest.raises(GrafanaClientError) as raised:
        api.dashboard.get_dashboard(uid)
    assert raised.value.status_code == 404


def test_versions_are_listed_newest_first_the_first_as_initial_save(grafana, http):
    uid = grafana.unique("dash")
    save(http, {"uid": uid, "title": uid}, message="first")
    save(http, {"uid": uid, "title": uid, "version": 1}, message="second")
    status, body = http("GET", f"/api/dashboards/uid/{uid}/versions")
    assert status == 200
    assert [(v["version"], v["message"]) for v in body] == [
        (2, "second"),
        (1, "Initial save"),
    ]
    assert all(v["created"] and "createdBy" in v for v in body)


def test_one_version_keeps_its_saved_message(grafana, http):
    uid = grafana.unique("dash")
    save(http, {"uid": uid, "title": uid}, message="first")
    status, body = http("GET", f"/api/dashboards/uid/{uid}/versions/1")
    assert (status, body["message"]) == (200, "first")


def test_one_version_returns_its_data(grafana, http):
    uid = grafana.unique("dash")
    save(http, {"uid": uid, "title": "Old"})
    save(http, {"uid": uid, "title": "New", "version": 1})
    status, body = http("GET", f"/api/dashboards/uid/{uid}/versions/1")
    assert (status, body["version"], body["data"]["title"]) == (200, 1, "Old")


@pytest.fixture
def save_to(raw_call):
    """``save_to(fake, model)``: POST one dashboard to a fake of the test's own."""

    def send(fake, model, **extra):
        admin = (fake.admin_user, fake.admin_password)
        body = {"dashboard": model, **extra}
        return raw_call(fake.url, "POST", "/api/dashboards/db", admin, body)

    return send


def test_overwrite_on_11_takes_the_place_of_the_same_titled_one(save_to):
    with FakeGrafana(version="11.6.0") as fake:
        save_to(fake, {"uid": "old", "title": "Same"})
        status, body = save_to(fake, {"uid": "new", "title": "Same"}, overwrite=True)
        assert (status, body["uid"], body["version"]) == (200, "old", 2)
        assert list(fake.dashboards) == ["old"]


def test_provisioned_dashboard_cannot_be_saved(fake_grafana, fake_http):
    fake_grafana.provision_dashboard({"uid": "p", "title": "P"})
    model = {"uid": "p", "title": "P", "version": 1}
    assert save(fake_http, model) == (
        400,
        {"message": "Cannot save provisioned dashboard"},
    )


def test_provisioned_dashboard_cannot_be_deleted(fake_grafana, fake_http):
    fake_grafana.provision_dashboard({"uid": "p", "title": "P"})
    assert fake_http("DELETE", "/api/dashboards/uid/p") == (
        400,
        {"message": "provisioned dashboard cannot be deleted"},
    )


def test_provisioned_with_ui_updates_can_be_saved(fake_grafana, fake_http):
    fake_grafana.provision_dashboard({"uid": "p", "title": "P"}, allow_ui_updates=True)
    status, body = save(fake_http, {"uid": "p", "title": "P", "version": 1})
    assert (status, body["version"]) == (200, 2)
    assert fake_grafana.dashboards["p"]["meta"]["provisioned"] is True


def test_plugin_dashboard_is_412_without_overwrite(fake_grafana, fake_http):
    save(fake_http, {"uid": "pd", "title": "From plugin"})
    fake_grafana.dashboards["pd"]["meta"]["pluginId"] = "mt5-app"
    model = {"uid": "pd", "title": "From plugin", "version": 1}
    assert save(fake_http, model) == (
        412,
        {
            "status": "plugin-dashboard",
            "message": "The dashboard belongs to plugin mt5-app.",
        },
    )
    assert save(fake_http, model, overwrite=True)[0] == 200


def test_versions_list_is_a_bare_array_on_11(fake_http):
    save(fake_http, {"uid": "v", "title": "V"}, message="first")
    status, body = fake_http("GET", "/api/dashboards/uid/v/versions")
    assert status == 200
    assert [(v["uid"], v["version"], v["parentVersion"]) for v in body] == [("v", 1, 0)]


def test_versions_list_is_wrapped_with_a_continue_token_on_12(raw_call):
    with FakeGrafana(version="12.0.0") as fake:
        admin = (fake.admin_user, fake.admin_password)
        body = {"dashboard": {"uid": "v", "title": "V"}}
        raw_call(fake.url, "POST", "/api/dashboards/db", admin, body)
        status, answer = raw_call(
            fake.url, "GET", "/api/dashboards/uid/v/versions", admin, None
        )
    assert (status, sorted(answer), answer["continueToken"]) == (
        200,
        ["continueToken", "versions"],
        "",
    )
    assert [v["version"] for v in answer["versions"]] == [1]
