"""Health, authentication and role checks (contract §2.1, §2.2, §0.4)."""

from __future__ import annotations

import re

import pytest
from grafana_client.client import GrafanaClientError, GrafanaUnauthorizedError

from mt5dash.testing import FakeGrafana


def test_health_needs_no_credentials(grafana, http):
    status, body = http("GET", "/api/health", auth=None)
    assert status == 200
    assert body["database"] == "ok"
    assert body["version"] == grafana.version


def refused(message_id, text="Unauthorized"):
    """The 401 body of Grafana 11's authentication middleware."""
    return {
        "extra": None,
        "message": text,
        "messageId": message_id,
        "statusCode": 401,
        "traceID": "",
    }


def test_request_without_credentials_is_401_auth_unauthorized(http):
    status, body = http("GET", "/api/search", auth=None)
    assert (status, body) == (401, refused("auth.unauthorized"))


def test_wrong_password_is_401_password_auth_failed(http):
    status, body = http("GET", "/api/search", auth=("admin", "not-the-password"))
    expected = refused("password-auth.failed", "Invalid username or password")
    assert (status, body) == (401, expected)


def test_empty_password_is_refused_like_a_wrong_one(http):
    status, body = http("GET", "/api/search", auth=("admin", ""))
    expected = refused("password-auth.failed", "Invalid username or password")
    assert (status, body) == (401, expected)


def test_unknown_token_is_401_invalid_api_key(http):
    status, body = http("GET", "/api/search", auth="glsa_unknown_0000")
    assert (status, body) == (401, refused("api-key.invalid", "Invalid API key"))


def test_basic_header_that_does_not_decode_counts_as_no_credentials(fake_http):
    headers = {"Authorization": "Basic %%%not-base64"}
    status, body = fake_http("GET", "/api/search", auth=None, headers=headers)
    assert (status, body) == (401, refused("auth.unauthorized"))


def test_token_of_a_disabled_service_account_is_401_identity_disabled(
    fake_grafana, fake_http
):
    token = fake_grafana.create_token(role="Viewer")
    for account in fake_grafana.state.service_accounts.values():
        account["isDisabled"] = True
    status, body = fake_http("GET", "/api/search", auth=token)
    assert (status, body) == (401, refused("identity.disabled"))


def test_default_admin_password_is_refused_when_another_was_set():
    with FakeGrafana(admin_password="s3cret-and-long") as fake:
        api = fake_api(fake, ("admin", "admin"))
        with pytest.raises(GrafanaUnauthorizedError):
            api.search.search_dashboards()


def test_basic_auth_of_a_created_user_works(grafana):
    login = grafana.unique("editor")
    grafana.add_user(login, "editor-pass-123", role="Editor")
    api = grafana.api((login, "editor-pass-123"))
    assert isinstance(api.search.search_dashboards(), list)


def test_service_account_token_authenticates(grafana):
    token = grafana.create_token(role="Viewer")
    assert token.startswith("glsa_")
    assert isinstance(grafana.api(token).search.search_dashboards(), list)


RULES_READ = (
    "any of alert.provisioning:read, alert.rules.provisioning:read, "
    "alert.provisioning.secrets:read, all of alert.rules:read, folders:read"
)
NOTIFICATIONS_READ = (
    "any of alert.provisioning:read, alert.notifications.provisioning:read, "
    "alert.provisioning.secrets:read, alert.notifications:read"
)
NOTIFICATIONS_WRITE = (
    "any of alert.provisioning:write, alert.notifications.provisioning:write, "
    "all of alert.notifications:write, alert.provisioning.provenance:write"
)
RULE_CREATE = (
    "any of alert.provisioning:write, alert.rules.provisioning:write, "
    "all of alert.rules:create, alert.provisioning.provenance:write"
)


