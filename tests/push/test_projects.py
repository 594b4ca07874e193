"""Projects sharing one Grafana: each owns, records and prunes only its own."""

from __future__ import annotations

from typing import Any

import pytest

from mt5dash.desired import DesiredState
from mt5dash.errors import ConfigError
from mt5dash.push import ClientConfig, push
from mt5dash.secrets import EnvSecret

from .conftest import dashboard


def lab_state() -> DesiredState:
    return DesiredState(
        folders=[{"uid": "lab", "title": "Lab"}],
        dashboards=[dashboard("lab-overview", "Lab overview", folder="lab")],
        contact_points=[
            {
                "uid": "lab-hook",
                "name": "lab-hook",
                "type": "webhook",
                "settings": {"url": EnvSecret(name="LAB_HOOK")},
            }
        ],
    )


def fake_config(fake: Any) -> ClientConfig:
    return ClientConfig(
        url=fake.url, user=fake.admin_user, password=fake.admin_password
    )


def test_prune_of_one_project_leaves_the_other_projects_resources(
    fake_grafana: Any, state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAB_HOOK", "https://hooks.example.com/lab")
    config = fake_config(fake_grafana)
    push(state, config, project="hub")

    report = push(lab_state(), config, project="lab", prune=True)

    assert not report.by_outcome("deleted")
    assert {"mt5-overview", "mt5-kpi", "lab-overview"} <= set(fake_grafana.dashboards)
    assert {"mt5-terminal-down", "mt5-terminal-flapping"} <= set(
        fake_grafana.alert_rules
    )
    assert {"mt5-dingtalk", "lab-hook"} <= set(fake_grafana.contact_points)
    assert {"mt5dash-inventory-hub", "mt5dash-inventory-lab"} <= set(
        fake_grafana.templates
    )
    tags = fake_grafana.dashboards["lab-overview"]["dashboard"]["tags"]
    assert tags == ["mt5", "mt5dash:lab"]


def test_resources_of_a_version_without_project_names_are_adopted_once(
    fake_grafana: Any, state: Any
) -> None:
    config = fake_config(fake_grafana)
    push(state, config)

    adopted = push(state, config, project="hub")
    again = push(state, config, project="hub")

    assert adopted.counts == {"unchanged": 6, "updated": 3}
    assert [str(c) for c in adopted.results[-1].changes] == [
        'owner: "(no project)" -> "hub"'
    ]
    assert "mt5dash-inventory" not in fake_grafana.templates
    assert "mt5dash-inventory-hub" in fake_grafana.templates
    assert again.counts == {"unchanged": 9}
    assert again.writes == 0


def test_a_project_name_that_cannot_be_a_marker_is_refused(
    fake_grafana: Any, state: Any
) -> None:
    with pytest.raises(ConfigError) as raised:
        push(state, fake_config(fake_grafana), project="my hub")

    assert str(raised.value) == (
        "project name 'my hub' cannot mark what the project owns in Grafana: "
        "use 1 to 40 of A-Z, a-z, 0-9, '_', '.', '-'"
    )
