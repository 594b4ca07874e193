"""The pytest plugin's choice between a fresh fake and a real Grafana."""

from __future__ import annotations

import pytest

from mt5dash.testing import FakeGrafana
from mt5dash.testing._target import FakeOnly, GrafanaTarget
from mt5dash.testing.pytest_plugin import open_target

VARIABLES = (
    "MT5DASH_TEST_GRAFANA_URL",
    "MT5DASH_TEST_GRAFANA_TOKEN",
    "MT5DASH_TEST_GRAFANA_USER",
    "MT5DASH_TEST_GRAFANA_PASSWORD",
)


@pytest.fixture
def clean_env(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def stand_in():
    """A FakeGrafana that the tests below treat as a 'real' Grafana by URL."""
    with FakeGrafana() as fake:
        yield fake


def test_without_environment_the_target_is_a_fresh_fake(clean_env):
    with open_target() as target:
        assert target.is_fake
        assert target.fake.dashboards == {}
        assert target.auth == ("admin", target.fake.admin_password)


def test_url_and_user_select_that_grafana(clean_env, stand_in):
    clean_env.setenv("MT5DASH_TEST_GRAFANA_URL", stand_in.url)
    clean_env.setenv("MT5DASH_TEST_GRAFANA_USER", stand_in.admin_user)
    clean_env.setenv("MT5DASH_TEST_GRAFANA_PASSWORD", stand_in.admin_password)
    with open_target() as target:
        assert not target.is_fake
        assert target.url == stand_in.url
        assert target.auth == (stand_in.admin_user, stand_in.admin_password)


def test_url_and_token_select_that_grafana(clean_env, stand_in):
    token = stand_in.create_token("Admin")
    clean_env.setenv("MT5DASH_TEST_GRAFANA_URL", stand_in.url)
    clean_env.setenv("MT5DASH_TEST_GRAFANA_TOKEN", token)
    with open_target() as target:
        assert target.auth == token
        assert target.api().search.search_dashboards() == []


def test_url_without_credentials_is_refused(clean_env):
    clean_env.setenv("MT5DASH_TEST_GRAFANA_URL", "http://127.0.0.1:1")
    with pytest.raises(RuntimeError, match="MT5DASH_TEST_GRAFANA_TOKEN"):
        open_target().__enter__()


def test_fake_only_helper_skips_on_a_real_grafana(clean_env, stand_in):
    clean_env.setenv("MT5DASH_TEST_GRAFANA_URL", stand_in.url)
    clean_env.setenv("MT5DASH_TEST_GRAFANA_TOKEN", stand_in.create_token("Admin"))
    with open_target() as target, pytest.raises(pytest.skip.Exception) as skipped:
        target.fail_request(1)
    assert "needs the fake Grafana" in str(skipped.value)


def test_plain_target_raises_fake_only():
    target = GrafanaTarget("http://127.0.0.1:1", "glsa_x")
    with pytest.raises(FakeOnly):
        _ = target.requests


def test_real_target_creates_tokens_through_the_api(stand_in):
    target = GrafanaTarget(stand_in.url, (stand_in.admin_user, stand_in.admin_password))
    token = target.create_token("Viewer")
    assert target.api(token).search.search_dashboards() == []
    assert [a["role"] for a in stand_in.state.service_accounts.values()] == ["Viewer"]


def test_real_target_adds_users_through_the_api(stand_in):
    target = GrafanaTarget(stand_in.url, (stand_in.admin_user, stand_in.admin_password))
    user_id = target.add_user("ed", "ed-pass-123", role="Editor")
    assert stand_in.users[user_id]["role"] == "Editor"
    assert isinstance(
        target.api(("ed", "ed-pass-123")).search.search_dashboards(), list
    )


def test_real_target_reads_the_version_from_health(stand_in):
    target = GrafanaTarget(stand_in.url, (stand_in.admin_user, stand_in.admin_password))
    assert (target.version, target.major) == ("11.6.0", 11)
