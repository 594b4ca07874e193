"""Each rule on a small input: what it reports, and what it must leave alone.

Each case lists the findings as (file, location, severity, rule) and the
texts their messages must contain (the object and the value at fault).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.lint.lint_helpers import dashboard, lint, panel

PROM = {"type": "prometheus", "uid": "prom"}
DATASOURCES = """\
apiVersion: 1
datasources:
  - name: Prometheus
    type: prometheus
    uid: prom
    url: http://prometheus:9090
    isDefault: true
  - name: Loki
    type: loki
    uid: logs
    url: http://loki:3100
"""


def with_panel_change(change: dict[str, Any], **dash: Any) -> dict[str, Any]:
    p = panel(1, "Up")
    p.update(change)
    return dashboard(p, **dash)


def with_expr(expr: str, **dash: Any) -> dict[str, Any]:
    return dashboard(panel(1, "Up", expr), **dash)


def var(name: str, kind: str = "query", **extra: Any) -> dict[str, Any]:
    base = {"name": name, "type": kind, "datasource": PROM}
    if kind == "query":
        base["query"] = f"label_values(up, {name})"
    base.update(extra)
    return base


def templated(*variables: dict[str, Any], **dash: Any) -> dict[str, Any]:
    return {"templating": {"list": list(variables)}, **dash}


def rule_file(expr: str) -> str:
    return (
        "groups:\n  - name: hub\n    rules:\n      - alert: Hub\n"
        f"        expr: '{expr}'\n"
    )


def grafana_rules(group: str = "", rule_: str = "", query: str = "") -> str:
    return f"""\
apiVersion: 1
groups:
  - orgId: 1
    name: hub
    folder: MT5
    interval: {group or "1m"}
    rules:
      - uid: hub-equity
        title: Equity drop
        condition: {rule_ or "B"}
        data:
          - refId: A
            datasourceUid: prom
            {query or "relativeTimeRange: {from: 600, to: 0}"}
            model: {{refId: A, expr: 'mt5_equity'}}
          - refId: B
            datasourceUid: __expr__
            model: {{refId: B, type: threshold, expression: A}}
