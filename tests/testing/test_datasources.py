"""Data sources (contract §2.5)."""

from __future__ import annotations

import pytest
from grafana_client.client import GrafanaClientError


def prometheus(grafana, **extra):
    name = grafana.unique("prom")
    return {
        "name": name,
        "uid": name,
        "type": "prometheus",
        "access": "proxy",
        "url": "http://prometheus:9090",
        **extra,
    }


def test_add_answers_datasource_added(grafana, http):
    body = prometheus(grafana)
    status, answer = http("POST", "/api/datasources", body)
    assert status == 200
    assert answer["message"] == "Datasource added"
    assert answer["name"] == body["name"]
    assert answer["datasource"]["uid"] == body["uid"]


def test_secure_values_come_back_only_as_flags(grafana, api):
    body = prometheus(grafana, secureJsonData={"basicAuthPassword": "hunter2"})
    api.datasource.create_datasource(body)
    shown = api.datasource.get_datasource_by_uid(body["uid"])
    assert shown["secureJsonFields"] == {"basicAuthPassword": True}
    assert "secureJsonData" not in shown
    assert "hunter2" not in str(shown)


def test_get_by_name_finds_it(grafana, api):
    body = prometheus(grafana)
    api.datasource.create_datasource(body)
    assert api.datasource.get_datasource_by_name(body["name"])["uid"] == body["uid"]


def test_get_missing_is_404(http):
    assert http("GET", "/api/datasources/uid/no-such-ds-x") == (
        404,
        {"message": "Data source not found"},
    )


def test_same_name_is_409(grafana, http):
    body = prometheus(grafana)
    http("POST", "/api/datasources", body)
    status, answer = http(
        "POST", "/api/datasources", {**body, "uid": body["uid"] + "b"}
    )
    assert (status, answer["message"]) == (
        409,
        "data source with the same name already exists",
    )


def test_same_uid_is_409(grafana, http):
    body = prometheus(grafana)
    http("POST", "/api/datasources", body)
    status, answer = http(
        "POST", "/api/datasources", {**body, "name": body["name"] + "b"}
    )
    assert (status, answer["message"]) == (
        409,
        "data source with the same uid already exists",
    )


def test_update_keeps_secure_values_left_out(fake_grafana, fake_http):
    body = {**prometheus_plain(), "secureJsonData": {"httpHeaderValue1": "42"}}
    fake_http("POST", "/api/datasources", body)
    status, answer = fake_http(
        "PUT", "/api/datasources/uid/prom-a", {**prometheus_plain(), "url": "http://b"}
    )
    assert (status, answer["message"]) == (200, "Datasource updated")
    stored = fake_grafana.datasources["prom-a"]
    assert stored["secureJsonData"] == {"httpHeaderValue1": "42"}
    assert stored["url"] == "http://b"


def test_second_default_moves_the_flag(grafana, api):
    first = prometheus(grafana, isDefault=True)
    second = prometheus(grafana, isDefault=True)
    api.datasource.create_datasource(first)
    api.datasource.create_datasource(second)
    assert api.datasource.get_datasource_by_uid(first["uid"])["isDefault"] is False
    assert api.datasource.get_datasource_by_uid(second["uid"])["isDefault"] is True


def test_delete_answers_data_source_deleted(grafana, http):
    body = prometheus(grafana)
    http("POST", "/api/datasources", body)
    status, answer = http("DELETE", f"/api/datasources/uid/{body['uid']}")
    assert (status, answer["message"]) == (200, "Data source deleted")
    assert http("GET", f"/api/datasources/uid/{body['uid']}")[0] == 404


@pytest.mark.parametrize(
    ("method", "text"),
    [
        ("PUT", "Cannot update read-only data source"),
        ("DELETE", "Cannot delete read-only data source"),
    ],
)
def test_read_only_data_source_is_403(fake_grafana, fake_http, method, text):
    fake_grafana.add_datasource(**prometheus_plain())
    body = prometheus_plain() if method == "PUT" else None
    assert fake_http(method, "/api/datasources/uid/prom-a", body) == (
        403,
        {"message": text},
    )


def test_client_sees_404_as_client_error(api):
    with pytest.raises(GrafanaClientError) as raised:
        api.datasource.get_datasource_by_uid("no-such-ds-y")
    assert raised.value.status_code == 404


def prometheus_plain():
    return {
        "name": "Prometheus A",
        "uid": "prom-a",
        "type": "prometheus",
        "access": "proxy",
        "url": "http://prometheus:9090",
    }


def test_get_by_id_and_id_by_name(grafana, api):
    body = prometheus(grafana)
    created = api.datasource.create_datasource(body)
    assert api.datasource.get_datasource_by_id(created["id"])["uid"] == body["uid"]
    assert api.datasource.get_datasource_id_by_name(body["name"]) == {
        "id": created["id"]
    }
