"""Declarations to one ``DesiredState``: what Grafana should hold."""

from __future__ import annotations

from typing import Any

from mt5dash.compile.alerting import (
    compile_contact_point,
    compile_mute_timing,
    compile_policy,
    compile_rule,
)
from mt5dash.compile.context import Context
from mt5dash.compile.dashboards import compile_dashboard
from mt5dash.desired import DesiredDashboard, DesiredRuleGroup, DesiredState
from mt5dash.model import Datasource, duration_seconds


def datasource_body(ds: Datasource) -> dict[str, Any]:
    """A datasource as ``POST /api/datasources`` takes it."""
    return {
        "access": ds.access,
        "basicAuth": ds.basic_auth,
        "basicAuthUser": ds.basic_auth_user,
        "database": ds.database,
        "isDefault": ds.is_default,
        "jsonData": dict(ds.json_data),
        "name": ds.name,
        "secureJsonData": dict(ds.secure_json_data),
        "type": ds.type,
        "uid": ds.uid,
        "url": ds.url,
        "user": ds.user,
    }


def _panel_titles(model: dict[str, Any]) -> dict[str, int]:
    panels = model["panels"] + [c for p in model["panels"] for c in p.get("panels", [])]
    return {p.get("title", ""): p["id"] for p in panels if p.get("type") != "row"}


def compile_state(ctx: Context) -> DesiredState:
    """Compile every declaration; problems go to ``ctx``."""
    d = ctx.declared
    state = DesiredState()
    state.folders = [{"title": f.title, "uid": f.uid} for f in d.folders]
    state.datasources = [datasource_body(ds) for ds in d.datasources]
    for dash in d.dashboards:
        model = compile_dashboard(ctx, dash)
        file, _ = d.where(dash)
        state.dashboards.append(DesiredDashboard(dash.folder, model, file))
    panel_ids = {dd.uid: _panel_titles(dd.model) for dd in state.dashboards}
    for group in d.rule_groups:
        rules = [compile_rule(ctx, group, rule, panel_ids) for rule in group.rules]
        try:
            interval = int(duration_seconds(group.interval))
        except ValueError:
            interval = 0  # already reported by validation
        file, _ = d.where(group)
        state.rule_groups.append(
            DesiredRuleGroup(group.folder, group.name, interval, rules, file)
        )
    state.contact_points = [
        i for p in d.contact_points for i in compile_contact_point(p)
    ]
    state.templates = [{"name": t.name, "template": t.template} for t in d.templates]
    state.mute_timings = [compile_mute_timing(m) for m in d.mute_timings]
    state.policy = compile_policy(d.policies[0]) if d.policies else None
    state.teams = [
        {"email": t.email, "members": list(t.members), "name": t.name} for t in d.teams
    ]
    state.users = [
        {
            "email": u.email,
            "login": u.login,
            "name": u.name or u.login,
            "password": u.password,
            "role": u.role,
        }
        for u in d.users
    ]
    state.folder_permissions = {
        f.uid: [
            {k: v for k, v in p.model_dump().items() if v is not None}
            for p in f.permissions
        ]
        for f in d.folders
        if f.permissions
    }
    return state
