"""Rules about Grafana alerting provisioning: rules, groups, policies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mt5dash.durations import parse_duration
from mt5dash.lint.engine import Hit, LintContext, rule
from mt5dash.lint.findings import Severity
from mt5dash.lint.queries import alert_rules
from mt5dash.lint.readers import ALERTING, as_list, join

SCHEDULER_INTERVAL = 10  # seconds; [unified_alerting] base interval
_EXPRESSION_UIDS = {"__expr__", "-100"}


def _rule_name(group: dict[str, Any], rule_: dict[str, Any]) -> str:
    name = rule_.get("uid") or rule_.get("title")
    return f"alert rule '{name}' (group '{group.get('name')}')"


@rule("alerting/unknown-condition", Severity.ERROR, "condition names no query")
def unknown_condition(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(ALERTING):
        for group, rule_, at in alert_rules(doc):
            if rule_.get("record"):
                continue
            refs = [
                q.get("refId")
                for q in as_list(rule_.get("data"))
                if isinstance(q, dict)
            ]
            condition = rule_.get("condition")
            if condition in refs:
                continue
            what = f"condition {condition!r}" if condition else "no condition"
            yield Hit(
                doc,
                join(at, "condition") if condition else at,
                f"{_rule_name(group, rule_)} has {what}, but its queries have refIds "
                f"{refs}; Grafana rejects the rule and with it all of alerting "
                "provisioning",
            )


@rule("alerting/missing-relative-time", Severity.ERROR, "alert query without a range")
def missing_relative_time(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(ALERTING):
        for group, rule_, at in alert_rules(doc):
            for i, query in enumerate(as_list(rule_.get("data"))):
                if not isinstance(query, dict):
                    continue
                if query.get("datasourceUid") in _EXPRESSION_UIDS:
                    continue
                span = query.get("relativeTimeRange")
                start = span.get("from", 0) if isinstance(span, dict) else 0
                end = span.get("to", 0) if isinstance(span, dict) else 0
                if (
                    isinstance(start, int | float)
                    and isinstance(end, int | float)
                    and start > end
                ):
                    continue
                yield Hit(
                    doc,
                    join(at, "data", i)
                    if span is None
                    else join(at, "data", i, "relativeTimeRange"),
                    f"{_rule_name(group, rule_)}, query {query.get('refId')} has "
                    f"relativeTimeRange {span!r}; a datasource query needs "
                    "{from: <seconds ago>, to: 0} with from > to, else Grafana "
                    "aborts all of alerting provisioning (invalidRelativeTime)",
                )


@rule("alerting/group-interval", Severity.ERROR, "group interval not a multiple of 10s")
def group_interval(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(ALERTING):
        for g, group in enumerate(as_list(doc.data.get("groups"))):
            if not isinstance(group, dict):
                continue
            value = group.get("interval")
            seconds = parse_duration(value) if isinstance(value, str) else None
            if (
                seconds is not None
                and seconds > 0
                and seconds % SCHEDULER_INTERVAL == 0
            ):
                continue
            yield Hit(
                doc,
                join("", "groups", g, "interval")
                if value is not None
                else join("", "groups", g),
                f"rule group '{group.get('name')}' has interval {value!r}; Grafana "
                "needs a duration that is a positive multiple of "
                f"{SCHEDULER_INTERVAL}s (its scheduler tick) and refuses the group "
                "otherwise",
            )


def _routes(
    policy: dict[str, Any], pointer: str
) -> Iterator[tuple[dict[str, Any], str]]:
    yield policy, pointer
    for i, child in enumerate(as_list(policy.get("routes"))):
        if isinstance(child, dict):
            yield from _routes(child, join(pointer, "routes", i))


@rule(
    "alerting/unknown-contact-point",
    Severity.ERROR,
    "routing to a missing contact point",
)
def unknown_contact_point(ctx: LintContext) -> Iterator[Hit]:
    known = ctx.contact_points
    listed = ", ".join(sorted(known))
    for doc in ctx.of_kind(ALERTING):
        for p, policy in enumerate(as_list(doc.data.get("policies"))):
            if not isinstance(policy, dict):
                continue
            for route, at in _routes(policy, join("", "policies", p)):
                receiver = route.get("receiver")
                if receiver is not None and str(receiver) not in known:
                    yield Hit(
                        doc,
                        join(at, "receiver"),
                        f"notification policy routes to contact point {receiver!r}, "
                        f"which is not declared (declared: {listed}); Grafana refuses "
                        "the policy tree",
                    )
        for group, rule_, at in alert_rules(doc):
            settings = rule_.get("notification_settings")
            receiver = settings.get("receiver") if isinstance(settings, dict) else None
            if receiver is not None and str(receiver) not in known:
                yield Hit(
                    doc,
                    join(at, "notification_settings", "receiver"),
                    f"{_rule_name(group, rule_)} sends to contact point {receiver!r}, "
                    f"which is not declared (declared: {listed}); Grafana refuses "
                    "the rule",
                )


@rule("alerting/contact-points-mapping", Severity.ERROR, "contactPoints is not a list")
def contact_points_mapping(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(ALERTING):
        points = doc.data.get("contactPoints")
        if isinstance(points, dict):
            keys = ", ".join(str(k) for k in points)
            yield Hit(
                doc,
                "/contactPoints",
                f"contactPoints is a mapping (keys: {keys}); Grafana expects a list "
                "of contact points ('- orgId: 1, name: ..., receivers: [...]'), "
                "cannot read the file and fails alerting provisioning",
            )
