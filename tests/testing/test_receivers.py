"""Testing a contact point without saving it (contract §2.7)."""

from __future__ import annotations

PATH = "/api/alertmanager/grafana/config/api/v1/receivers/test"


def request_for(*configs):
    return {
        "receivers": [
            {"name": c["name"], "grafana_managed_receiver_configs": [c]}
            for c in configs
        ]
    }


def slack(name, **settings):
    return {
        "uid": "",
        "name": name,
        "type": "slack",
        "settings": {"recipient": "#ops", **settings},
        "secureSettings": {"token": "xoxb-1"},
    }


def test_all_ok_is_200_with_status_ok(fake_http):
    status, body = fake_http("POST", PATH, request_for(slack("team")))
    assert status == 200
    configs = body["receivers"][0]["grafana_managed_receiver_configs"]
    assert configs == [{"name": "team", "uid": "", "status": "ok"}]
    assert body["notified_at"]


def test_one_failed_of_two_is_207(fake_grafana, fake_http):
    fake_grafana.receiver_test_results = {"broken": "failed"}
    status, body = fake_http("POST", PATH, request_for(slack("team"), slack("broken")))
    assert status == 207
    statuses = [
        c["status"]
        for r in body["receivers"]
        for c in r["grafana_managed_receiver_configs"]
    ]
    assert statuses == ["ok", "failed"]
    assert body["receivers"][1]["grafana_managed_receiver_configs"][0]["error"]


def test_all_invalid_is_400(fake_http):
    invalid = {"uid": "", "name": "x", "type": "dingding", "settings": {}}
    status, _ = fake_http("POST", PATH, request_for(invalid))
    assert status == 400


def test_all_timed_out_is_408(fake_grafana, fake_http):
    fake_grafana.receiver_test_results = {"slow": "timeout"}
    assert fake_http("POST", PATH, request_for(slack("slow")))[0] == 408


def test_no_receivers_is_400(http):
    assert http("POST", PATH, {"receivers": []})[0] == 400


def test_request_timeout_above_30s_is_400(fake_http):
    status, _ = fake_http(
        "POST", PATH, request_for(slack("team")), headers={"Request-Timeout": "31"}
    )
    assert status == 400


def test_tests_are_recorded_and_logged_as_writes(fake_grafana, fake_http):
    fake_http("POST", PATH, request_for(slack("team")))
    assert [t["name"] for t in fake_grafana.receiver_tests] == ["team"]
    assert fake_grafana.writes() == [("POST", PATH, 200)]
