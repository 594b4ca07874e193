"""Fault injection, delay and the request log of FakeGrafana."""

from __future__ import annotations

import niquests
import pytest
from grafana_client import GrafanaApi
from grafana_client.client import GrafanaException, GrafanaServerError

from mt5dash.testing import FakeGrafana


def test_fail_request_answers_the_nth_request_with_the_status(fake_grafana, fake_http):
    fake_grafana.fail_request(2, status=503)
    assert fake_http("GET", "/api/search")[0] == 200
    assert fake_http("GET", "/api/search") == (503, {"message": "Service Unavailable"})
    assert fake_http("GET", "/api/search")[0] == 200


def test_fail_request_sends_the_given_body(fake_grafana, fake_http):
    fake_grafana.fail_request(1, status=500, body={"message": "boom"})
    assert fake_http("GET", "/api/health") == (500, {"message": "boom"})


def test_failed_request_changes_no_state(fake_grafana):
    fake_grafana.fail_request(1, status=502)
    api = admin_api(fake_grafana)
    with pytest.raises(GrafanaServerError):
        api.folder.create_folder("Team A", uid="team-a")
    assert fake_grafana.folders == {}


def test_requests_log_method_path_and_status(fake_grafana, fake_http):
    fake_http("GET", "/api/health")
    fake_http("POST", "/api/folders", body={"title": "A", "uid": "a"})
    fake_http("GET", "/api/folders/missing")
    assert fake_grafana.requests == [
        ("GET", "/api/health", 200),
        ("POST", "/api/folders", 200),
        ("GET", "/api/folders/missing", 404),
    ]


def test_writes_keep_only_state_changing_methods(fake_grafana, fake_http):
    fake_http("GET", "/api/search")
    fake_http("POST", "/api/folders", body={"title": "A", "uid": "a"})
    fake_http("DELETE", "/api/folders/a")
    assert fake_grafana.writes() == [
        ("POST", "/api/folders", 200),
        ("DELETE", "/api/folders/a", 200),
    ]


def test_calls_keep_the_json_body_sent(fake_grafana, fake_http):
    fake_http("POST", "/api/folders", body={"title": "A", "uid": "a"})
    assert fake_grafana.calls[-1].body == {"title": "A", "uid": "a"}


def test_go_away_refuses_connections_until_come_back(fake_grafana):
    api = admin_api(fake_grafana)
    fake_grafana.go_away_after(1)
    api.search.search_dashboards()
    with pytest.raises((GrafanaException, niquests.exceptions.ConnectionError)):
        admin_api(fake_grafana).search.search_dashboards()
    fake_grafana.come_back()
    assert admin_api(fake_grafana).search.search_dashboards() == []


def test_stalled_request_times_out_a_client_with_a_short_timeout(fake_grafana):
    fake_grafana.stall_request(1, 1.0)
    api = GrafanaApi.from_url(
        fake_grafana.url,
        credential=(fake_grafana.admin_user, fake_grafana.admin_password),
        timeout=0.2,
    )
    with pytest.raises(GrafanaException):
        api.search.search_dashboards()


def test_context_manager_frees_the_port():
    with FakeGrafana() as fake:
        port = fake.port
    with FakeGrafana(port=port) as again:
        assert again.url == f"http://127.0.0.1:{port}"


def admin_api(fake):
    return GrafanaApi.from_url(
        fake.url, credential=(fake.admin_user, fake.admin_password)
    )


def test_concurrent_saves_each_get_their_own_version(fake_grafana, fake_http):
    from concurrent.futures import ThreadPoolExecutor

    fake_http("POST", "/api/dashboards/db", {"dashboard": {"uid": "d", "title": "D"}})

    def save(_):
        model = {"uid": "d", "title": "D"}
        body = {"dashboard": model, "overwrite": True}
        return fake_http("POST", "/api/dashboards/db", body)[1]["version"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        versions = sorted(pool.map(save, range(16)))
    assert versions == list(range(2, 18))
