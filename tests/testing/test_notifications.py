"""Contact points, policies, templates, mute timings (contract §2.6)."""

from __future__ import annotations

import pytest

BASE = "/api/v1/provisioning"
POINTS = f"{BASE}/contact-points"


def slack(uid, name=None, **settings):
    return {
        "uid": uid,
        "name": name or uid,
        "type": "slack",
        "settings": {"recipient": "#ops", "token": "xoxb-secret-1", **settings},
    }


def dingding(uid, name=None):
    return {
        "uid": uid,
        "name": name or uid,
        "type": "dingding",
        "settings": {"url": "https://oapi.dingtalk.com/robot/send?access_token=s"},
    }


def test_create_is_202_with_the_object(grafana, http):
    uid = grafana.unique("cp")
    status, body = http("POST", POINTS, slack(uid))
    assert status == 202
    assert (body["uid"], body["name"], body["type"]) == (uid, uid, "slack")
    assert "xoxb-secret-1" not in str(body)


def test_get_by_name_redacts_slack_secrets(grafana, http):
    uid = grafana.unique("cp")
    http("POST", POINTS, slack(uid))
    status, body = http("GET", f"{POINTS}?name={uid}")
    assert status == 200
    assert [p["settings"] for p in body] == [
        {"recipient": "#ops", "token": "[REDACTED]"}
    ]
    assert body[0]["provenance"] == "api"


def test_get_shows_the_dingding_url_as_grafana_11_does(fake_http):
    fake_http("POST", POINTS, dingding("dd"))
    body = fake_http("GET", f"{POINTS}?name=dd")[1]
    assert body[0]["settings"]["url"] == (
        "https://oapi.dingtalk.com/robot/send?access_token=s"
    )


def test_get_shows_a_google_chat_url_as_grafana_11_does(fake_http):
    point = {
        "uid": "gc",
        "name": "gc",
        "type": "googlechat",
        "settings": {"url": "https://chat.googleapis.com/v1/spaces/x"},
    }
    fake_http("POST", POINTS, point)
    body = fake_http("GET", f"{POINTS}?name=gc")[1]
    assert body[0]["settings"] == {"url": "https://chat.googleapis.com/v1/spaces/x"}


def test_get_redacts_webhook_password_and_credentials(grafana, http):
    uid = grafana.unique("cp")
    settings = {
        "url": "http://hook",
        "password": "p",
        "authorization_credentials": "c",
        "username": "u",
    }
    http(
        "POST",
        POINTS,
        {"uid": uid, "name": uid, "type": "webhook", "settings": settings},
    )
    shown = http("GET", f"{POINTS}?name={uid}")[1][0]["settings"]
    assert shown == {
        "url": "http://hook",
        "password": "[REDACTED]",
        "authorization_credentials": "[REDACTED]",
        "username": "u",
    }


def test_redacted_value_sent_back_keeps_the_secret(fake_grafana, fake_http):
    fake_http("POST", POINTS, slack("cp1"))
    update = slack("cp1", token="[REDACTED]", recipient="#other")
    assert fake_http("PUT", f"{POINTS}/cp1", update) == (
        202,
        {"message": "contactpoint updated"},
    )
    stored = fake_grafana.contact_points["cp1"]["settings"]
    assert stored == {"recipient": "#other", "token": "xoxb-secret-1"}


def test_delete_is_202(grafana, http):
    uid = grafana.unique("cp")
    http("POST", POINTS, slack(uid))
    assert http("DELETE", f"{POINTS}/{uid}")[0] == 202
    assert http("GET", f"{POINTS}?name={uid}") == (200, [])


def test_duplicate_receiver_uid_is_409(grafana, http):
    uid = grafana.unique("cp")
    http("POST", POINTS, slack(uid))
    status, _ = http("POST", POINTS, slack(uid, name=uid + "-other"))
    assert status == 409


def test_dingding_without_url_is_400_naming_the_integration(fake_http):
    body = {**dingding(""), "name": "team-dd", "settings": {"msgType": "link"}}
    status, answer = fake_http("POST", POINTS, body)
    assert (status, answer) == (
        400,
        {
            "message": "invalid object specification: failed to validate "
            'integration "team-dd" (UID ) of type "dingding": '
            "could not find url property in settings"
        },
    )


