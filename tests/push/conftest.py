"""A hub-like desired state, built by hand so the push is tested on its own."""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import pytest

from mt5dash.desired import DesiredDashboard, DesiredRuleGroup, DesiredState
from mt5dash.push import ClientConfig
from mt5dash.secrets import EnvSecret

DINGTALK_URL = "https://oapi.dingtalk.com/robot/send?access_token=s3cr3t-t0ken"


def panel(panel_id: int, title: str, expr: str, y: int = 0) -> dict[str, Any]:
    return {
        "id": panel_id,
        "type": "timeseries",
        "title": title,
        "gridPos": {"x": 0, "y": y, "w": 12, "h": 8},
        "datasource": {"type": "prometheus", "uid": "prom-main"},
        "targets": [
            {
                "refId": "A",
                "expr": expr,
                "datasource": {"type": "prometheus", "uid": "prom-main"},
            }
        ],
        "fieldConfig": {
            "defaults": {
                "thresholds": {
                    "mode": "absolute",
                    "steps": [
                        {"color": "green", "value": None},
                        {"color": "red", "value": 80},
                    ],
                }
            },
            "overrides": [],
        },
        "options": {},
    }


def dashboard(uid: str, title: str, folder: str = "mt5-hub") -> DesiredDashboard:
    return DesiredDashboard(
        folder_uid=folder,
        model={
            "uid": uid,
            "title": title,
            "tags": ["mt5"],
            "schemaVersion": 39,
            "time": {"from": "now-6h", "to": "now"},
            "annotations": {"list": []},
            "templating": {"list": []},
            "panels": [
                panel(1, "Equity", "mt5_account_equity"),
                panel(2, "Sharpe", "mt5_strategy_sharpe", y=8),
            ],
        },
        source=f"dashboards/{uid}.py",
    )


def rule(uid: str, title: str, threshold: float) -> dict[str, Any]:
    return {
        "uid": uid,
        "orgID": 1,
        "folderUID": "mt5-hub",
        "ruleGroup": "mt5-health",
        "title": title,
        "condition": "C",
        "data": [
            {
                "refId": "A",
                "relativeTimeRange": {"from": 600, "to": 0},
                "datasourceUid": "prom-main",
                "model": {"refId": "A", "expr": "mt5_terminal_up", "instant": True},
            },
            {
                "refId": "C",
                "datasourceUid": "__expr__",
                "model": {
                    "refId": "C",
                    "type": "threshold",
                    "expression": "A",
                    "conditions": [
                        {"evaluator": {"type": "lt", "params": [threshold]}}
                    ],
                    "datasource": {"type": "__expr__", "uid": "__expr__"},
                },
            },
        ],
        "noDataState": "NoData",
        "execErrState": "Error",
        "for": "5m",
        "annotations": {"summary": "MT5 terminal down"},
        "labels": {"severity": "critical"},
    }


def hub_state() -> DesiredState:
    return DesiredState(
        folders=[{"uid": "mt5-hub", "title": "MT5 Hub"}],
        datasources=[
            {
                "uid": "prom-main",
                "name": "Prometheus",
                "type": "prometheus",
                "access": "proxy",
                "url": "http://prometheus:9090",
                "isDefault": True,
                "jsonData": {"httpMethod": "POST", "timeInterval": "15s"},
            }
        ],
        dashboards=[
            dashboard("mt5-overview", "MT5 overview"),
            dashboard("mt5-kpi", "MT5 KPI"),
        ],
        templates=[
            {"name": "mt5", "template": '{{ define "mt5.title" }}MT5 alert{{ end }}'}
        ],
        contact_points=[
            {
                "uid": "mt5-dingtalk",
                "name": "mt5-dingtalk",
                "type": "dingding",
                "settings": {"url": EnvSecret(name="DINGTALK_URL"), "msgType": "link"},
                "disableResolveMessage": False,
            }
        ],
        mute_timings=[
            {
                "name": "weekend",
                "time_intervals": [{"weekdays": ["saturday", "sunday"]}],
            }
        ],
        policy={
            "receiver": "mt5-dingtalk",
            "group_by": ["grafana_folder", "alertname"],
            "routes": [
                {
                    "receiver": "mt5-dingtalk",
                    "object_matchers": [["severity", "=", "critical"]],
                }
            ],
        },
        rule_groups=[
            DesiredRuleGroup(
                folder_uid="mt5-hub",
                title="mt5-health",
                interval_seconds=60,
                rules=[
                    rule("mt5-terminal-down", "MT5 terminal down", 1),
                    rule("mt5-terminal-flapping", "MT5 terminal flapping", 0.5),
                ],
            )
        ],
    )


@pytest.fixture
def state(monkeypatch: pytest.MonkeyPatch) -> DesiredState:
    """The hub's desired state, with its DingTalk secret in the environment."""
    monkeypatch.setenv("DINGTALK_URL", DINGTALK_URL)
    return copy.deepcopy(hub_state())


@pytest.fixture
def config(grafana: Any) -> ClientConfig:
    """Credentials for the ``grafana`` fixture (fake, or the real one)."""
    return config_for(grafana.url, grafana.auth)


def config_for(url: str, auth: Any) -> ClientConfig:
    if isinstance(auth, tuple):
        return ClientConfig(url=url, user=auth[0], password=auth[1], backoff=0.01)
    return ClientConfig(url=url, token=auth, backoff=0.01)


@pytest.fixture(autouse=True)
def _clean_real_grafana(request: pytest.FixtureRequest) -> None:
    """On a real Grafana, remove what an earlier test run left behind.

    Tests use fixed uids and names so their messages can be checked exactly;
    on the fake every test starts empty, on a real Grafana this makes it so.
    """
    if "grafana" not in request.fixturenames:
        return
    target = request.getfixturevalue("grafana")
    if target.is_fake:
        return
    reset(target.api())


def reset(api: Any) -> None:
    """Delete the resources these tests create, ignoring what is not there."""
    from grafana_client.client import GrafanaException

    def quietly(call: Any) -> None:
        with contextlib.suppress(GrafanaException):
            call()

    provisioning = api.alertingprovisioning
    quietly(provisioning.delete_notification_policy_tree)
    for point in provisioning.get_contactpoints() or []:
        if point["name"] in CONTACT_POINTS:
            quietly(lambda u=point["uid"]: provisioning.delete_contactpoint(u))
    inventories = (
        "mt5dash-inventory",
        "mt5dash-inventory-hub",
        "mt5dash-inventory-lab",
    )
    for name in ("mt5", "mt5-inventory", *inventories):
        quietly(lambda n=name: provisioning.delete_template(n))
    quietly(lambda: provisioning.delete_mute_timing("weekend"))
    for folder in ("mt5-hub", "lab"):
        quietly(lambda f=folder: api.folder.delete_folder(f, force_delete_rules="true"))
    quietly(lambda: api.datasource.delete_datasource_by_uid("prom-main"))


CONTACT_POINTS = {"mt5-dingtalk", "old-hook", "ops-hook", "hand-made", "lab-hook"}
