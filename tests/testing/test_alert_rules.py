"""Alert rules and rule groups of the provisioning API (contract §2.6)."""

from __future__ import annotations

import pytest

RULES = "/api/v1/provisioning/alert-rules"


def folder(grafana, http):
    uid = grafana.unique("alerts")
    http("POST", "/api/folders", {"uid": uid, "title": uid})
    return uid


def rule(folder_uid, uid, title=None, group="svc", **extra):
    return {
        "uid": uid,
        "title": title or uid,
        "folderUID": folder_uid,
        "ruleGroup": group,
        "condition": "B",
        "data": [
            {
                "refId": "A",
                "datasourceUid": "prom-main",
                "relativeTimeRange": {"from": 600, "to": 0},
                "model": {"refId": "A", "expr": "up"},
            },
            {
                "refId": "B",
                "datasourceUid": "__expr__",
                "model": {
                    "refId": "B",
                    "type": "threshold",
                    "expression": "A",
                    "conditions": [{"evaluator": {"type": "lt", "params": [1]}}],
                },
            },
        ],
        "noDataState": "NoData",
        "execErrState": "Error",
        "for": "5m",
        **extra,
    }


def group_path(folder_uid, group="svc"):
    return f"/api/v1/provisioning/folder/{folder_uid}/rule-groups/{group}"


def test_create_is_201_with_the_rule_and_provenance_api(grafana, http):
    f = folder(grafana, http)
    uid = grafana.unique("r")
    status, body = http("POST", RULES, rule(f, uid))
    assert status == 201
    assert (body["uid"], body["folderUID"], body["provenance"]) == (uid, f, "api")
    assert body["for"] == "5m"


def test_disable_provenance_header_stores_none(grafana, http):
    f = folder(grafana, http)
    uid = grafana.unique("r")
    http("POST", RULES, rule(f, uid), headers={"X-Disable-Provenance": "true"})
    assert http("GET", f"{RULES}/{uid}")[1]["provenance"] == ""


def test_missing_folder_is_400(grafana, http):
    status, body = http("POST", RULES, rule("no-such-folder-z", grafana.unique("r")))
    assert (status, body) == (
        400,
        {"message": "invalid alert rule: folder does not exist"},
    )


def test_group_put_into_a_missing_folder_is_accepted(fake_http):
    # Grafana 11 does not look the folder up on this route.
    group = {"interval": 60, "rules": [rule("no-such-folder-z", "orphan")]}
    status, body = fake_http("PUT", group_path("no-such-folder-z"), group)
    assert (status, [r["uid"] for r in body["rules"]]) == (200, ["orphan"])


def test_get_missing_rule_is_404_with_empty_body(http):
    assert http("GET", f"{RULES}/no-such-rule-x") == (404, None)


def test_put_missing_rule_is_404_with_empty_body(grafana, http):
    f = folder(grafana, http)
    assert http("PUT", f"{RULES}/no-such-rule-x", rule(f, "no-such-rule-x")) == (
        404,
        None,
    )


def test_put_updates_the_rule(grafana, http):
    f = folder(grafana, http)
    uid = grafana.unique("r")
    http("POST", RULES, rule(f, uid))
    status, body = http("PUT", f"{RULES}/{uid}", rule(f, uid, title="Renamed"))
    assert (status, body["title"]) == (200, "Renamed")


def test_delete_is_204(grafana, http):
    f = folder(grafana, http)
    uid = grafana.unique("r")
    http("POST", RULES, rule(f, uid))
    assert http("DELETE", f"{RULES}/{uid}") == (204, None)
    assert http("GET", f"{RULES}/{uid}")[0] == 404


def test_zero_relative_time_range_is_400_invalid_relative_time(grafana, http):
    f = folder(grafana, http)
    body = rule(f, grafana.unique("r"))
    del body["data"][0]["relativeTimeRange"]
    status, answer = http("POST", RULES, body)
    assert status == 400
    assert answer["messageId"] == "alerting.alert-rule.invalidRelativeTime"
    assert answer["message"] == (
        "Invalid alert rule query A: invalid relative time range [From: 0s, To: 0s]"
    )


def test_unknown_condition_is_400_condition_not_exist(grafana, http):
    f = folder(grafana, http)
    status, answer = http("POST", RULES, rule(f, grafana.unique("r"), condition="C"))
    assert status == 400
    assert answer["messageId"] == "alerting.alert-rule.conditionNotExist"
    assert answer["message"] == "Condition C does not exist, must be one of [A B]"