@pytest.mark.parametrize(
    ("settings", "text"),
    [
        ({"token": "t"}, "recipient must be specified when using the Slack chat API"),
        ({"recipient": "#x"}, "token must be specified when using the Slack chat API"),
        (
            {"token": "t", "mentionChannel": "all"},
            "recipient must be specified when using the Slack chat API",
        ),
        (
            {"recipient": "#x", "mentionChannel": "all"},
            'invalid value for mentionChannel: "all"',
        ),
    ],
)
def test_slack_without_url_needs_recipient_and_token(fake_http, settings, text):
    body = {"uid": "sl", "name": "sl", "type": "slack", "settings": settings}
    status, answer = fake_http("POST", POINTS, body)
    assert (status, answer) == (
        400,
        {
            "message": "invalid object specification: failed to validate "
            f'integration "sl" (UID sl) of type "slack": {text}'
        },
    )


def test_slack_with_a_custom_endpoint_needs_no_recipient(fake_http):
    settings = {"endpointUrl": "https://slack.example/api", "token": "t"}
    body = {"uid": "sl", "name": "sl", "type": "slack", "settings": settings}
    assert fake_http("POST", POINTS, body)[0] == 202


def test_bad_uid_is_400_after_the_settings_are_checked(fake_http):
    body = {**dingding("bad uid!"), "name": "dd"}
    status, answer = fake_http("POST", POINTS, body)
    assert (status, answer) == (
        400,
        {
            "message": "invalid object specification\n"
            "cannot create contact point with UID 'bad uid!': "
            "uid contains illegal characters"
        },
    )


def test_contact_point_used_by_policy_cannot_be_deleted(grafana, http):
    uid = grafana.unique("cp")
    http("POST", POINTS, slack(uid))
    original = http("GET", f"{BASE}/policies")[1]
    tree = {"receiver": "grafana-default-email", "routes": [{"receiver": uid}]}
    http("PUT", f"{BASE}/policies", tree)
    status, body = http("DELETE", f"{POINTS}/{uid}")
    http("PUT", f"{BASE}/policies", {k: v for k, v in original.items()})
    assert status == 409
    assert body["messageId"] == "alerting.notifications.contact-points.referenced"


def test_policy_put_is_202_and_get_returns_the_tree(fake_http):
    fake_http("POST", POINTS, slack("team"))
    tree = {
        "receiver": "grafana-default-email",
        "group_by": ["alertname"],
        "routes": [{"receiver": "team", "object_matchers": [["team", "=", "sre"]]}],
    }
    assert fake_http("PUT", f"{BASE}/policies", tree) == (
        202,
        {"message": "policies updated"},
    )
    assert fake_http("GET", f"{BASE}/policies")[1] == {**tree, "provenance": "api"}


def test_policy_with_unknown_receiver_is_400(http):
    tree = {"receiver": "grafana-default-email", "routes": [{"receiver": "nobody-x"}]}
    assert http("PUT", f"{BASE}/policies", tree)[0] == 400


def test_policy_delete_resets_to_the_default_tree(fake_http):
    fake_http("POST", POINTS, slack("team"))
    fake_http("PUT", f"{BASE}/policies", {"receiver": "team"})
    status, body = fake_http("DELETE", f"{BASE}/policies")
    assert (status, body["receiver"]) == (202, "grafana-default-email")
    assert fake_http("GET", f"{BASE}/policies")[1] == {
        "receiver": "grafana-default-email",
        "group_by": ["grafana_folder", "alertname"],
    }


def test_provisioned_policy_cannot_go_to_provenance_none(fake_http):
    fake_http("PUT", f"{BASE}/policies", {"receiver": "grafana-default-email"})
    status, body = fake_http(
        "PUT",
        f"{BASE}/policies",
        {"receiver": "grafana-default-email"},
        headers={"X-Disable-Provenance": "true"},
    )
    assert status == 403
    assert body["messageId"] == "alerting.notifications.invalidProvenance"


def test_template_put_is_202_with_name_and_content(grafana, http):
    name = grafana.unique("tpl")
    text = '{{ define "' + name + '" }}{{ len .Alerts.Firing }} firing{{ end }}'
    status, body = http("PUT", f"{BASE}/templates/{name}", {"template": text})
    assert status == 202
    assert (body["name"], body["template"], body["provenance"]) == (name, text, "api")


def test_invalid_template_is_400_with_the_parse_error_in_extra(fake_http):
    body = {"template": '{{ define "x" }}\nnever closed'}
    status, answer = fake_http("PUT", f"{BASE}/templates/tpl", body)
    assert (status, answer) == (
        400,
        {
            "extra": {"Error": "invalid template: template: tpl:2: unexpected EOF"},
            "message": "Template is in invalid format. "
            "Correct the payload and try again.",
            "messageId": "alerting.notifications.templates.invalidFormat",
            "statusCode": 400,
        },
    )


