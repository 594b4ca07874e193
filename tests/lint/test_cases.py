"""The cases lint must report, each with its full finding."""

from __future__ import annotations

import json

from mt5dash.lint import Finding, Severity
from tests.lint.lint_helpers import dashboard, lint, panel

E, W = Severity.ERROR, Severity.WARNING

KPI_EXAMPLE = (
    '{"dashboard": {"id": null, "title": "MT5 Hub KPI", "panels": [{"type": "stat", '
    '"title": "Latest Sharpe Ratio", "gridPos": {"x": 0, "y": 0, "w": 6, "h": 4}, '
    '"targets": [{"expr": "sharpe_ratio_last"}]}], "variables": {"templating": '
    '{"list": [{"name": "symbol", "type": "query", "query": '
    '"label_values(node_uname_info, symbol)"}]}}}}'
)


def test_kpi_example_reports_wrapper_misplaced_variables_and_missing_datasource():
    name = "provisioning/dashboards/hub/kpi.json"
    assert lint({name: KPI_EXAMPLE}) == [
        Finding(
            name,
            "dashboard/api-wrapper",
            E,
            "dashboard 'MT5 Hub KPI' is wrapped as an HTTP API payload (top-level "
            "keys: dashboard); file provisioning reads the top level as the "
            "dashboard, finds no title and skips the file; put the dashboard model "
            "itself at the top level",
            "/dashboard",
        ),
        Finding(
            name,
            "panel/missing-datasource",
            W,
            "dashboard 'MT5 Hub KPI', panel 'Latest Sharpe Ratio' has no datasource "
            "on the panel or its queries; Grafana sends the queries to whichever "
            'datasource is the instance\'s default; set {"type": ..., "uid": ...}',
            "/dashboard/panels/0",
        ),
        Finding(
            name,
            "panel/missing-id",
            W,
            "dashboard 'MT5 Hub KPI', panel 'Latest Sharpe Ratio' has no id; Grafana "
            "assigns one on load that may change whenever panels are added, so "
            "links and alert rules cannot name it; give it a unique positive id",
            "/dashboard/panels/0",
        ),
        Finding(
            name,
            "dashboard/misplaced-templating",
            E,
            "dashboard 'MT5 Hub KPI' declares variable(s) 'symbol' at "
            "/variables/templating/list; Grafana reads variables only from "
            "templating.list, so these do not exist and every $reference to them "
            "stays unresolved",
            "/dashboard/variables/templating/list",
        ),
    ]


def test_same_dashboard_under_two_names_is_a_duplicate_uid():
    model = dashboard(panel(1, "Up"), uid="mt5-hub-kpi")
    files = {"dashboards/a.json": model, "dashboards/b.json": model}
    assert lint(files) == [
        Finding(
            "dashboards/b.json",
            "dashboard/duplicate-uid",
            E,
            "dashboard 'mt5-hub-kpi' (Hub) has uid 'mt5-hub-kpi', already used by "
            "dashboard 'mt5-hub-kpi' (Hub) in dashboards/a.json; Grafana keeps only "
            "one of them and which one depends on the order it reads files",
            "/uid",
        )
    ]


def test_datasource_given_as_a_name_string():
    model = dashboard(panel(1, "Up", datasource="Prometheus"))
    del model["panels"][0]["targets"][0]["datasource"]
    assert lint({"d.json": model}) == [
        Finding(
            "d.json",
            "datasource/by-name",
            W,
            "dashboard 'hub' (Hub), panel 1 'Up' names its datasource by the string "
            "'Prometheus'; Grafana looks it up by name, which breaks when the "
            "datasource is renamed or absent on another instance; use "
            '{"type": ..., "uid": ...}',
            "/panels/0/datasource",
        )
    ]


def test_expanded_row_with_panels_inside_it():
    row = {
        "id": 1,
        "type": "row",
        "title": "Orders",
        "collapsed": False,
        "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1},
        "panels": [panel(2, "Fills"), panel(3, "Rejects")],
    }
    assert lint({"d.json": dashboard(row)}) == [
        Finding(
            "d.json",
            "panel/expanded-row-children",
            E,
            "dashboard 'hub' (Hub), row 1 'Orders' is expanded (collapsed: False) "
            "yet holds 2 panel(s) in its panels list (panel 2 'Fills', panel 3 "
            "'Rejects'); Grafana shows an expanded row's panels only when they "
            "follow the row in the dashboard's panels list, so these are not shown; "
            "move them after the row or set collapsed: true",
            "/panels/0/panels",
        )
    ]


def test_rate_window_shorter_than_four_scrapes():
    model = dashboard(panel(1, "CPU", "rate(node_cpu_seconds_total[30s])"))
    assert lint({"d.json": model}, scrape_interval=15) == [
        Finding(
            "d.json",
            "promql/range-too-short",
            W,
            "dashboard 'hub' (Hub), panel 1 'CPU', query A: "
            "rate(node_cpu_seconds_total[30s]) spans less than 4 scrape intervals "
            "(4 x 15s = 1m); a missed or late scrape leaves fewer than two samples "
            "in the window and the result disappears, so graphs have gaps and "
            "alerts flap; use [$__rate_interval]",
            "/panels/0/targets/0/expr",
        )
    ]


