"""Objects Grafana loaded from provisioning files: compared, never written."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from mt5dash.builder import build_state, render_files
from mt5dash.errors import PushError
from mt5dash.push import ClientConfig, push
from tests.conftest import REPO
from tests.push.conftest import dashboard, rule

REFUSAL = (
    "{kind} {name!r} is provisioned from files, so the push does not change it: "
    "change the declarations, run `mt5dash build` and let Grafana reload the "
    "provisioning files (or restart it)"
)


def result(report: Any, kind: str, name: str) -> Any:
    return next(r for r in report.results if r.kind == kind and r.name == name)


def only_dashboards(state: Any) -> Any:
    return type(state)(folders=state.folders, dashboards=state.dashboards)


def test_provisioned_dashboard_equal_to_its_declaration_is_unchanged(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    state = only_dashboards(state)
    push(type(state)(folders=state.folders), config)
    for wanted in state.dashboards:
        grafana.provision_dashboard(wanted.model, wanted.folder_uid)

    report = push(state, config, force=True)

    got = result(report, "dashboard", "mt5-kpi")
    assert (got.outcome, got.message) == ("unchanged", "provisioned from files")
    assert report.writes == 0


def test_provisioned_dashboard_that_differs_fails_without_a_write(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    state = only_dashboards(state)
    push(type(state)(folders=state.folders), config)
    old = dashboard("mt5-kpi", "MT5 KPI (old)")
    grafana.provision_dashboard(old.model, old.folder_uid)
    grafana.provision_dashboard(state.dashboards[0].model, "mt5-hub")

    with pytest.raises(PushError) as raised:
        push(state, config, force=True)

    got = result(raised.value.report, "dashboard", "mt5-kpi")
    assert got.outcome == "failed"
    assert got.message == REFUSAL.format(kind="dashboard", name="mt5-kpi")
    assert [str(c) for c in got.changes] == ['title: "MT5 KPI (old)" -> "MT5 KPI"']
    assert raised.value.report.writes == 0


def test_prune_leaves_provisioned_dashboards_alone(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    state = only_dashboards(state)
    push(type(state)(folders=state.folders), config)
    tagged = copy.deepcopy(dashboard("from-file", "From file").model)
    tagged["tags"] = ["mt5dash"]
    grafana.provision_dashboard(tagged, "mt5-hub")

    report = push(state, config, prune=True)

    assert "from-file" in grafana.dashboards
    assert not any(r.name == "from-file" for r in report.results)


def file_group(threshold: float) -> dict[str, Any]:
    """The hub's rule group as an alerting provisioning file writes it."""
    rules = []
    for uid, title in (
        ("mt5-terminal-down", "MT5 terminal down"),
        ("mt5-terminal-flapping", "MT5 terminal flapping"),
    ):
        body = rule(uid, title, threshold if uid.endswith("down") else 0.5)
        for key in ("orgID", "folderUID", "ruleGroup"):
            del body[key]
        rules.append(body)
    return {
        "groups": [
            {
                "orgId": 1,
                "name": "mt5-health",
                "folder": "MT5 Hub",
                "interval": "1m",
                "rules": rules,
            }
        ]
    }


def only_rules(state: Any) -> Any:
    return type(state)(folders=state.folders, rule_groups=state.rule_groups)


def test_file_provisioned_rule_group_equal_to_its_declaration_is_unchanged(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    state = only_rules(state)
    push(type(state)(folders=state.folders), config)
    grafana.provision_alerting(file_group(1))

    report = push(state, config, force=True)

    got = result(report, "rule group", "mt5-hub/mt5-health")
    assert (got.outcome, got.message) == ("unchanged", "provisioned from files")
    assert report.writes == 0


def test_file_provisioned_rule_group_that_differs_fails_without_a_write(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    state = only_rules(state)
    push(type(state)(folders=state.folders), config)
    grafana.provision_alerting(file_group(3))

    with pytest.raises(PushError) as raised:
        push(state, config, force=True)

    got = result(raised.value.report, "rule group", "mt5-hub/mt5-health")
    assert got.outcome == "failed"
    assert got.message == REFUSAL.format(kind="rule group", name="mt5-hub/mt5-health")
    assert [str(c) for c in got.changes] == [
        "rules[0].data[1].model.conditions[0].evaluator.params[0]: 3 -> 1"
    ]
    assert raised.value.report.writes == 0
    assert grafana.alert_rules["mt5-terminal-down"]["provenance"] == "file"


def test_prune_leaves_file_provisioned_rules_alone(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    push(type(state)(folders=state.folders), config)
    group = file_group(1)
    group["groups"][0]["rules"][0]["annotations"]["__mt5dash_hash__"] = "x"
    grafana.provision_alerting(group)

    push(
        type(state)(folders=state.folders, dashboards=state.dashboards),
        config,
        prune=True,
    )

    assert "mt5-terminal-down" in grafana.alert_rules


HUB_SECRETS = {
    "MT5_DINGTALK_WEBHOOK_URL": "https://oapi.dingtalk.com/robot/send?access_token=t",
    "MT5_SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/x",
}


def test_push_after_file_provisioning_of_the_hub_writes_nothing(
    grafana: Any, config: ClientConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in HUB_SECRETS.items():
        monkeypatch.setenv(name, value)
    state = build_state(REPO)
    grafana.provision_files(render_files(REPO), HUB_SECRETS)
    # Teams, users and folder permissions have no provisioning files.
    state = dataclasses.replace(state, teams=[], users=[], folder_permissions={})

    report = push(state, config)

    assert {r.outcome for r in report.results} == {"unchanged"}
    assert report.writes == 0
