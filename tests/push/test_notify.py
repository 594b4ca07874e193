"""``mt5dash notify test``: each integration reported delivered or failed."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from mt5dash.cli.main import _register, app
from mt5dash.push import ClientConfig, push

_register()


@pytest.fixture
def pushed(fake_grafana: Any, state: Any) -> Any:
    state.contact_points.append(
        {
            "uid": "ops-hook-1",
            "name": "ops-hook",
            "type": "webhook",
            "settings": {"url": "http://127.0.0.1:9/hook"},
        }
    )
    config = ClientConfig(
        url=fake_grafana.url,
        user=fake_grafana.admin_user,
        password=fake_grafana.admin_password,
    )
    push(state, config)
    return fake_grafana


def invoke(fake: Any, *args: str) -> Any:
    env = {
        "GRAFANA_USER": fake.admin_user,
        "GRAFANA_PASSWORD": fake.admin_password,
        "GRAFANA_TOKEN": "",
    }
    return CliRunner().invoke(
        app, ["notify", "test", "--url", fake.url, *args], env=env
    )


def test_every_integration_is_reported(pushed: Any) -> None:
    pushed.receiver_test_results = {"ops-hook-1": "failed"}

    result = invoke(pushed, "-c", "mt5-dingtalk", "-c", "ops-hook")

    assert result.exit_code == 3
    assert result.stdout == (
        "mt5-dingtalk dingding mt5-dingtalk: delivered\n"
        "ops-hook webhook ops-hook-1: failed: the receiver refused the test "
        "notification\n"
    )
    assert result.stderr.splitlines()[-1] == (
        "error: 1 integration(s) failed the test: ops-hook (ops-hook-1)"
    )


def test_one_contact_point_uses_its_stored_secret(pushed: Any) -> None:
    result = invoke(pushed, "--contact-point", "mt5-dingtalk")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == "mt5-dingtalk dingding mt5-dingtalk: delivered\n"
    tested = pushed.receiver_tests[-1]
    assert tested["settings"]["url"] == (
        "https://oapi.dingtalk.com/robot/send?access_token=s3cr3t-t0ken"
    )


def test_unknown_contact_point_is_named(pushed: Any) -> None:
    result = invoke(pushed, "--contact-point", "pager")

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"error: contact point 'pager' is not in Grafana at {pushed.url} "
        "(contact points: grafana-default-email, mt5-dingtalk, ops-hook)"
    )