def test_group_get_has_interval_in_seconds(grafana, http):
    f = folder(grafana, http)
    http("POST", RULES, rule(f, grafana.unique("r")))
    status, body = http("GET", group_path(f))
    assert (status, body["title"], body["folderUid"]) == (200, "svc", f)
    assert body["interval"] == 60
    assert len(body["rules"]) == 1


def test_group_put_replaces_the_whole_group(grafana, http):
    f = folder(grafana, http)
    kept, dropped = grafana.unique("keep"), grafana.unique("drop")
    http("POST", RULES, rule(f, kept))
    http("POST", RULES, rule(f, dropped))
    group = {"title": "svc", "folderUid": f, "interval": 120, "rules": [rule(f, kept)]}
    status, body = http("PUT", group_path(f), group)
    assert (status, body["interval"]) == (200, 120)
    assert [r["uid"] for r in http("GET", group_path(f))[1]["rules"]] == [kept]
    assert http("GET", f"{RULES}/{dropped}")[0] == 404


def test_group_interval_not_a_multiple_of_10s_is_400(grafana, http):
    f = folder(grafana, http)
    group = {"title": "svc", "folderUid": f, "interval": 15, "rules": []}
    status, body = http("PUT", group_path(f), group)
    assert (status, body) == (
        400,
        {
            "message": "invalid alert rule: interval (15s) should be non-zero "
            "and divided exactly by scheduler interval: 10"
        },
    )


@pytest.mark.parametrize("rules", [[], None])
def test_group_put_without_rules_changes_only_the_interval(grafana, http, rules):
    f = folder(grafana, http)
    uid = grafana.unique("r")
    http("POST", RULES, rule(f, uid))
    group = {"title": "svc", "folderUid": f, "interval": 300}
    if rules is not None:
        group["rules"] = rules
    assert http("PUT", group_path(f), group)[0] == 200
    body = http("GET", group_path(f))[1]
    assert (body["interval"], [r["uid"] for r in body["rules"]]) == (300, [uid])


def test_missing_group_is_404(grafana, http):
    f = folder(grafana, http)
    assert http("GET", group_path(f, "nothing-here"))[0] == 404


def test_folder_with_rules_refuses_delete_without_force(grafana, http):
    f = folder(grafana, http)
    http("POST", RULES, rule(f, grafana.unique("r")))
    assert http("DELETE", f"/api/folders/{f}") == (
        400,
        {
            "message": "Folder cannot be deleted: folder is not empty",
            "messageId": "folder.not-empty",
            "statusCode": 400,
        },
    )
    assert http("DELETE", f"/api/folders/{f}?forceDeleteRules=true")[0] == 200


def test_rule_from_file_cannot_be_changed_through_the_api(fake_grafana, fake_http):
    fake_http("POST", "/api/folders", {"uid": "f", "title": "F"})
    fake_http("POST", RULES, rule("f", "from-file"))
    fake_grafana.alert_rules["from-file"]["provenance"] = "file"
    status, body = fake_http("PUT", f"{RULES}/from-file", rule("f", "from-file"))
    assert status == 403
    assert body["messageId"] == "alerting.notifications.invalidProvenance"


def test_api_rule_can_become_provenance_none(fake_grafana, fake_http):
    fake_http("POST", "/api/folders", {"uid": "f", "title": "F"})
    fake_http("POST", RULES, rule("f", "r1"))
    status, body = fake_http(
        "PUT", f"{RULES}/r1", rule("f", "r1"), headers={"X-Disable-Provenance": "1"}
    )
    assert (status, body["provenance"]) == (200, "")


@pytest.mark.parametrize(("version", "status"), [("11.6.0", 400), ("12.0.0", 201)])
def test_same_title_in_folder_depends_on_version(raw_call, version, status):
    from mt5dash.testing import FakeGrafana

    with FakeGrafana(version=version) as fake:
        admin = (fake.admin_user, fake.admin_password)
        raw_call(fake.url, "POST", "/api/folders", admin, {"uid": "f", "title": "F"})
        raw_call(fake.url, "POST", RULES, admin, rule("f", "a", title="Same"))
        second = raw_call(fake.url, "POST", RULES, admin, rule("f", "b", title="Same"))
        assert second[0] == status


def test_group_put_without_provenance_applies_to_every_rule(fake_grafana, fake_http):
    fake_http("POST", "/api/folders", {"uid": "f", "title": "F"})
    group = {
        "title": "svc",
        "folderUid": "f",
        "interval": 60,
        "rules": [rule("f", "r1"), rule("f", "r2")],
    }
    fake_http("PUT", group_path("f"), group, headers={"X-Disable-Provenance": "1"})
    provenances = {r["uid"]: r["provenance"] for r in fake_grafana.alert_rules.values()}
    assert provenances == {"r1": "", "r2": ""}