@pytest.mark.parametrize(
    ("role", "method", "path", "needed"),
    [
        ("None", "GET", "/api/v1/provisioning/alert-rules", RULES_READ),
        ("None", "GET", "/api/v1/provisioning/contact-points", NOTIFICATIONS_READ),
        ("Viewer", "POST", "/api/v1/provisioning/alert-rules", RULE_CREATE),
        ("Viewer", "PUT", "/api/v1/provisioning/policies", NOTIFICATIONS_WRITE),
        ("Viewer", "GET", "/api/datasources", "datasources:read"),
        ("Editor", "POST", "/api/datasources", "datasources:create"),
        ("Editor", "POST", "/api/teams", "teams:create"),
        ("Viewer", "POST", "/api/folders", "folders:create"),
        ("Admin", "POST", "/api/admin/users", "users:create"),
        (
            "Viewer",
            "POST",
            "/api/dashboards/db",
            "any of dashboards:create, dashboards:write",
        ),
    ],
)
def test_missing_role_gets_the_rbac_403_body(grafana, http, role, method, path, needed):
    token = grafana.create_token(role=role)
    status, body = http(method, path, body={}, auth=token)
    assert status == 403
    assert set(body) == {"title", "message", "accessErrorId"}
    assert body["title"] == "Access denied"
    assert body["message"] == (
        "You'll need additional permissions to perform this action. "
        f"Permissions needed: {needed}"
    )
    assert re.fullmatch(r"ACE\d{10}", body["accessErrorId"])


@pytest.mark.parametrize(
    ("role", "method", "path", "body"),
    [
        ("Viewer", "GET", "/api/v1/provisioning/alert-rules", None),
        ("Viewer", "GET", "/api/v1/provisioning/policies", None),
        (
            "Editor",
            "PUT",
            "/api/v1/provisioning/templates/by-editor",
            {"template": "x"},
        ),
    ],
)
def test_provisioning_api_follows_the_alerting_roles(
    grafana, http, role, method, path, body
):
    status, _ = http(method, path, body=body, auth=grafana.create_token(role=role))
    assert status in (200, 202)


def test_viewer_cannot_save_a_dashboard(grafana):
    viewer = grafana.api(grafana.create_token(role="Viewer"))
    with pytest.raises(GrafanaClientError) as raised:
        viewer.dashboard.update_dashboard({"dashboard": {"title": "No"}})
    assert raised.value.status_code == 403


def test_anonymous_access_is_refused_by_default(http):
    assert http("GET", "/api/search", auth=None)[0] == 401


def test_anonymous_access_works_when_settings_enable_it(fake_grafana, fake_http):
    fake_grafana.settings["auth.anonymous"]["enabled"] = True
    assert fake_http("GET", "/api/search", auth=None) == (200, [])


def test_wrong_password_gets_anonymous_access_when_that_is_on(fake_grafana, fake_http):
    fake_grafana.settings["auth.anonymous"]["enabled"] = True
    status, user = fake_http("GET", "/api/user", auth=("admin", "wrong"))
    assert (status, user["login"], user["id"]) == (200, "", 0)


def test_sign_up_is_refused_when_disabled(http):
    status, body = http(
        "POST",
        "/api/user/signup",
        body={"email": "new@example.com"},
        auth=None,
    )
    assert (status, body) == (401, {"message": "User signup is disabled"})


def fake_api(fake, auth):
    from grafana_client import GrafanaApi

    return GrafanaApi.from_url(fake.url, credential=auth)


def test_health_is_503_when_the_database_fails(fake_grafana, fake_http):
    fake_grafana.database_ok = False
    status, body = fake_http("GET", "/api/health", auth=None)
    assert (status, body["database"]) == (503, "failing")


def test_login_ping_needs_a_signed_in_user(http):
    assert http("GET", "/api/login/ping", auth=None)[0] == 401
    assert http("GET", "/api/login/ping")[0] == 200


def test_sign_up_is_accepted_when_enabled(fake_grafana, fake_http):
    fake_grafana.settings["users"]["allow_sign_up"] = True
    body = {"email": "new@example.com"}
    assert fake_http("POST", "/api/user/signup", body, auth=None)[0] == 200
