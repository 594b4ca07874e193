"""Every validation rule of the build, each with the full message it gives.

Each case is a small project: a valid base module plus the module under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mt5dash.builder import build, build_state
from mt5dash.errors import DeclarationError

BASE = """
from mt5dash import Datasource, Folder, ContactPoint, Slack, env

prom = Datasource.prometheus(uid="prom", url="http://prometheus:9090")
hub = Folder(uid="hub", title="Hub")
slack = ContactPoint(
    name="ops-slack",
    integrations=[Slack(uid="ops-slack", url=env("SLACK_URL"))],
)
"""

RULE = """
from mt5dash import AlertRule, RuleGroup

group = RuleGroup(
    name="hub-rules",
    folder="hub",
    interval="1m",
    rules=[AlertRule(uid="low", title="Low", when="up below 1 for 5m")],
)
"""

CASES = [
    pytest.param(
        {
            "dashboards/a.py": """
            from mt5dash import Dashboard
            a = Dashboard(uid="dup", title="A", folder="hub")
            """,
            "dashboards/b.py": """
            from mt5dash import Dashboard
            b = Dashboard(uid="dup", title="B", folder="hub")
            """,
        },
        [
            "dashboards/b.py:2: dashboard 'B': uid: dashboard uid 'dup' is also "
            "declared by dashboard 'A' at dashboards/a.py:2"
        ],
        id="a dashboard uid declared in two modules",
    ),
    pytest.param(
        {
            "dashboards/a.py": f"""
            from mt5dash import Dashboard
            a = Dashboard(uid="{"x" * 41}", title="A", folder="hub")
            """
        },
        [
            f"dashboards/a.py:2: dashboard 'A': uid: uid '{'x' * 41}' is 41 "
            "characters long; at most 40 allowed"
        ],
        id="a dashboard uid of 41 characters",
    ),
    pytest.param(
        {
            "dashboards/a.py": """
            from mt5dash import Folder
            f = Folder(uid="ops team", title="Ops")
            """
        },
        [
            "dashboards/a.py:2: folder 'Ops': uid: uid 'ops team' has characters "
            "outside A-Z, a-z, 0-9, '-' and '_'"
        ],
        id="a folder uid with a space",
    ),
    pytest.param(
        {
            "dashboards/a.py": """
            from mt5dash import Dashboard
            a = Dashboard(uid="hub", title="Hub overview", folder="hub")
            """
        },
        [
            "dashboards/a.py:2: dashboard 'Hub overview': uid: uid 'hub' is also "
            "the uid of folder 'Hub' at dashboards/base.py:4; Grafana keeps folder "
            "and dashboard uids in one set"
        ],
        id="a dashboard with the uid of a folder",
    ),
    pytest.param(
        {
            "dashboards/a.py": """
            from mt5dash import Dashboard
            a = Dashboard(uid="a", title="Same", folder="hub")
            b = Dashboard(uid="b", title="Same", folder="hub")
            """
        },
        [
            "dashboards/a.py:3: dashboard 'b': title: title 'Same' in folder 'hub' "
            "is also declared at dashboards/a.py:2"
        ],
        id="two dashboards with one title in one folder",
    ),
    pytest.param(
        {
            "dashboards/a.py": """
            from mt5dash import Dashboard
            from mt5dash.panels import stat
            a = Dashboard(uid="a", title="A", folder="hub",
                panels=[stat("Sharpe", 'sharpe_ratio_last{symbol=~"$symbol"}')])
            """
        },
        [
            "dashboards/a.py:3: dashboard 'a': panels[0].targets[0].expr: panel "
            "'Sharpe' uses $symbol, but the dashboard declares no variable "
            "'symbol'; declared: none"
        ],
        id="a panel query using a variable the dashboard does not declare",
    ),
    pytest.param(
        {
            "dashboards/a.py": """
            from mt5dash import Dashboard, QueryVariable
            a = Dashboard(uid="a", title="A", folder="hub", variables=[
                QueryVariable(name="strategy",
                    query='label_values(x{symbol=~"$symbol"}, strategy)'),
                QueryVariable(name="symbol", query="label_values(x, symbol)"),
            ])
            """
        },
        [
            "dashboards/a.py:2: dashboard 'a': variables.strategy.query: uses "
            "$symbol, which is declared after it"
        ],
        id="a chained variable declared before the variable it uses",
    ),
    pytest.param(
        {
            "alerts/a.py": """
            from mt5dash import AlertRule, Query, Reduce, RuleGroup
            g = RuleGroup(name="g", folder="hub", rules=[
                AlertRule(uid="r", title="R", condition="C", data=[
                    Query(ref_id="A", expr="up"),
                    Reduce(ref_id="B", expression="A"),
                ]),
            ])
            """
        },
        [
            "alerts/a.py:3: alert rule 'r': condition: condition 'C' does not "
            "exist, must be one of [A B]"
        ],
        id="a condition naming a refId the data does not have",
    ),
    pytest.param(
        {
            "alerts/a.py": RULE.replace('interval="1m"', 'interval="45s"'),
        },
        [
            "alerts/a.py:3: rule group 'hub-rules': interval: interval '45s' is "
            "not a multiple of 10s; Grafana evaluates rules every 10s, so use "
            "e.g. 10s, 1m or 5m"
        ],
        id="a rule group interval of 45s",
    ),
    pytest.param(
        {
            "alerts/a.py": """
            from mt5dash import NotificationPolicy, Route
            p = NotificationPolicy(receiver="ops-slack", routes=[
                Route(receiver="ops-wechat", matchers=["severity = critical"]),
            ])
            """
        },
        [
            "alerts/a.py:2: notification policy: routes[0].receiver: contact "
            "point 'ops-wechat' is not declared; declared: grafana-default-email, "
            "ops-slack"
        ],
        id="a policy route to a contact point that is not declared",
    ),
    pytest.param(
        {
            "alerts/a.py": """
            from mt5dash import ContactPoint, DingTalk
            d = ContactPoint(name="ding", integrations=[DingTalk(uid="ding",
                url="https://oapi.dingtalk.com/robot/send?access_token=abc123")])
            """
        },
        [
            "alerts/a.py:2: contact point 'ding': integrations[0].url: a secret "
            "is written as a literal (value not shown); use "
            "mt5dash.env('VARIABLE') or mt5dash.from_file('/path') instead"
        ],
        id="a DingTalk webhook with its access token written literally",
    ),
    pytest.param(
        {
            "dashboards/z.py": """
            from mt5dash import Datasource
            other = Datasource.prometheus(uid="prom2", url="http://p2:9090",
                name="Prometheus 2")
            """
        },
        [
            "dashboards/z.py:2: datasource 'prom2': is_default: datasource 'prom' "
            "is already the default; Grafana allows one default per organisation"
        ],
        id="two default datasources",
    ),
    pytest.param(
        {
            "dashboards/a.py": """
            from mt5dash import Dashboard
            from mt5dash.panels import stat
            a = Dashboard(uid="a", title="A", folder="ops",
                panels=[stat("Up", "up")])
            """
        },
        [
            "dashboards/a.py:3: dashboard 'a': folder: folder uid 'ops' is not "
            "declared; declared: hub"
        ],
        id="a dashboard in a folder that is not declared",
    ),
    pytest.param(
        {
            "dashboards/a.py": """
            from mt5dash import Dashboard
            a = Dashboard(uid="a", title="A", folder="hub", datasource="loki",
                panels=[{"type": "stat", "title": "Up", "targets": [{"expr": "up"}]}])
            """
        },
        [
            "dashboards/a.py:2: dashboard 'a': datasource: datasource uid 'loki' "
            "is not declared",
        ],
        id="a dashboard datasource that is not declared",
    ),
    pytest.param(
        {
            "dashboards/a.py": """
            from mt5dash import Dashboard
            a = Dashboard(uid="a", title="A", folder="hub", panels=[
                {"type": "stat", "title": "One", "id": 7},
                {"type": "stat", "title": "Two", "id": 7},
            ])
            """
        },
        [
            "dashboards/a.py:2: dashboard 'a': panel 7 'Two': panel id 7 is also "
            "used by panel 7 'One'; panel ids must be unique in a dashboard"
        ],
        id="two panels with one id",
    ),
    pytest.param(
        {
            "dashboards/a.py": """
            from mt5dash import Dashboard
            a = Dashboard(uid="a", title="A", folder="hub", panels=[
                {"type": "stat", "title": "One",
                 "gridPos": {"x": 0, "y": 0, "w": 12, "h": 4}},
                {"type": "stat", "title": "Two",
                 "gridPos": {"x": 6, "y": 2, "w": 12, "h": 4}},
            ])
            """
        },
        [
            "dashboards/a.py:2: dashboard 'a': panel 35135 'Two': overlaps panel "
            "48955 'One' (gridPos x=6 y=2 w=12 h=4 and x=0 y=0 w=12 h=4)"
        ],
        id="two panels placed on top of each other",
    ),
    pytest.param(
        {
            "dashboards/a.py": """
            from mt5dash import Dashboard
            a = Dashboard(uid="a", title="A", folder="hub", panels=[
                {"type": "stat", "title": "Wide",
                 "gridPos": {"x": 20, "y": 0, "w": 8, "h": 4}},
            ])
            """
        },
        [
            "dashboards/a.py:2: dashboard 'a': panel 86044 'Wide': gridPos x+w is "
            "28; the grid is 24 columns wide"
        ],
        id="a panel reaching past the 24th column",
    ),
    pytest.param(
        {
            "dashboards/a.py": """
            from mt5dash import Dashboard, Row
            from mt5dash.panels import stat
            a = Dashboard(uid="a", title="A", folder="hub", panels=[
                Row(title="Per host", repeat="host", panels=[stat("Up", "up")]),
                {"type": "stat", "title": "Each", "repeat": "symbol"},
            ])
            """
        },
        [
            "dashboards/a.py:3: dashboard 'a': panels[0].repeat: repeats by "
            "variable 'host', which the dashboard does not declare; declared: none",
            "dashboards/a.py:3: dashboard 'a': panels[1].repeat: repeats by "
            "variable 'symbol', which the dashboard does not declare; declared: none",
        ],
        id="a row and a panel repeated by variables that are not declared",
    ),
    pytest.param(
        {
            "dashboards/a.py": """
            from mt5dash import Dashboard
            from mt5dash.panels import stat
            a = Dashboard(uid="a", title="A", folder="hub",
                panels=[stat("Flat", "up", size=(0, 0))])
            """
        },
        [
            "dashboards/a.py:3: dashboard 'a': panel 84587 'Flat': gridPos.h is 0; "
            "allowed 1 or more",
            "dashboards/a.py:3: dashboard 'a': panel 84587 'Flat': gridPos.w is 0; "
            "allowed 1 to 24",
        ],
        id="a panel sized zero",
    ),
    pytest.param(
        {
            "alerts/a.py": RULE.replace(
                'when="up below 1 for 5m"', 'when="up below 1", panel="Up"'
            ),
        },
        [
            "alerts/a.py:7: alert rule 'low': panel: panel is set but dashboard is "
            "not; set dashboard to the uid of the dashboard that holds the panel"
        ],
        id="an alert rule naming a panel but no dashboard",
    ),
    pytest.param(
        {
            "dashboards/a.py": """
            from mt5dash import Dashboard
            a = Dashboard(uid="a", title="A", folder="hub",
                panels=[{"title": "No type", "targets": [{"expr": "up"}]}])
            """
        },
        [
            "dashboards/a.py:2: dashboard 'a': panels[0].type: panel 'No type' has "
            "no type; Grafana shows 'Panel plugin not found' (use e.g. stat, "
            "timeseries, gauge, table or text)"
        ],
        id="a panel dict without a type",
    ),
    pytest.param(
        {
            "dashboards/a.py": """
            from mt5dash import Dashboard
            from mt5dash.panels import stat
            a = Dashboard(uid="a", title="A", folder="hub",
                panels=[stat("Bad", "sum(rate(up[5m])")])
            """
        },
        [
            "dashboards/a.py:3: dashboard 'a': panels[0].targets[0].expr: PromQL "
            "does not parse: unclosed left parenthesis (in 'sum(rate(up[5m])')"
        ],
        id="a panel query that is not PromQL",
    ),
    pytest.param(
        {
            "alerts/a.py": RULE.replace('"up below 1 for 5m"', '"rate(up) below 1"'),
        },
        [
            "alerts/a.py:7: alert rule 'low': expr: PromQL does not parse: expected "
            "type matrix in call to function 'rate', got vector (in 'rate(up)')"
        ],
        id="an alert query that is not valid PromQL",
    ),
    pytest.param(
        {
            "alerts/a.py": RULE.replace(
                'when="up below 1 for 5m"',
                'when="up below 1 for 5m", dashboard="kpi", panel="Up"',
            ),
        },
        [
            "alerts/a.py:7: alert rule 'low': dashboard: dashboard uid 'kpi' is "
            "not declared"
        ],
        id="an alert rule linked to a dashboard that is not declared",
    ),
    pytest.param(
        {
            "dashboards/kpi.py": """
            from mt5dash import Dashboard
            from mt5dash.panels import stat
            kpi = Dashboard(uid="kpi", title="KPI", folder="hub",
                panels=[stat("Up", "up")])
            """,
            "alerts/a.py": RULE.replace(
                'when="up below 1 for 5m"',
                'when="up below 1 for 5m", dashboard="kpi", panel="Down"',
            ),
        },
        [
            "alerts/a.py:7: alert rule 'low': panel: dashboard 'kpi' has no "
            "panel 'Down'; its panels: 'Up'"
        ],
        id="an alert rule linked to a panel its dashboard does not have",
    ),
    pytest.param(
        {
            "alerts/a.py": RULE.replace(
                'when="up below 1 for 5m"', 'when="up below 1", receiver="pager"'
            ),
        },
        [
            "alerts/a.py:7: alert rule 'low': receiver: contact point 'pager' is "
            "not declared; declared: grafana-default-email, ops-slack"
        ],
        id="an alert rule routed to a contact point that is not declared",
    ),
    pytest.param(
        {
            "alerts/a.py": """
            from mt5dash import NotificationPolicy, Route
            p = NotificationPolicy(receiver="ops-slack", routes=[
                Route(receiver="ops-slack", mute_timings=["nights"]),
            ])
            """
        },
        [
            "alerts/a.py:2: notification policy: routes[0].mute_timings: mute "
            "timing 'nights' is not declared"
        ],
        id="a route muted by a mute timing that is not declared",
    ),
    pytest.param(
        {
            "dashboards/a.py": """
            from mt5dash import Folder, Permission
            f = Folder(uid="ops", title="Ops",
                permissions=[Permission(team="sre", permission="Edit")])
            """
        },
        [
            "dashboards/a.py:2: folder 'ops': permissions[0].team: team 'sre' is "
            "not declared"
        ],
        id="a folder permission for a team that is not declared",
    ),
    pytest.param(
        {
            "alerts/a.py": """
            from mt5dash import ContactPoint, Webhook
            w = ContactPoint(name="wh", integrations=[Webhook(uid="wh",
                url="https://hooks.example.com/x?access_token=abc")])
            """
        },
        [
            "alerts/a.py:2: contact point 'wh': integrations[0].url: the url holds "
            "a credential (the query parameter 'access_token'; value not shown); "
            "use mt5dash.env('VARIABLE') or mt5dash.from_file('/path') for the "
            "whole url"
        ],
        id="a webhook url with a token in its query",
    ),
    pytest.param(
        {
            "alerts/a.py": """
            from mt5dash import AlertRule
            stray = AlertRule(uid="stray", title="Stray", when="up below 1")
            """
        },
        [
            "alerts/a.py:2: alert rule 'stray': the rule is in no rule group, so "
            "it would never be evaluated"
        ],
        id="an alert rule that belongs to no rule group",
    ),
]


@pytest.mark.parametrize(("files", "expected"), CASES)
def test_rejected_with_message(make_project, files, expected):
    root = make_project({"dashboards/base.py": BASE, **files})

    with pytest.raises(DeclarationError) as caught:
        build_state(root)

    assert [str(p) for p in caught.value.problems] == expected


def test_every_problem_is_reported_at_once(make_project):
    root = make_project(
        {
            "dashboards/base.py": BASE,
            "alerts/a.py": RULE.replace('interval="1m"', 'interval="45s"'),
            "dashboards/a.py": f"""
            from mt5dash import Dashboard
            a = Dashboard(uid="{"y" * 41}", title="A", folder="nowhere")
            """,
        }
    )

    with pytest.raises(DeclarationError) as caught:
        build_state(root)

    fields = [(p.file, p.field) for p in caught.value.problems]
    assert fields == [
        ("alerts/a.py", "interval"),
        ("dashboards/a.py", "uid"),
        ("dashboards/a.py", "folder"),
    ]


def test_the_base_project_is_valid(make_project):
    root = make_project({"dashboards/base.py": BASE, "alerts/a.py": RULE})

    state = build_state(root)

    assert [g.title for g in state.rule_groups] == ["hub-rules"]


def test_a_syntax_error_names_file_and_line_and_keeps_output(make_project):
    root = make_project({"dashboards/base.py": BASE, "alerts/a.py": RULE})
    build(root)
    before = _snapshot(root / "provisioning")
    (root / "dashboards" / "broken.py").write_text(
        "from mt5dash import Dashboard\nx = (\n"
    )

    with pytest.raises(DeclarationError) as caught:
        build(root)

    assert [str(p) for p in caught.value.problems] == [
        "dashboards/broken.py:2: module: syntax error: '(' was never closed"
    ]
    assert _snapshot(root / "provisioning") == before


def test_a_pydantic_error_names_file_line_and_field(make_project):
    root = make_project(
        {
            "dashboards/base.py": BASE,
            "alerts/a.py": """
            from mt5dash import ContactPoint, DingTalk, env
            d = ContactPoint(name="ding", integrations=[
                DingTalk(uid="ding", url=env("DING"), msg_type="markdown")])
            """,
        }
    )

    with pytest.raises(DeclarationError) as caught:
        build_state(root)

    assert [str(p) for p in caught.value.problems] == [
        "alerts/a.py:3: DingTalk: msg_type: Input should be 'link' or 'actionCard'"
    ]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_an_unknown_field_lists_the_allowed_ones(make_project):
    root = make_project(
        {
            "dashboards/base.py": BASE,
            "dashboards/a.py": """
            from mt5dash import Dashboard
            a = Dashboard(uid="a", title="A", refersh="1m")
            """,
        }
    )

    with pytest.raises(DeclarationError) as caught:
        build_state(root)

    (problem,) = caught.value.problems
    assert str(problem).startswith(
        "dashboards/a.py:2: Dashboard: refersh: unknown field; did you mean "
        "'refresh'? Dashboard takes: datasource, description, editable, folder, "
    )


def test_problems_read_in_file_and_line_order(make_project):
    root = make_project(
        {
            "dashboards/base.py": BASE,
            "dashboards/a.py": """
            from mt5dash import Dashboard
            a = Dashboard(uid="a", title="A", folder="nowhere")
            b = Dashboard(uid="b" * 41, title="B")
            c = Dashboard(uid="c", title="C", folder="elsewhere")
            """,
        }
    )

    with pytest.raises(DeclarationError) as caught:
        build_state(root)

    assert [p.line for p in caught.value.problems] == [2, 3, 4]


def test_an_unknown_field_of_a_nested_object_names_that_object(make_project):
    root = make_project(
        {
            "alerts/a.py": """
            from mt5dash import MuteTiming, TimeInterval
            m = MuteTiming(name="n", time_intervals=[
                TimeInterval(times=[{"start": "22:00", "end_time": "23:00"}])])
            """,
        }
    )

    with pytest.raises(DeclarationError) as caught:
        build_state(root)

    assert [str(p) for p in caught.value.problems] == [
        "alerts/a.py:3: TimeInterval: times.0.end: Field required",
        "alerts/a.py:3: TimeInterval: times.0.end_time: unknown field TimeRange "
        "takes: end, start",
    ]