"""


ROWS_LEGACY = {
    "title": "Legacy",
    "rows": [
        {
            "title": "CPU",
            "panels": [
                {
                    "id": 1,
                    "type": "graph",
                    "title": "Load",
                    "span": 12,
                    "datasource": "$ds",
                    "targets": [{"expr": "node_load1"}],
                },
            ],
        }
    ],
    "templating": {
        "list": [{"name": "ds", "type": "datasource", "query": "prometheus"}]
    },
}

CASES = [
    # (id, purpose, files, options, expected findings, message fragments)
    (
        "uid-too-long",
        "a uid over 40 characters is refused by Grafana",
        {"d.json": dashboard(panel(1, "Up"), uid="x" * 41)},
        {},
        [("d.json", "/uid", "error", "dashboard/uid-format")],
        ["has 41 characters (at most 40)"],
    ),
    (
        "uid-bad-chars",
        "a uid with a space and a slash is refused",
        {"d.json": dashboard(panel(1, "Up"), uid="mt5 hub/kpi")},
        {},
        [("d.json", "/uid", "error", "dashboard/uid-format")],
        ["'mt5 hub/kpi' has characters other than"],
    ),
    (
        "duplicate-panel-id",
        "two panels with id 1, the second is reported",
        {
            "d.json": dashboard(
                panel(1, "A"),
                panel(1, "B") | {"gridPos": {"x": 12, "y": 0, "w": 12, "h": 8}},
            )
        },
        {},
        [("d.json", "/panels/1/id", "error", "panel/duplicate-id")],
        ["panel 1 'B': id 1 is already used by panel 1 'A' at /panels/0"],
    ),
    (
        "zero-panel-id",
        "a panel id 0 is as good as none",
        {
            "d.json": dashboard(
                panel(0, "Up") | {"gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}}
            )
        },
        {},
        [("d.json", "/panels/0", "warning", "panel/missing-id")],
        ["has id 0"],
    ),
    (
        "out-of-grid",
        "a panel ending at column 30 is outside the grid",
        {"d.json": with_panel_change({"gridPos": {"x": 18, "y": 0, "w": 12, "h": 8}})},
        {},
        [("d.json", "/panels/0/gridPos", "error", "panel/grid-bounds")],
        ["ends at column 30"],
    ),
    (
        "null-grid-value",
        "a gridPos value that is null is not an integer",
        {
            "d.json": with_panel_change(
                {"gridPos": {"x": None, "y": 0, "w": 12, "h": 8}}
            )
        },
        {},
        [("d.json", "/panels/0/gridPos", "error", "panel/grid-bounds")],
        ["has non-integer x"],
    ),
    (
        "absent-grid-key",
        "a gridPos key that is absent takes Grafana's default (corpus regression)",
        {"d.json": with_panel_change({"gridPos": {"y": 0, "w": 18, "h": 7}})},
        {},
        [],
        [],
    ),
    (
        "overlap",
        "two panels sharing cells overlap",
        {
            "d.json": dashboard(
                panel(1, "A"),
                panel(2, "B") | {"gridPos": {"x": 6, "y": 4, "w": 12, "h": 8}},
            )
        },
        {},
        [("d.json", "/panels/1/gridPos", "warning", "panel/grid-overlap")],
        [
            "panel 2 'B' at {x=6, y=4, w=12, h=8} overlaps "
            "panel 1 'A' at {x=0, y=0, w=12, h=8}"
        ],
    ),
    (
        "collapsed-row-children-no-overlap",
        "children of a collapsed row do not overlap the panels after the row",
        {
            "d.json": dashboard(
                {
                    "id": 1,
                    "type": "row",
                    "title": "R",
                    "collapsed": True,
                    "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1},
                    "panels": [
                        panel(2, "In") | {"gridPos": {"x": 0, "y": 1, "w": 12, "h": 8}}
                    ],
                },
                panel(3, "After") | {"gridPos": {"x": 0, "y": 1, "w": 12, "h": 8}},
            )
        },
        {},
        [],
        [],
    ),
    (
        "legacy-rows-layout",
        "a legacy rows dashboard has no gridPos and is not flagged for layout",
        {"d.json": ROWS_LEGACY},
        {},
        [],
        [],
    ),
    (
        "repeat-missing-variable",
        "a panel repeated by an undeclared variable",
        {"d.json": with_panel_change({"repeat": "symbol"})},
        {},
        [("d.json", "/panels/0/repeat", "error", "panel/repeat-unknown-variable")],
        ["repeats by variable 'symbol'"],
    ),
    (
        "untitled-panel",
        "a stat panel with data and no title",
        {"d.json": with_panel_change({"title": "", "type": "stat"})},
        {},
        [("d.json", "/panels/0", "warning", "panel/missing-title")],
        ["panel 1 (stat) has no title"],
    ),
    (
        "untitled-text-panel",
        "a text panel needs no title",
        {
            "d.json": dashboard(
                {
                    "id": 1,
                    "type": "text",
                    "title": "",
                    "gridPos": {"x": 0, "y": 0, "w": 24, "h": 2},
                }
            )
        },
        {},
        [],
        [],
    ),
    (
        "missing-unit",
        "a panel of *_bytes with no unit",
        {
            "d.json": with_panel_change(
                {
                    "fieldConfig": {"defaults": {}, "overrides": []},
                    "targets": [
                        {"refId": "A", "expr": "sum(node_memory_MemAvailable_bytes)"}
                    ],
                }
            )
        },
        {},
        [("d.json", "/panels/0", "info", "panel/missing-unit")],
        ["shows bytes"],
    ),
    (
        "missing-unit-histogram",
        "a latency quantile of a *_seconds histogram with no unit",
        {
            "d.json": with_panel_change(
                {
                    "fieldConfig": {"defaults": {}, "overrides": []},
                    "targets": [
                        {
                            "refId": "A",
                            "expr": "histogram_quantile(0.99, sum by (le) "
                            "(rate(mt5_request_duration_seconds_bucket[5m])))",
                        }
                    ],
                }
            )
        },
        {},
        [("d.json", "/panels/0", "info", "panel/missing-unit")],
        ["shows seconds"],
    ),
    (
        "unit-set-by-override",
        "a unit set by a field override counts",
        {
            "d.json": with_panel_change(
                {
                    "fieldConfig": {
                        "defaults": {},
                        "overrides": [
                            {
                                "matcher": {"id": "byName", "options": "A"},
                                "properties": [{"id": "unit", "value": "Bps"}],
                            }
                        ],
                    },
                    "targets": [{"refId": "A", "expr": "rate(x_bytes_total[5m])"}],
                }
            )
        },
        {},
        [],
        [],
    ),
    (
        "no-unit-for-counts",
        "a panel of counts needs no unit",
        {
            "d.json": with_panel_change(
                {
                    "fieldConfig": {"defaults": {}, "overrides": []},
                    "targets": [{"refId": "A", "expr": "count(up)"}],
                }
            )
        },
        {},
        [],
        [],
    ),
    (
        "undeclared-variable",
        "a query using $symbol that nobody declares",
        {"d.json": with_expr('mt5_equity{symbol="$symbol"}')},
        {},
        [("d.json", "/panels/0/targets/0/expr", "error", "variable/undeclared")],
        ["uses $symbol (1 use(s), first here)"],
    ),
    (
        "builtins-are-declared",
        "Grafana's globals and regex group references are not variables",
        {
            "d.json": with_expr(
                'label_replace(increase(x_total[$__range]), "a", "$1", "b", "(.*)") '
                "/ $__range_s"
            )
        },
        {},
        [],
        [],
    ),
    (
        "undeclared-ds-variable",
        "a panel bound to ${ds} when no ds variable exists",
        {
            "d.json": with_panel_change(
                {
                    "datasource": {"type": "prometheus", "uid": "${ds}"},
                    "targets": [{"refId": "A", "expr": "up"}],
                }
            )
        },
        {},
        [("d.json", "/panels/0/datasource", "error", "panel/missing-datasource")],
        ["refers to datasource variable '$ds', which is not declared"],
    ),
    (
        "declared-ds-variable",
        "a panel bound to ${ds} with a datasource variable ds is fine",
        {
            "d.json": with_panel_change(
                {
                    "datasource": {"type": "prometheus", "uid": "${ds}"},
                    "targets": [{"refId": "A", "expr": "up"}],
                },
                templating={
                    "list": [
                        {"name": "ds", "type": "datasource", "query": "prometheus"}
                    ]
                },
            )
        },
        {},
        [],
        [],
    ),
    (
        "unknown-uid",
        "a uid no provisioned datasource has, when the datasources file is linted too",
        {
            "d.json": with_panel_change(
                {
                    "datasource": {"type": "prometheus", "uid": "prom-old"},
                    "targets": [{"refId": "A", "expr": "up"}],
                }
            ),
            "datasources.yaml": DATASOURCES,
        },
        {},
        [("d.json", "/panels/0/datasource", "error", "panel/missing-datasource")],
        [
            "datasource uid 'prom-old', which no provisioned datasource has "
            "(provisioned: logs, prom)"
        ],
    ),
    (
        "variable-unknown-datasource",
        "a query variable bound to an undeclared datasource variable",
        {
            "d.json": dashboard(
                panel(1, "Up"),
                templating={
                    "list": [
                        var(
                            "symbol",
                            datasource={"type": "prometheus", "uid": "${prom}"},
                        )
                    ]
                },
            )
        },
        {},
        [
            (
                "d.json",
                "/templating/list/0/datasource",
                "error",
                "variable/missing-datasource",
            )
        ],
        ["variable 'symbol' refers to datasource variable '$prom'"],
    ),
    (
        "variable-no-datasource",
        "a query variable with no datasource uses the default",
        {
            "d.json": dashboard(
                panel(1, "Up"),
                templating={
                    "list": [
                        {
                            "name": "symbol",
                            "type": "query",
                            "query": "label_values(up, symbol)",
                        }
                    ]
                },
            )
        },
        {},
        [("d.json", "/templating/list/0", "warning", "variable/missing-datasource")],
        ["variable 'symbol' has no datasource"],
    ),
    (
        "builtin-datasources",
        "built-in datasources under every name are never flagged",
        {
            "d.json": dashboard(
                *[
                    panel(i + 1, f"P{i}", datasource=ds)
                    | {
                        "targets": [{"refId": "A", "expr": "up"}],
                        "gridPos": {"x": 0, "y": 8 * i, "w": 12, "h": 8},
                    }
                    for i, ds in enumerate(
                        [
                            "-- Grafana --",
                            "-- Mixed --",
                            "-- Dashboard --",
                            "grafana",
                            {"type": "datasource", "uid": "grafana"},
                            {"type": "__expr__", "uid": "__expr__"},
                        ]
                    )
                ]
            )
        },
        {},
        [("d.json", "/panels/1/targets/0", "warning", "panel/missing-datasource")],
        ["panel 2 'P1' is '-- Mixed --' but its query A sets no datasource"],
    ),
    (
        "loki-not-parsed",
        "a Loki query is not PromQL and is not parsed",
        {
            "d.json": with_panel_change(
                {
                    "datasource": {"type": "loki", "uid": "logs"},
                    "targets": [{"refId": "A", "expr": '{job="mt5"} |= "error"'}],
                }
            )
        },
        {},
        [],
        [],
    ),
    (
        "other-datasource-types",
        "InfluxDB, Elasticsearch and TestData queries are not parsed as PromQL",
        {
            "d.json": dashboard(
                *[
                    panel(i + 1, kind)
                    | {
                        "datasource": {"type": kind, "uid": kind},
                        "targets": [{"refId": "A", "expr": "SELECT mean(x) FROM y"}],
                        "gridPos": {"x": 0, "y": 8 * i, "w": 12, "h": 8},
                    }
                    for i, kind in enumerate(
                        ["influxdb", "elasticsearch", "grafana-testdata-datasource"]
                    )
                ]
            )
        },
        {},
        [],
        [],
    ),
    (
        "rule-to-unknown-contact-point",
        "an alert rule's notification settings name a missing contact point",
        {
            "alerting/rules.yaml": grafana_rules().replace(
                "        condition: B\n",
                "        condition: B\n"
                "        notification_settings: {receiver: mt5-pager}\n",
            )
        },
        {},
        [("alerting/rules.yaml", "11", "error", "alerting/unknown-contact-point")],
        ["alert rule 'hub-equity' (group 'hub') sends to contact point 'mt5-pager'"],
    ),
    (
        "alert-query-variables",
        "alert queries know Grafana's globals only, not dashboard variables",
        {
            "alerting/rules.yaml": grafana_rules().replace(
                "expr: 'mt5_equity'",
                "expr: 'rate(x_total[$__rate_interval]) > $limit'",
            )
        },
        {},
        [("alerting/rules.yaml", "15", "error", "promql/syntax")],
        ["alert rule 'hub-equity' (group 'hub'), query A: query does not parse"],
    ),
    (
        "syntax-error",
        "an unclosed parenthesis",
        {"d.json": with_expr("sum(rate(mt5_orders_total[5m])")},
        {},
        [("d.json", "/panels/0/targets/0/expr", "error", "promql/syntax")],
        [
            "query does not parse (after substituting variables): "
            "unclosed left parenthesis"
        ],
    ),
    (
        "variables-parse-by-place",
        "variables in ranges, offsets, labels and topk parameters parse",
        {
            "d.json": with_expr(
                'topk($n, rate(x_total{a=~"$a"}[$w] offset $o)) by ($by)',
                templating={
                    "list": [
                        var(n, "custom", query="1") for n in ("n", "a", "w", "o", "by")
                    ]
                },
            )
        },
        {},
        [],
        [],
    ),
    (
        "rule-file-syntax",
        "a Prometheus rule file's expression is parsed as written",
        {"rules.yml": rule_file("up == $x")},
        {},
        [("rules.yml", "5", "error", "promql/syntax")],
        ["alerting rule 'Hub' (group 'hub'): query does not parse: "],
    ),
    (
        "rule-file-short-range",
        "rule files get the rate window check with a duration to use",
        {"rules.yml": rule_file("rate(x_total[1m]) > 0")},
        {"scrape_interval": 30},
        [("rules.yml", "5", "warning", "promql/range-too-short")],
        [
            "rate(x_total[1m]) spans less than 4 scrape intervals (4 x 30s = 2m)",
            "use at least [2m]",
        ],
    ),
    (
        "rate-interval-no-double",
        "$__interval is reported once, by rate-interval only",
        {"d.json": with_expr("rate(x_total[$__interval])")},
        {},
        [("d.json", "/panels/0/targets/0/expr", "warning", "promql/rate-interval")],
        ["rate(x_total[$__interval]) uses $__interval"],
    ),
    (
        "rate-on-gauge",
        "rate over a *_ratio gauge",
        {"d.json": with_expr("rate(mt5_sharpe_ratio[5m])")},
        {},
        [("d.json", "/panels/0/targets/0/expr", "warning", "promql/rate-on-gauge")],
        ["rate() over 'mt5_sharpe_ratio'"],
    ),
    (
        "rate-on-unsuffixed-counter",
        "a counter without _total (old node_exporter) is not called a gauge",
        {
            "d.json": with_expr(
                "rate(node_network_receive_bytes[5m]) + rate(node_vmstat_pgfault[5m])"
            )
        },
        {},
        [],
        [],
    ),
    (
        "sharing-placeholder",
        "an undeclared ${DS_PROMETHEUS} from an export for sharing",
        {
            "d.json": with_panel_change(
                {"datasource": "${DS_PROMETHEUS}"},
                __inputs=[
                    {
                        "name": "DS_PROMETHEUS",
                        "type": "datasource",
                        "pluginId": "prometheus",
                    }
                ],
            )
        },
        {},
        [("d.json", "/panels/0/datasource", "error", "dashboard/sharing-placeholder")],
        ["uses ${DS_PROMETHEUS} (1 use(s), first here)"],
    ),
    (
        "sharing-placeholder-declared",
        "a placeholder name that is also a declared datasource variable is fine",
        {
            "d.json": with_panel_change(
                {"datasource": {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}},
                __inputs=[
                    {
                        "name": "DS_PROMETHEUS",
                        "type": "datasource",
                        "pluginId": "prometheus",
                    }
                ],
                templating={
                    "list": [
                        {
                            "name": "DS_PROMETHEUS",
                            "type": "datasource",
                            "query": "prometheus",
                        }
                    ]
                },
            )
        },
        {},
        [],
        [],
    ),
    (
        "unknown-condition",
        "the condition names refId C but the queries are A and B",
        {"alerting/rules.yaml": grafana_rules(rule_="C")},
        {},
        [("alerting/rules.yaml", "10", "error", "alerting/unknown-condition")],
        [
            "alert rule 'hub-equity' (group 'hub') has condition 'C', "
            "but its queries have refIds ['A', 'B']"
        ],
    ),
    (
        "no-relative-time",
        "a datasource query without relativeTimeRange",
        {"alerting/rules.yaml": grafana_rules(query="queryType: ''")},
        {},
        [("alerting/rules.yaml", "12", "error", "alerting/missing-relative-time")],
        ["query A has relativeTimeRange None"],
    ),
    (
        "group-interval",
        "a 15s group interval is not a multiple of 10s",
        {"alerting/rules.yaml": grafana_rules(group="15s")},
        {},
        [("alerting/rules.yaml", "6", "error", "alerting/group-interval")],
        ["rule group 'hub' has interval '15s'"],
    ),
    (
        "unknown-contact-point",
        "a nested route to a contact point no file declares",
        {
            "alerting/policies.yaml": "apiVersion: 1\npolicies:\n  - orgId: 1\n"
            "    receiver: grafana-default-email\n"
            "    routes:\n      - receiver: mt5-pager\n"
        },
        {},
        [("alerting/policies.yaml", "6", "error", "alerting/unknown-contact-point")],
        [
            "routes to contact point 'mt5-pager', which is not declared "
            "(declared: grafana-default-email)"
        ],
    ),
    (
        "notifiers-key",
        "a file declaring legacy notifiers outside the notifiers folder",
        {
            "provisioning/alerting/old.yaml": (
                "notifiers:\n  - name: pager\n    type: email\n"
            )
        },
        {},
        [("provisioning/alerting/old.yaml", "1", "error", "provisioning/notifiers")],
        ["declares notifiers:"],
    ),
    (
        "parse-error",
        "a broken JSON file",
        {"d.json": '{"title": "x",'},
        {},
        [("d.json", "/", "error", "file/parse-error")],
        [
            "invalid JSON: Expecting property name enclosed in double quotes "
            "(line 1, column 15)"
        ],
    ),
]


@pytest.mark.parametrize(
    ("files", "options", "expected", "fragments"),
    [pytest.param(*case[2:], id=case[0]) for case in CASES],
)
def test_rule(files, options, expected, fragments):
    findings = lint(copy.deepcopy(files), **options)
    got = [(f.file, f.location, str(f.severity), f.rule) for f in findings]
    assert got == expected
    messages = " | ".join(f.message for f in findings)
    for fragment in fragments:
        assert fragment in messages