@pytest.mark.parametrize(
    "text",
    [
        '{{ define "x" }}{{/* a {{ brace }} and }} */}}{{ end }}',
        '{{ define "x" }}closing braces }} in plain text{{ end }}',
        '{{ define "x" }}{{ "}}" }}{{ end }}',
        '{{ define "x" }}{{- /* trimmed comment */ -}}{{ end }}',
        '{{ define "x" }}{{ if .A }}a{{ else if .B }}b{{ else }}c{{ end }}{{ end }}',
    ],
)
def test_templates_go_parses_are_accepted(fake_http, text):
    status, _ = fake_http("PUT", f"{BASE}/templates/tpl", {"template": text})
    assert status == 202


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('{{ define "x" }}{{ .A', "tpl:1: unclosed action"),
        (
            '{{ define "x" }}{{/* c */ }}{{ end }}',
            "tpl:1: comment ends before closing delimiter",
        ),
        ('{{ define "x" }}{{ end }}{{ end }}', "tpl:1: unexpected {{end}}"),
        ('{{ define "x" }}{{ else }}{{ end }}', "tpl:1: unexpected {{else}}"),
        ('{{ define "x" }}{{}}{{ end }}', "tpl:1: missing value for command"),
        (
            '{{ define "x" }}{{ define "y" }}{{ end }}{{ end }}',
            "tpl:1: unexpected <define> in command",
        ),
    ],
)
def test_templates_go_refuses_are_400(fake_http, text, error):
    status, answer = fake_http("PUT", f"{BASE}/templates/tpl", {"template": text})
    assert status == 400
    assert answer["extra"] == {"Error": f"invalid template: template: {error}"}


def test_template_without_define_is_parsed_wrapped_in_one(fake_http):
    # Wrapped, the stray end closes the define and the real one is left over.
    body = {"template": "{{ .A }}\n{{ end }}"}
    status, answer = fake_http("PUT", f"{BASE}/templates/wrap", body)
    assert status == 400
    error = "invalid template: template: wrap:4: unexpected {{end}}"
    assert answer["extra"] == {"Error": error}


def test_template_delete_is_204(grafana, http):
    name = grafana.unique("tpl")
    http("PUT", f"{BASE}/templates/{name}", {"template": '{{ define "a" }}a{{ end }}'})
    assert http("DELETE", f"{BASE}/templates/{name}") == (204, None)


def nights(name):
    return {
        "name": name,
        "time_intervals": [{"times": [{"start_time": "22:00", "end_time": "23:59"}]}],
    }


def test_mute_timing_create_update_delete(grafana, http):
    name = grafana.unique("mute")
    assert http("POST", f"{BASE}/mute-timings", nights(name))[0] == 201
    assert http("PUT", f"{BASE}/mute-timings/{name}", nights(name))[0] == 202
    assert http("DELETE", f"{BASE}/mute-timings/{name}") == (204, None)


def test_mute_timing_used_by_a_policy_cannot_be_deleted(fake_http):
    fake_http("POST", f"{BASE}/mute-timings", nights("nights"))
    tree = {
        "receiver": "grafana-default-email",
        "routes": [
            {"receiver": "grafana-default-email", "mute_time_intervals": ["nights"]}
        ],
    }
    fake_http("PUT", f"{BASE}/policies", tree)
    assert fake_http("DELETE", f"{BASE}/mute-timings/nights")[0] == 409


def test_provisioned_contact_point_cannot_go_to_provenance_none(fake_http):
    fake_http("POST", POINTS, slack("cp1"))
    status, body = fake_http(
        "PUT", f"{POINTS}/cp1", slack("cp1"), headers={"X-Disable-Provenance": "true"}
    )
    assert status == 403
    assert body["messageId"] == "alerting.notifications.invalidProvenance"
    assert body["message"].startswith(
        "Resource with provenance status 'api' cannot be managed via API that "
        "handles resources with provenance status 'none'"
    )


def test_contact_point_without_provenance_can_become_provisioned(
    fake_grafana, fake_http
):
    fake_http("POST", POINTS, slack("cp1"), headers={"X-Disable-Provenance": "true"})
    assert fake_grafana.contact_points["cp1"]["provenance"] == ""
    assert fake_http("PUT", f"{POINTS}/cp1", slack("cp1"))[0] == 202
    assert fake_grafana.contact_points["cp1"]["provenance"] == "api"


def test_template_without_define_is_stored_and_answered_wrapped(grafana, http):
    name = grafana.unique("tpl")
    status, body = http("PUT", f"{BASE}/templates/{name}", {"template": " a\nb \n"})
    _, stored = http("GET", f"{BASE}/templates/{name}")

    wrapped = '{{ define "' + name + '" }}\n  a\n  b\n{{ end }}'
    assert (status, body["template"], stored["template"]) == (202, wrapped, wrapped)
