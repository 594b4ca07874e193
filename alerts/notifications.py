"""Where the hub's alerts go: critical ones to DingTalk, warnings to Slack.

The webhook URLs are secrets: they are read from the environment when the
configuration is pushed or provisioned, never written here.
"""

from mt5dash import (
    ContactPoint,
    DingTalk,
    MuteTiming,
    NotificationPolicy,
    NotificationTemplate,
    Route,
    Slack,
    TimeInterval,
    env,
)

# The DingTalk robot is set up with the security keyword "MT5": every title
# and message must contain it, or DingTalk drops the message silently.
templates = NotificationTemplate(
    name="mt5",
    template="""\
{{ define "mt5.title" -}}
[MT5] {{ .Status | toUpper }}{{ if eq .Status "firing" }} ({{ len .Alerts.Firing }})\
{{ end }} {{ .GroupLabels.SortedPairs.Values | join " " }}
{{- end }}

{{ define "mt5.message" -}}
### [MT5] {{ .Status | toUpper }}: {{ len .Alerts.Firing }} firing, \
{{ len .Alerts.Resolved }} resolved

**Group:** {{ range .GroupLabels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}
{{ range .Alerts }}
---
**{{ .Labels.alertname }}** ({{ .Status }})

- Summary: {{ .Annotations.summary }}
- Description: {{ .Annotations.description }}
- Labels: {{ range .Labels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}
{{ if .Annotations.runbook_url }}- Runbook: {{ .Annotations.runbook_url }}{{ end }}
{{ end }}
{{- end }}
""",
)

dingtalk = ContactPoint(
    name="mt5-dingtalk",
    integrations=[
        DingTalk(
            uid="mt5-dingtalk",
            url=env("MT5_DINGTALK_WEBHOOK_URL"),
            msg_type="actionCard",
            title='{{ template "mt5.title" . }}',
            message='{{ template "mt5.message" . }}',
        )
    ],
)

slack = ContactPoint(
    name="mt5-slack",
    integrations=[
        Slack(
            uid="mt5-slack",
            url=env("MT5_SLACK_WEBHOOK_URL"),
            title='{{ template "mt5.title" . }}',
            text='{{ template "mt5.message" . }}',
        )
    ],
)

# Markets are closed at weekends: no fresh data and no trading is expected.
weekends = MuteTiming(
    name="weekends", time_intervals=[TimeInterval(weekdays=["saturday", "sunday"])]
)

policy = NotificationPolicy(
    receiver="mt5-slack",
    group_by=["grafana_folder", "alertname"],
    group_wait="30s",
    group_interval="5m",
    repeat_interval="4h",
    routes=[
        Route(
            receiver="mt5-dingtalk",
            matchers=["kpi = data_freshness"],
            mute_timings=["weekends"],
        ),
        Route(
            receiver="mt5-dingtalk",
            matchers=["severity = critical"],
            repeat_interval="1h",
        ),
        Route(
            receiver="mt5-slack",
            matchers=["severity = warning"],
            mute_timings=["weekends"],
        ),
    ],
)
