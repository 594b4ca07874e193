"""The declaration model: compact forms, and what it refuses on construction."""

from __future__ import annotations

import inspect

import pytest
from pydantic import ValidationError

from mt5dash import AlertRule, Permission, Route, Slack, Threshold, env
from mt5dash.settings import Settings


def test_when_is_split_into_expr_threshold_and_for():
    rule = AlertRule(
        uid="r", title="R", when="min by (symbol) (sharpe_ratio_last) below 0.5 for 10m"
    )

    assert rule.expr == "min by (symbol) (sharpe_ratio_last)"
    assert rule.threshold == Threshold(op="below", values=(0.5,))
    assert rule.for_ == "10m"


def test_when_with_a_range():
    rule = AlertRule(uid="r", title="R", when="x outside 1..3")

    assert rule.threshold == Threshold(op="outside", values=(1.0, 3.0))
    assert rule.for_ == "0s"


def test_the_compact_form_expands_to_query_reduce_threshold():
    rule = AlertRule(uid="r", title="R", expr="up", threshold="below 1", reducer="max")

    steps, condition = rule.expanded_data()

    assert [(s.kind, s.ref_id) for s in steps] == [
        ("query", "A"),
        ("reduce", "B"),
        ("threshold", "C"),
    ]
    assert steps[1].reducer == "max"
    assert condition == "C"


@pytest.mark.parametrize(
    ("op", "values", "promql"),
    [
        ("above", (90,), "(x) > 90"),
        ("below", (0.5,), "(x) < 0.5"),
        ("within", (1, 3), "(x) > 1 < 3"),
        ("outside", (1, 3), "(x) < 1 or (x) > 3"),
    ],
)
def test_threshold_as_promql(op, values, promql):
    assert Threshold(op=op, values=values).promql("x") == promql


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"when": "up is low"}, "is not of the form"),
        ({"expr": "up"}, "a rule with expr needs a threshold"),
        ({}, "give when, expr and threshold, or data and condition"),
        ({"when": "up below 1 for 5min"}, "is not a duration"),
        ({"expr": "up", "threshold": "under 3"}, "is not a threshold"),
    ],
    ids=["when", "no threshold", "nothing", "bad for", "bad threshold"],
)
def test_rule_refused(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        AlertRule(uid="r", title="R", **kwargs)


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        AlertRule(uid="r", title="R", when="up below 1", severity="critical")


def test_declarations_are_frozen():
    rule = AlertRule(uid="r", title="R", when="up below 1")

    with pytest.raises(ValidationError, match="frozen"):
        rule.title = "S"


def test_slack_needs_url_or_token_and_recipient():
    with pytest.raises(ValidationError, match="give url, or token and recipient"):
        Slack(uid="s", token=env("T"))


def test_a_permission_names_one_grantee():
    with pytest.raises(ValidationError, match="set exactly one of team, user or role"):
        Permission(team="a", role="Viewer", permission="View")


def test_a_route_matcher_must_be_a_matcher():
    with pytest.raises(ValidationError, match="is not a matcher"):
        Route(receiver="x", matchers=["severity"])


def test_a_declaration_knows_where_it_was_made():
    line = inspect.currentframe().f_lineno + 1
    rule = AlertRule(uid="r", title="R", when="up below 1")

    assert rule.site == (__file__, line)


def test_where_it_was_made_does_not_count_in_equality():
    assert Threshold.parse("below 1") == Threshold(op="below", values=(1,))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"prometheus": {"scrape_interval": "fifteen"}}, "is not a duration"),
        ({"prometheus": {"evaluation_interval": "0s"}}, "must be longer than 0s"),
        ({"prometheus": {"port": 99999}}, "less than or equal to 65535"),
        (
            {"grafana": {"tls_cert_file": "/x.pem"}},
            "set both tls_cert_file and tls_key_file, or neither",
        ),
    ],
    ids=["word", "zero", "port", "half of TLS"],
)
def test_settings_refused(table, message):
    with pytest.raises(ValidationError, match=message):
        Settings.model_validate(table)
