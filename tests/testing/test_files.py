"""Provisioning files loaded as Grafana loads them at startup (contract §1)."""

from __future__ import annotations

import json

BASE = "/api/v1/provisioning"

RULE = {
    "uid": "file-rule",
    "title": "From a file",
    "condition": "A",
    "data": [
        {
            "refId": "A",
            "datasourceUid": "__expr__",
            "model": {"refId": "A", "type": "math", "expression": "1 > 0"},
        }
    ],
    "for": "60s",
    "dashboardUid": "dash",
    "panelId": 2,
}
ALERTING = {
    "groups": [{"name": "g", "folder": "Alerts", "interval": "2m", "rules": [RULE]}],
    "contactPoints": [
        {
            "name": "hook",
            "receivers": [
                {"uid": "hook", "type": "webhook", "settings": {"url": "${HOOK}"}}
            ],
        }
    ],
    "templates": [{"name": "t", "template": "{{ .Status }}\n"}],
    "muteTimes": [{"name": "nights", "time_intervals": [{"weekdays": ["sunday"]}]}],
}


def test_file_rules_have_provenance_file_and_refuse_api_changes(
    fake_grafana, fake_http
):
    fake_grafana.provision_alerting(ALERTING, {"HOOK": "https://h.example/x"})
    status, rule = fake_http("GET", f"{BASE}/alert-rules/file-rule")

    assert status == 200
    assert (rule["provenance"], rule["for"]) == ("file", "1m")
    assert rule["annotations"] == {"__dashboardUid__": "dash", "__panelId__": "2"}
    folder = rule["folderUID"]
    status, group = fake_http("GET", f"{BASE}/folder/{folder}/rule-groups/g")
    assert group["interval"] == 120
    status, answer = fake_http("PUT", f"{BASE}/alert-rules/file-rule", rule)
    assert status == 403
    assert answer["messageId"] == "alerting.notifications.invalidProvenance"


def test_file_notification_resources_are_interpolated_and_file_owned(
    fake_grafana, fake_http
):
    fake_grafana.provision_alerting(ALERTING, {"HOOK": "https://h.example/x"})

    _, points = fake_http("GET", f"{BASE}/contact-points?name=hook")
    _, template = fake_http("GET", f"{BASE}/templates/t")
    _, timing = fake_http("GET", f"{BASE}/mute-timings/nights")

    assert points[0]["settings"] == {"url": "https://h.example/x"}
    assert points[0]["provenance"] == "file"
    assert template["template"] == '{{ define "t" }}\n  {{ .Status }}\n{{ end }}'
    assert (template["provenance"], timing["provenance"]) == ("file", "file")


def test_provisioning_tree_makes_provider_folders_and_provisioned_dashboards(
    fake_grafana, fake_http
):
    providers = (
        "apiVersion: 1\nproviders:\n  - name: p\n    folder: Hub\n"
        "    folderUid: hub\n    options:\n      path: /etc/x/dashboards/hub\n"
    )
    files = {
        "dashboards/providers.yaml": providers.encode(),
        "dashboards/hub/d.json": json.dumps({"uid": "d", "title": "D"}).encode(),
        "datasources/datasources.yaml": (
            b"apiVersion: 1\ndatasources:\n  - {name: P, type: prometheus, uid: p,"
            b" url: 'http://p:9090', access: proxy}\n"
        ),
    }

    fake_grafana.provision_files(files)

    _, dashboard = fake_http("GET", "/api/dashboards/uid/d")
    _, source = fake_http("GET", "/api/datasources/uid/p")
    assert (dashboard["meta"]["provisioned"], dashboard["meta"]["folderUid"]) == (
        True,
        "hub",
    )
    assert source["readOnly"] is True
