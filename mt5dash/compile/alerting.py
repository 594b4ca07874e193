"""Alert rules, contact points, templates, policies and mute timings to the
shapes of Grafana's alerting provisioning API."""

from __future__ import annotations

from typing import Any

from mt5dash.compile.context import Context
from mt5dash.durations import format_duration
from mt5dash.model import (
    AlertRule,
    ContactPoint,
    DingTalk,
    Math,
    MuteTiming,
    NotificationPolicy,
    Query,
    Reduce,
    Route,
    RuleGroup,
    Slack,
    ThresholdExpression,
    Webhook,
    duration_seconds,
)
from mt5dash.model.notifications import parse_matcher

EXPRESSION_DATASOURCE = {"type": "__expr__", "uid": "__expr__"}


def canonical(duration: str) -> str:
    """A duration as Grafana writes it back: ``90m`` is ``1h30m``, ``60s`` is ``1m``."""
    return format_duration(duration_seconds(duration))


# Settings that Grafana stores encrypted and returns as "[REDACTED]".
SECRET_SETTINGS: dict[str, tuple[str, ...]] = {
    "dingding": ("url",),
    "slack": ("url", "token"),
    "webhook": ("password", "authorization_credentials"),
}


def _query(ctx: Context, rule: AlertRule, q: Query) -> dict[str, Any]:
    ds = ctx.datasources.get(q.datasource or "") or ctx.default_datasource
    ref = ds.ref if ds else {"type": "prometheus", "uid": q.datasource or ""}
    model = {
        "datasource": ref,
        "editorMode": "code",
        "expr": q.expr,
        "instant": q.instant,
        "intervalMs": 1000,
        "maxDataPoints": 43200,
        "range": not q.instant,
        "refId": q.ref_id,
    }
    if q.legend:
        model["legendFormat"] = q.legend
    return {
        "datasourceUid": ref["uid"],
        "model": model,
        "queryType": "",
        "refId": q.ref_id,
        "relativeTimeRange": {"from": int(duration_seconds(q.lookback)), "to": 0},
    }


def _expression(step: Reduce | ThresholdExpression | Math) -> dict[str, Any]:
    model: dict[str, Any] = {
        "datasource": EXPRESSION_DATASOURCE,
        "expression": step.expression,
        "refId": step.ref_id,
        "type": step.kind,
    }
    if isinstance(step, Reduce):
        mode = "" if step.mode == "strict" else step.mode
        model |= {"reducer": step.reducer, "settings": {"mode": mode}}
    elif isinstance(step, ThresholdExpression):
        model["conditions"] = [{"evaluator": step.threshold.evaluator}]
    return {
        "datasourceUid": "__expr__",
        "model": model,
        "queryType": "",
        "refId": step.ref_id,
        "relativeTimeRange": {"from": 0, "to": 0},
    }


def compile_rule(
    ctx: Context, group: RuleGroup, rule: AlertRule, panel_ids: dict[str, Any]
) -> dict[str, Any]:
    """``rule`` as a ``ProvisionedAlertRule``; ``panel_ids`` maps each
    dashboard uid to ``{panel title: id}``."""
    steps, condition = rule.expanded_data()
    data = [
        _query(ctx, rule, s) if isinstance(s, Query) else _expression(s) for s in steps
    ]
    annotations = dict(rule.annotations)
    for key in ("summary", "description", "runbook_url"):
        if getattr(rule, key):
            annotations[key] = getattr(rule, key)
    if rule.dashboard:
        panel_id = _panel_id(ctx, rule, panel_ids)
        if panel_id is not None:
            annotations["__dashboardUid__"] = rule.dashboard
            annotations["__panelId__"] = str(panel_id)
    settings = {"receiver": rule.receiver} if rule.receiver else None
    return {
        "annotations": annotations,
        "condition": condition,
        "data": data,
        "execErrState": rule.exec_err_state,
        "folderUID": group.folder,
        "for": canonical(rule.for_),
        "isPaused": rule.is_paused,
        "keep_firing_for": canonical(rule.keep_firing_for),
        "labels": dict(rule.labels),
        "noDataState": rule.no_data_state,
        "notification_settings": settings,
        "orgID": ctx.declared.settings.org_id,
        "ruleGroup": group.name,
        "title": rule.title,
        "uid": rule.uid,
    }


