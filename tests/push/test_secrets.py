"""Rotated secrets reach Grafana: digests in the inventory, ``--force``."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mt5dash.errors import ConfigError
from mt5dash.push import ClientConfig, push
from mt5dash.push.secret_digests import digest, matches
from mt5dash.secrets import EnvSecret

from .conftest import DINGTALK_URL

ROTATED_URL = "https://oapi.dingtalk.com/robot/send?access_token=n3w-t0ken"


def fake_config(fake: Any) -> ClientConfig:
    return ClientConfig(
        url=fake.url, user=fake.admin_user, password=fake.admin_password
    )


def result(report: Any, kind: str, name: str) -> Any:
    return next(r for r in report.results if (r.kind, r.name) == (kind, name))


def test_digest_matches_its_secret_only() -> None:
    recorded = digest(DINGTALK_URL)

    assert matches(DINGTALK_URL, recorded)
    assert not matches(ROTATED_URL, recorded)
    assert not matches(DINGTALK_URL, "not a digest")
    assert digest(DINGTALK_URL) != recorded  # a fresh salt each time


def test_rotated_contact_point_secret_is_sent_on_a_normal_push(
    fake_grafana: Any, state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = fake_config(fake_grafana)
    push(state, config)
    monkeypatch.setenv("DINGTALK_URL", ROTATED_URL)

    planned = push(state, config, dry_run=True)
    rotated = push(state, config)
    again = push(state, config)

    changed = result(rotated, "contact point", "mt5-dingtalk")
    assert result(planned, "contact point", "mt5-dingtalk").outcome == "to update"
    assert (changed.outcome, [str(c) for c in changed.changes]) == (
        "updated",
        ["settings.url: secret changed (value not shown)"],
    )
    assert fake_grafana.contact_points["mt5-dingtalk"]["settings"]["url"] == (
        ROTATED_URL
    )
    assert again.counts == {"unchanged": 9}
    assert again.writes == 0


def test_the_inventory_holds_digests_never_the_secret(
    fake_grafana: Any, state: Any
) -> None:
    push(state, fake_config(fake_grafana))

    text = fake_grafana.templates["mt5dash-inventory"]["template"]

    assert DINGTALK_URL not in text
    assert "s3cr3t-t0ken" not in text
    assert '"secrets": ["contact point:mt5-dingtalk settings.url 100000$' in text


def test_rotated_datasource_secret_is_sent(
    fake_grafana: Any, state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROM_PASSWORD", "first-Pa55")
    state.datasources[0]["basicAuth"] = True
    state.datasources[0]["basicAuthUser"] = "grafana"
    state.datasources[0]["secureJsonData"] = {
        "basicAuthPassword": EnvSecret(name="PROM_PASSWORD")
    }
    config = fake_config(fake_grafana)
    push(state, config)
    monkeypatch.setenv("PROM_PASSWORD", "second-Pa55")

    report = push(state, config)

    changed = result(report, "datasource", "prom-main")
    assert [str(c) for c in changed.changes] == [
        "secureJsonData.basicAuthPassword: secret changed (value not shown)"
    ]
    stored = fake_grafana.datasources["prom-main"]["secureJsonData"]
    assert stored["basicAuthPassword"] == "second-Pa55"
    assert "second-Pa55" not in repr(report.to_json())


def test_secret_without_a_recorded_digest_is_sent_once(
    fake_grafana: Any, state: Any
) -> None:
    config = fake_config(fake_grafana)
    push(state, config)
    # As pushed by an mt5dash that kept no digests.
    del fake_grafana.templates["mt5dash-inventory"]

    first = push(state, config)
    second = push(state, config)

    changed = result(first, "contact point", "mt5-dingtalk")
    assert [str(c) for c in changed.changes] == [
        "settings.url: secret not recorded by mt5dash yet, so sent again "
        "(value not shown)"
    ]
    assert second.writes == 0


def test_force_sends_every_secret_again(fake_grafana: Any, state: Any) -> None:
    config = fake_config(fake_grafana)
    push(state, config)
    before = len(fake_grafana.writes())

    forced = push(state, config, force=True)

    changed = result(forced, "contact point", "mt5-dingtalk")
    assert [str(c) for c in changed.changes] == [
        "settings.url: secret sent again because of --force (value not shown)"
    ]
    assert fake_grafana.writes()[before:] == [
        ("PUT", "/api/v1/provisioning/contact-points/mt5-dingtalk", 202)
    ]


@pytest.mark.parametrize("value", ["", "   "], ids=["empty", "whitespace"])
def test_blank_secret_variable_is_empty(
    fake_grafana: Any, state: Any, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("DINGTALK_URL", value)

    with pytest.raises(ConfigError) as error:
        push(copy.deepcopy(state), fake_config(fake_grafana))

    assert str(error.value) == (
        "cannot push, nothing was sent:\n"
        "  contact point 'mt5-dingtalk': settings.url: environment variable "
        "DINGTALK_URL is empty"
    )
    assert fake_grafana.requests == []
