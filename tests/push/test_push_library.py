"""``mt5dash.push.push`` on alerting resources, prune and provenance."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from mt5dash.errors import PushError
from mt5dash.push import ClientConfig, push


def outcomes(report: Any) -> dict[tuple[str, str], str]:
    return {(r.kind, r.name): r.outcome for r in report.results}


def test_full_hub_converges_and_second_push_is_all_unchanged(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    first = push(state, config)
    second = push(state, config)

    assert first.counts == {"created": 8, "updated": 1}
    assert second.counts == {"unchanged": 9}
    assert second.writes == 0


def test_contact_point_secret_answered_in_any_form_makes_no_diff(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    push(state, config)
    live = grafana.api().alertingprovisioning.get_contactpoints(name="mt5-dingtalk")

    again = push(state, config, dry_run=True)

    # Grafana 11 answers a DingDing url in plain text, newer builds redact it.
    assert live[0]["settings"]["url"] in ("[REDACTED]", state_url(state))
    assert outcomes(again)[("contact point", "mt5-dingtalk")] == "unchanged"


def state_url(state: Any) -> str:
    return state.contact_points[0]["settings"]["url"].resolve()


def test_alerting_resources_are_locked_unless_editable(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    push(state, config)
    api = grafana.api().alertingprovisioning

    assert api.get_contactpoints(name="mt5-dingtalk")[0]["provenance"] == "api"
    assert api.get_alertrule("mt5-terminal-down")["provenance"] == "api"


def test_editable_leaves_alerting_resources_unlocked(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    push(state, config, editable=True)
    api = grafana.api().alertingprovisioning

    point = api.get_contactpoints(name="mt5-dingtalk")[0]
    assert point.get("provenance", "") == ""
    assert api.get_alertrule("mt5-terminal-down").get("provenance", "") == ""


def test_unchanged_rule_group_is_not_rewritten(fake_grafana: Any, state: Any) -> None:
    config = ClientConfig(
        url=fake_grafana.url,
        user=fake_grafana.admin_user,
        password=fake_grafana.admin_password,
    )
    push(state, config)
    before = len(fake_grafana.writes())
    state.rule_groups[0].rules[1]["labels"] = {"severity": "warning"}

    report = push(state, config)

    assert outcomes(report)[("rule group", "mt5-hub/mt5-health")] == "updated"
    assert [str(c) for c in report.results[-1].changes] == [
        'rules[1].labels.severity: "critical" -> "warning"'
    ]
    assert fake_grafana.writes()[before:] == [
        ("PUT", "/api/v1/provisioning/folder/mt5-hub/rule-groups/mt5-health", 200)
    ]


def test_rule_edited_in_grafana_is_drifted_until_forced(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    push(state, config)
    api = grafana.api().alertingprovisioning
    rule = api.get_alertrule("mt5-terminal-down")
    rule["for"] = "10m"
    api.update_alertrule("mt5-terminal-down", rule)

    with pytest.raises(PushError) as refused:
        push(state, config)
    forced = push(state, config, force=True)

    result = next(r for r in refused.value.report.results if r.kind == "rule group")
    assert result.outcome == "drifted"
    assert result.message == (
        "rule 'MT5 terminal down' was changed in Grafana since mt5dash pushed it; "
        "--force overwrites it"
    )
    assert [str(c) for c in result.changes] == ['rules[0].for: "10m" -> "5m"']
    assert outcomes(forced)[("rule group", "mt5-hub/mt5-health")] == "updated"
    assert api.get_alertrule("mt5-terminal-down")["for"] == "5m"


def test_prune_removes_only_what_mt5dash_pushed(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    push(state, config)
    foreign = {"uid": "hand-made", "title": "Hand made", "tags": ["mt5"]}
    grafana.api().dashboard.update_dashboard(
        {"dashboard": foreign, "folderUid": "mt5-hub"}
    )
    smaller = copy.deepcopy(state)
    smaller.dashboards = smaller.dashboards[:1]
    smaller.rule_groups = []

    planned = push(smaller, config, prune=True, dry_run=True)
    report = push(smaller, config, prune=True)

    assert outcomes(planned)[("dashboard", "mt5-kpi")] == "to delete"
    assert outcomes(report)[("dashboard", "mt5-kpi")] == "deleted"
    assert outcomes(report)[("rule group", "mt5-hub/mt5-health")] == "deleted"
    assert ("dashboard", "hand-made") not in outcomes(report)
    api = grafana.api()
    assert api.dashboard.get_dashboard("hand-made")["dashboard"]["title"] == "Hand made"
    rules = api.alertingprovisioning.get_alertrules_all()
    assert [r["uid"] for r in rules if r["uid"].startswith("mt5-terminal")] == []


def test_target_datasource_url_replaces_the_declared_one(
    fake_grafana: Any, state: Any
) -> None:
    config = ClientConfig(
        url=fake_grafana.url,
        user=fake_grafana.admin_user,
        password=fake_grafana.admin_password,
        datasource_urls={"prom-main": "http://10.0.0.5:9090"},
    )

    push(state, config)

    assert fake_grafana.datasources["prom-main"]["url"] == "http://10.0.0.5:9090"


def test_unknown_datasource_in_target_is_a_config_error(
    fake_grafana: Any, state: Any
) -> None:
    from mt5dash.errors import ConfigError

    config = ClientConfig(
        url=fake_grafana.url,
        token="t",
        datasource_urls={"loki": "http://loki:3100"},
    )

    with pytest.raises(ConfigError) as error:
        push(state, config)

    assert str(error.value) == (
        "cannot push, nothing was sent:\n"
        "  target datasource_urls: datasource 'loki' is not declared "
        "(declared: prom-main)"
    )
    assert fake_grafana.requests == []


def webhook(name: str) -> dict[str, Any]:
    return {
        "uid": f"{name}-1",
        "name": name,
        "type": "webhook",
        "settings": {"url": "http://127.0.0.1:9/hook"},
    }


def test_prune_deletes_an_undeclared_contact_point_mt5dash_pushed(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    state.contact_points.append(webhook("old-hook"))
    push(state, config)
    state.contact_points.pop()

    report = push(state, config, prune=True)

    assert outcomes(report)[("contact point", "old-hook")] == "deleted"
    names = {c["name"] for c in grafana.api().alertingprovisioning.get_contactpoints()}
    assert "old-hook" not in names
    assert "mt5-dingtalk" in names


def test_prune_keeps_a_contact_point_the_policy_routes_to(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    state.contact_points.append(webhook("ops-hook"))
    state.policy["routes"].append(
        {"receiver": "ops-hook", "object_matchers": [["team", "=", "ops"]]}
    )
    push(state, config)
    state.contact_points.pop()

    with pytest.raises(PushError) as error:
        push(state, config, prune=True)

    result = next(r for r in error.value.report.results if r.name == "ops-hook")
    assert (result.kind, result.outcome) == ("contact point", "failed")
    assert result.message == (
        "not deleted: the notification policy still routes to contact point "
        "'ops-hook'; change that route first"
    )
    names = {c["name"] for c in grafana.api().alertingprovisioning.get_contactpoints()}
    assert "ops-hook" in names


def test_prune_leaves_contact_points_mt5dash_did_not_push(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    grafana.api().alertingprovisioning.create_contactpoint(webhook("hand-made"))

    report = push(state, config, prune=True)

    assert ("contact point", "hand-made") not in outcomes(report)
    names = {c["name"] for c in grafana.api().alertingprovisioning.get_contactpoints()}
    assert "hand-made" in names


def test_teams_users_members_and_folder_permissions(
    fake_grafana: Any, state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mt5dash.secrets import EnvSecret

    monkeypatch.setenv("ALICE_PASSWORD", "alice-Pa55word")
    state.users = [
        {
            "login": "alice",
            "email": "alice@hub.example",
            "name": "Alice",
            "role": "Editor",
            "password": EnvSecret(name="ALICE_PASSWORD"),
        }
    ]
    state.teams = [{"name": "traders", "email": "", "members": ["alice"]}]
    state.folder_permissions = {
        "mt5-hub": [
            {"team": "traders", "permission": "View"},
            {"role": "Editor", "permission": "Edit"},
        ]
    }
    config = ClientConfig(
        url=fake_grafana.url,
        user=fake_grafana.admin_user,
        password=fake_grafana.admin_password,
    )

    planned = push(state, config, dry_run=True)
    first = push(state, config)
    second = push(state, config)

    assert outcomes(planned)[("folder permissions", "mt5-hub")] == "to update"
    assert outcomes(first)[("user", "alice")] == "created"
    assert outcomes(first)[("team", "traders")] == "created"
    assert outcomes(first)[("team members", "traders")] == "updated"
    permissions = next(r for r in first.results if r.kind == "folder permissions")
    assert [str(c) for c in permissions.changes] == [
        'role:Viewer: removed "View"',
        'team:traders: added "View"',
        'user:admin: removed "Admin"',
    ]
    assert second.counts == {"unchanged": 13}
    assert "alice-Pa55word" not in repr(first.to_json())


def test_a_stalled_request_times_out_and_is_retried(
    fake_grafana: Any, state: Any
) -> None:
    config = ClientConfig(
        url=fake_grafana.url,
        user=fake_grafana.admin_user,
        password=fake_grafana.admin_password,
        timeout=0.5,
        backoff=0.01,
    )
    fake_grafana.stall_request(1, 2.0)

    report = push(state, config)

    assert report.counts == {"created": 8, "updated": 1}
    # The stalled read is logged by the fake once it is answered, 2 s late.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and len(folder_reads(fake_grafana)) < 2:
        time.sleep(0.1)
    # The retry found no folder; the stalled read, answered after the push
    # created it, found it.
    assert folder_reads(fake_grafana) == [
        ("GET", "/api/folders/mt5-hub", 404),
        ("GET", "/api/folders/mt5-hub", 200),
    ]


def folder_reads(fake: Any) -> list[Any]:
    return [r for r in fake.requests if r[1] == "/api/folders/mt5-hub"]


def fake_config(fake: Any) -> ClientConfig:
    return ClientConfig(
        url=fake.url, user=fake.admin_user, password=fake.admin_password
    )


def test_version_mismatch_names_the_dashboard_and_what_to_do(
    fake_grafana: Any, state: Any
) -> None:
    config = fake_config(fake_grafana)
    state.contact_points = state.templates = state.mute_timings = []
    state.rule_groups, state.policy = [], None
    push(state, config)
    state.dashboards[0].model["title"] = "MT5 overview (new)"
    mismatch = {
        "status": "version-mismatch",
        "message": "The dashboard has been changed by someone else",
    }
    # folder, datasource, dashboard, its versions, then the save.
    fake_grafana.fail_request(5, status=412, body=mismatch)

    with pytest.raises(PushError) as error:
        push(state, config, workers=1)

    failed = error.value.report.by_outcome("failed")
    assert [(r.kind, r.name, r.message) for r in failed] == [
        (
            "dashboard",
            "mt5-overview",
            "412 version-mismatch: dashboard 'mt5-overview' was saved by someone "
            "else while pushing; run the push again to see the difference",
        )
    ]


def test_contact_point_uid_conflict_is_explained(fake_grafana: Any, state: Any) -> None:
    body = {
        "message": "contact point uid is already in use",
        "messageId": "alerting.notifications.contact-points.uidInUse",
        "statusCode": 409,
    }
    config = fake_config(fake_grafana)
    state.dashboards = []
    # Folder and datasource read and created, templates read, template saved,
    # contact points read, then the contact point's creation.
    fake_grafana.fail_request(8, status=409, body=body)

    with pytest.raises(PushError) as error:
        push(state, config, workers=1)

    failed = error.value.report.by_outcome("failed")
    assert [(r.kind, r.name, r.message) for r in failed] == [
        (
            "contact point",
            "mt5-dingtalk",
            "409 contact point uid is already in use: the uid 'mt5-dingtalk' is "
            "already used by another contact point; give this integration "
            "another uid",
        ),
        (
            "notification policy",
            "root",
            "400 invalid object specification: receiver 'mt5-dingtalk' does not "
            "exist: the tree refers to a contact point or mute timing Grafana "
            "does not have; declare it or fix the route",
        ),
    ]


def test_declaration_change_after_the_first_push_is_an_update_not_drift(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    push(state, config)
    state.dashboards[0].model["title"] = "MT5 overview (new)"

    report = push(state, config)

    result = outcomes(report)[("dashboard", "mt5-overview")]
    assert result == "updated"


def test_durations_and_numbers_written_differently_are_not_drift(
    grafana: Any, config: ClientConfig, state: Any
) -> None:
    group = state.rule_groups[0]
    group.rules[0].update({"for": "60s", "keep_firing_for": "600s"})
    group.rules[1].update({"for": "90m"})
    group.rules[1]["data"][1]["model"]["conditions"][0]["evaluator"]["params"] = [1.0]
    state.policy.update(group_wait="60s", repeat_interval="24h")
    push(state, config)
    live = grafana.api().alertingprovisioning.get_alertrule("mt5-terminal-down")

    again = push(state, config)

    assert (live["for"], live["keep_firing_for"]) == ("1m", "10m")
    assert again.counts == {"unchanged": 9}
    assert again.writes == 0