def test_increase_over_dollar_interval():
    model = dashboard(panel(1, "Orders", "increase(mt5_orders_total[$__interval])"))
    assert lint({"d.json": model}) == [
        Finding(
            "d.json",
            "promql/rate-interval",
            W,
            "dashboard 'hub' (Hub), panel 1 'Orders', query A: "
            "increase(mt5_orders_total[$__interval]) uses $__interval, which shrinks "
            "to the step of the graph and can be shorter than two scrape intervals "
            "when zoomed in, so the result has gaps; use $__rate_interval",
            "/panels/0/targets/0/expr",
        )
    ]


CONTACT_POINTS_AS_MAPPING = """\
apiVersion: 1
contactPoints:
  hub-dingtalk:
    receivers:
      - uid: hub-dingtalk-1
        type: dingding
        settings: {url: https://example.invalid/robot}
policies:
  - orgId: 1
    receiver: hub-dingtalk
"""


def test_contact_points_written_as_a_mapping():
    name = "provisioning/alerting/alerts.yaml"
    assert lint({name: CONTACT_POINTS_AS_MAPPING}) == [
        Finding(
            name,
            "alerting/contact-points-mapping",
            E,
            "contactPoints is a mapping (keys: hub-dingtalk); Grafana expects a list "
            "of contact points ('- orgId: 1, name: ..., receivers: [...]'), cannot "
            "read the file and fails alerting provisioning",
            "/contactPoints",
            3,
        )
    ]


CONTACT_POINTS = """\
apiVersion: 1
contactPoints:
  - orgId: 1
    name: hub-dingtalk
    receivers:
      - uid: hub-dingtalk-1
        type: dingding
        settings:
          url: https://example.invalid/robot
          title: '{{ template "hub.title" . }}'
          message: '{{ template "hub.message" . }}'
templates:
  - orgId: 1
    name: hub
    template: |
      {{ define "hub.title" }}[{{ .Status }}] {{ .CommonLabels.alertname }}{{ end }}
      {{ define "hub.message" }}{{ range .Alerts }}{{ .Annotations.summary }}
      {{ end }}{{ end }}
"""


def test_contact_point_file_in_the_legacy_notifiers_folder():
    name = "provisioning/notifiers/hub.yaml"
    assert lint({name: CONTACT_POINTS}) == [
        Finding(
            name,
            "provisioning/notifiers",
            E,
            "provisioning/notifiers/hub.yaml is in a notifiers/ folder; Grafana 11 "
            "removed legacy alerting and ignores provisioning/notifiers/, so these "
            "channels never exist; declare them as contactPoints in an alerting/ "
            "file",
            "",
            1,
        )
    ]


def test_dingtalk_template_without_the_robot_keyword():
    name = "provisioning/alerting/contact-points.yaml"
    assert lint({name: CONTACT_POINTS}, dingtalk_keyword="MT5") == [
        Finding(
            name,
            "alerting/dingtalk-keyword",
            E,
            "contact point 'hub-dingtalk', receiver 'hub-dingtalk-1': neither title "
            "nor message (templates used: hub.message, hub.title) contains the "
            "robot's security keyword 'MT5'; DingTalk drops such messages while "
            "Grafana reports them as sent",
            "/contactPoints/0/receivers/0/settings/message",
            11,
        )
    ]


def test_dingtalk_keyword_inside_a_used_template_is_enough():
    text = CONTACT_POINTS.replace("[{{ .Status }}]", "MT5 [{{ .Status }}]")
    assert lint({"alerting/cp.yaml": text}, dingtalk_keyword="MT5") == []


def test_mixed_datasource_panel_has_no_finding():
    mixed = {"type": "datasource", "uid": "-- Mixed --"}
    model = dashboard(panel(1, "Up", datasource=mixed))
    assert lint({"d.json": json.dumps(model)}) == []


def test_panel_without_a_type_is_an_error_and_a_misspelt_type_a_warning():
    untyped = {"id": 2, "title": "x", "gridPos": {"x": 12, "y": 0, "w": 12, "h": 8}}
    misspelt = panel(1, "Equity", type="timesries")
    clock = panel(3, "Clock", type="grafana-clock-panel")
    name = "hub.json"
    found = lint({name: dashboard(misspelt, untyped, clock)})
    assert [f for f in found if f.rule == "panel/unknown-type"] == [
        Finding(
            name,
            "panel/unknown-type",
            W,
            "dashboard 'hub' (Hub), panel 1 'Equity': type 'timesries' is not a core "
            "panel plugin of Grafana 11 (did you mean 'timeseries'?); unless a plugin "
            "with this id is installed, Grafana shows 'Panel plugin not found' in its "
            "place",
            "/panels/0/type",
        ),
        Finding(
            name,
            "panel/unknown-type",
            E,
            "dashboard 'hub' (Hub), panel 2 'x' has no type; Grafana shows 'Panel "
            "plugin not found' in its place; set type to a panel plugin id such as "
            "'timeseries'",
            "/panels/1",
        ),
        Finding(
            name,
            "panel/unknown-type",
            W,
            "dashboard 'hub' (Hub), panel 3 'Clock': type 'grafana-clock-panel' is "
            "not a core panel plugin of Grafana 11; unless a plugin with this id is "
            "installed, Grafana shows 'Panel plugin not found' in its place",
            "/panels/2/type",
        ),
    ]


def test_core_panel_types_rows_and_migrated_angular_types_pass():
    panels = [
        panel(i, t, type=t)
        for i, t in enumerate(["timeseries", "nodeGraph", "graph", "row"], start=1)
    ]
    found = lint({"hub.json": dashboard(*panels)})
    assert [f for f in found if f.rule == "panel/unknown-type"] == []