def _panel_id(ctx: Context, rule: AlertRule, panel_ids: dict[str, Any]) -> int | None:
    kind = f"alert rule {rule.uid!r}"
    panels = panel_ids.get(rule.dashboard or "")
    if panels is None:
        ctx.report(
            rule, kind, "dashboard", f"dashboard uid {rule.dashboard!r} is not declared"
        )
        return None
    if rule.panel is None:
        ctx.report(rule, kind, "panel", "a rule linked to a dashboard needs its panel")
        return None
    if isinstance(rule.panel, int):
        if rule.panel in panels.values():
            return rule.panel
    elif rule.panel in panels:
        return panels[rule.panel]
    known = ", ".join(repr(t) for t in sorted(panels)) or "none"
    ctx.report(
        rule,
        kind,
        "panel",
        f"dashboard {rule.dashboard!r} has no panel {rule.panel!r}; "
        f"its panels: {known}",
    )
    return None


def _integration_settings(integration: DingTalk | Slack | Webhook) -> dict[str, Any]:
    if isinstance(integration, DingTalk):
        settings = {
            "msgType": integration.msg_type,
            "url": integration.url,
            "title": integration.title,
            "message": integration.message,
        }
    elif isinstance(integration, Slack):
        settings = {
            "url": integration.url,
            "token": integration.token,
            "recipient": integration.recipient,
            "username": integration.username,
            "icon_emoji": integration.icon_emoji,
            "icon_url": integration.icon_url,
            "mentionChannel": integration.mention_channel,
            "mentionUsers": ",".join(integration.mention_users),
            "mentionGroups": ",".join(integration.mention_groups),
            "title": integration.title,
            "text": integration.text,
        }
    else:
        settings = {
            "url": integration.url,
            "httpMethod": integration.http_method,
            "username": integration.username,
            "password": integration.password,
            "authorization_scheme": integration.authorization_scheme,
            "authorization_credentials": integration.authorization_credentials,
            "maxAlerts": integration.max_alerts or None,
            "title": integration.title,
            "message": integration.message,
        }
    return {k: v for k, v in settings.items() if v not in (None, "")}


def compile_contact_point(point: ContactPoint) -> list[dict[str, Any]]:
    """The integrations of ``point`` as the provisioning API takes them."""
    return [
        {
            "disableResolveMessage": i.disable_resolve_message,
            "name": point.name,
            "settings": _integration_settings(i),
            "type": i.type,
            "uid": i.uid,
        }
        for i in point.integrations
    ]


def _route(route: Route | NotificationPolicy) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if route.receiver:
        out["receiver"] = route.receiver
    if route.group_by is not None:
        out["group_by"] = list(route.group_by)
    for key in ("group_wait", "group_interval", "repeat_interval"):
        if getattr(route, key):
            out[key] = canonical(getattr(route, key))
    if isinstance(route, Route):
        if route.matchers:
            out["object_matchers"] = [list(parse_matcher(m)) for m in route.matchers]
        if route.continue_:
            out["continue"] = True
        if route.mute_timings:
            out["mute_time_intervals"] = list(route.mute_timings)
    if route.routes:
        out["routes"] = [_route(r) for r in route.routes]
    return out


def compile_policy(policy: NotificationPolicy) -> dict[str, Any]:
    """The whole notification policy tree."""
    return _route(policy)


def compile_mute_timing(timing: MuteTiming) -> dict[str, Any]:
    intervals = []
    for interval in timing.time_intervals:
        out: dict[str, Any] = {}
        if interval.times:
            out["times"] = [
                {"end_time": t.end, "start_time": t.start} for t in interval.times
            ]
        for key in ("weekdays", "days_of_month", "months", "years"):
            if getattr(interval, key):
                out[key] = list(getattr(interval, key))
        if interval.location:
            out["location"] = interval.location
        intervals.append(out)
    return {"name": timing.name, "time_intervals": intervals}


def routed_receivers(policy: NotificationPolicy) -> list[tuple[str, str]]:
    """``(field path, receiver)`` for every receiver the tree routes to."""
    found = [("receiver", policy.receiver)]

    def visit(routes: list[Route], path: str) -> None:
        for i, route in enumerate(routes):
            here = f"{path}[{i}]"
            if route.receiver:
                found.append((f"{here}.receiver", route.receiver))
            visit(route.routes, f"{here}.routes")

    visit(policy.routes, "routes")
    return found


def used_mute_timings(policy: NotificationPolicy) -> list[tuple[str, str]]:
    """``(field path, name)`` for every mute timing the tree names."""
    found: list[tuple[str, str]] = []

    def visit(routes: list[Route], path: str) -> None:
        for i, route in enumerate(routes):
            here = f"{path}[{i}]"
            found.extend((f"{here}.mute_timings", m) for m in route.mute_timings)
            visit(route.routes, f"{here}.routes")

    visit(policy.routes, "routes")
    return found
