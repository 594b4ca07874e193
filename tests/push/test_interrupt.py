"""Ctrl-C during a push: the report says what was applied; exit 130."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from mt5dash.cli import push_cmd
from mt5dash.cli.main import _register, app
from mt5dash.push import (
    ClientConfig,
    PushInterrupted,
    _engine,
    dashboards,
    inventory,
    mute_timings,
    push,
)

_register()


def ctrl_c(*args: Any, **kwargs: Any) -> None:
    raise KeyboardInterrupt


def interrupt_at(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C as the phase of ``kind`` starts."""
    phases = [(k, n, ctrl_c if k == kind else s) for k, n, s in _engine.PHASES]
    monkeypatch.setattr(_engine, "PHASES", phases)


def outcomes(report: Any) -> dict[tuple[str, str], tuple[str, str]]:
    return {(r.kind, r.name): (r.outcome, r.message) for r in report.results}


def fake_config(fake: Any) -> ClientConfig:
    return ClientConfig(
        url=fake.url, user=fake.admin_user, password=fake.admin_password
    )


def test_ctrl_c_in_a_dashboard_worker_stops_the_push_and_reports_the_rest(
    fake_grafana: Any, state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = dashboards._push_one
    monkeypatch.setattr(
        dashboards,
        "_push_one",
        lambda ctx, d: ctrl_c() if d.uid == "mt5-kpi" else one(ctx, d),
    )

    with pytest.raises(PushInterrupted) as raised:
        push(state, fake_config(fake_grafana), workers=1)

    got = outcomes(raised.value.report)
    assert raised.value.exit_code == 130
    assert got[("folder", "mt5-hub")] == ("created", "")
    assert got[("dashboard", "mt5-overview")] == ("created", "")
    assert got[("dashboard", "mt5-kpi")] == ("not applied", "interrupted")
    assert got[("rule group", "mt5-hub/mt5-health")] == ("not applied", "interrupted")
    assert "mt5-kpi" not in fake_grafana.dashboards
    assert fake_grafana.rule_groups == {}


def test_created_notification_resources_are_recorded_in_the_inventory(
    fake_grafana: Any, state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    interrupt_at(mute_timings.KIND, monkeypatch)

    with pytest.raises(PushInterrupted) as raised:
        push(state, fake_config(fake_grafana))

    got = outcomes(raised.value.report)
    recorded = inventory.parse(fake_grafana.templates[inventory.NAME]["template"])
    assert got[("contact point", "mt5-dingtalk")] == ("created", "")
    assert got[("mute timing", "weekend")] == ("not applied", "interrupted")
    assert recorded["contact_points"] == ["mt5-dingtalk"]
    assert list(recorded["secrets"]) == ["contact point:mt5-dingtalk"]


def test_cli_prints_the_report_and_exits_130(
    fake_grafana: Any, state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(push_cmd, "load_state", lambda project: state)
    interrupt_at(mute_timings.KIND, monkeypatch)
    env = {"GRAFANA_USER": fake_grafana.admin_user}
    env["GRAFANA_PASSWORD"] = fake_grafana.admin_password

    result = CliRunner().invoke(
        app, ["push", "--url", fake_grafana.url, "-o", "json"], env=env
    )

    assert result.exit_code == 130
    assert (
        f"error: interrupted by Ctrl-C; push to {fake_grafana.url} did not complete"
    ) in result.stderr
    assert '"message": "interrupted"' in result.stdout
