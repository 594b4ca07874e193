"""Checks on the declarations as a whole, run before anything is written.

Each check adds problems to the context; every check runs, so the user sees
all problems at once. Checks that need the compiled layout (grid, panel ids,
panel links) run in the compilers instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from mt5dash import promql
from mt5dash.compile.alerting import routed_receivers, used_mute_timings
from mt5dash.compile.context import BUILTIN_DATASOURCE_UIDS, Context
from mt5dash.compile.dashboards import variable_values
from mt5dash.loader import Declarations
from mt5dash.model import (
    AlertRule,
    Declaration,
    DingTalk,
    Query,
    Reduce,
    Slack,
    ThresholdExpression,
    Webhook,
    duration_seconds,
)
from mt5dash.secrets import EnvSecret, FileSecret

UID_RE = re.compile(r"^[A-Za-z0-9_-]+$")
UID_MAX = 40
# Grafana's default contact point exists without being declared.
BUILTIN_RECEIVERS = frozenset({"grafana-default-email"})


def _uid_problem(uid: str) -> str | None:
    if not uid:
        return "uid is empty"
    if len(uid) > UID_MAX:
        return f"uid {uid!r} is {len(uid)} characters long; at most {UID_MAX} allowed"
    if not UID_RE.match(uid):
        return f"uid {uid!r} has characters outside A-Z, a-z, 0-9, '-' and '_'"
    return None


def _uids(d: Declarations) -> Iterator[tuple[Declaration, str, str, str]]:
    """``(object, kind label, field, uid)`` for every uid declared."""
    for ds in d.datasources:
        yield ds, f"datasource {ds.name!r}", "uid", ds.uid
    for folder in d.folders:
        yield folder, f"folder {folder.title!r}", "uid", folder.uid
    for dash in d.dashboards:
        yield dash, f"dashboard {dash.title!r}", "uid", dash.uid
    for group in d.rule_groups:
        for rule in group.rules:
            yield rule, f"alert rule {rule.title!r}", "uid", rule.uid
    for point in d.contact_points:
        for i, integration in enumerate(point.integrations):
            kind = f"contact point {point.name!r}"
            yield integration, kind, f"integrations[{i}].uid", integration.uid


def check_uids(ctx: Context) -> None:
    """Every uid is valid, and unique among objects of its kind."""
    seen: dict[tuple[str, str], tuple[Declaration, str]] = {}
    for obj, kind, field_path, uid in _uids(ctx.declared):
        problem = _uid_problem(uid)
        if problem:
            ctx.report(obj, kind, field_path, problem)
        family = kind.split(" '")[0].split(' "')[0]
        key = (family, uid)
        if key in seen:
            first, first_kind = seen[key]
            file, line = ctx.declared.where(first)
            ctx.report(
                obj,
                kind,
                field_path,
                f"{family} uid {uid!r} is also declared by {first_kind} at "
                f"{file}:{line}",
            )
        else:
            seen[key] = (obj, kind)


def _duplicates(
    ctx: Context,
    objects: list[Any],
    key: Callable[[Any], Any],
    kind: Callable[[Any], str],
    field_path: str,
    what: Callable[[Any], str],
) -> None:
    seen: dict[Any, Any] = {}
    for obj in objects:
        k = key(obj)
        if k in seen:
            file, line = ctx.declared.where(seen[k])
            ctx.report(
                obj,
                kind(obj),
                field_path,
                f"{what(obj)} is also declared at {file}:{line}",
            )
        else:
            seen[k] = obj


def check_folder_dashboard_uids(ctx: Context) -> None:
    """No dashboard shares its uid with a folder.

    Grafana stores folders as dashboards, so both kinds share one set of uids.
    """
    folders = {f.uid: f for f in ctx.declared.folders}
    for dash in ctx.declared.dashboards:
        folder = folders.get(dash.uid)
        if folder is not None:
            file, line = ctx.declared.where(folder)
            ctx.report(
                dash,
                f"dashboard {dash.title!r}",
                "uid",
                f"uid {dash.uid!r} is also the uid of folder {folder.title!r} at "
                f"{file}:{line}; Grafana keeps folder and dashboard uids in one set",
            )


def check_names(ctx: Context) -> None:
    """Names Grafana keys objects by are unique."""
    d = ctx.declared
    _duplicates(
        ctx,
        d.dashboards,
        lambda x: (x.folder, x.title),
        lambda x: f"dashboard {x.uid!r}",
        "title",
        lambda x: f"title {x.title!r} in folder {x.folder or 'General'!r}",
    )
    _duplicates(
        ctx,
        d.datasources,
        lambda x: x.name,
        lambda x: f"datasource {x.uid!r}",
        "name",
        lambda x: f"datasource name {x.name!r}",
    )
    _duplicates(
        ctx,
        d.contact_points,
        lambda x: x.name,
        lambda x: f"contact point {x.name!r}",
        "name",
        lambda x: f"contact point {x.name!r}",
    )
    _duplicates(
        ctx,
        d.templates,
        lambda x: x.name,
        lambda x: f"template {x.name!r}",
        "name",
        lambda x: f"template {x.name!r}",
    )
    _duplicates(
        ctx,
        d.mute_timings,
        lambda x: x.name,
        lambda x: f"mute timing {x.name!r}",
        "name",
        lambda x: f"mute timing {x.name!r}",
    )
    _duplicates(
        ctx,
        d.teams,
        lambda x: x.name,
        lambda x: f"team {x.name!r}",
        "name",
        lambda x: f"team {x.name!r}",
    )
    _duplicates(
        ctx,
        d.users,
        lambda x: x.login,
        lambda x: f"user {x.login!r}",
        "login",
        lambda x: f"user {x.login!r}",
    )
    _duplicates(
        ctx,
        d.rule_groups,
        lambda x: (x.folder, x.name),
        lambda x: f"rule group {x.name!r}",
        "name",
        lambda x: f"rule group {x.name!r} in folder {x.folder!r}",
    )
    for policy in d.policies[1:]:
        ctx.report(
            policy,
            "notification policy",
            "",
            "only one notification policy tree may be declared",
        )


def check_datasources(ctx: Context) -> None:
    """At most one default datasource, and one when anything relies on it."""
    defaults = [ds for ds in ctx.declared.datasources if ds.is_default]
    for ds in defaults[1:]:
        ctx.report(
            ds,
            f"datasource {ds.uid!r}",
            "is_default",
            f"datasource {defaults[0].uid!r} is already the default; "
            "Grafana allows one default per organisation",
        )


def check_folders(ctx: Context) -> None:
    """Dashboards, rule groups and permissions name declared folders,
    teams and users."""
    d = ctx.declared
    folders = {f.uid for f in d.folders}
    teams = {t.name for t in d.teams}
    users = {u.login for u in d.users}
    allowed = ", ".join(sorted(folders)) or "none declared"
    for dash in d.dashboards:
        if dash.folder is not None and dash.folder not in folders:
            ctx.report(
                dash,
                f"dashboard {dash.uid!r}",
                "folder",
                f"folder uid {dash.folder!r} is not declared; declared: {allowed}",
            )
    for group in d.rule_groups:
        if group.folder not in folders:
            ctx.report(
                group,
                f"rule group {group.name!r}",
                "folder",
                f"folder uid {group.folder!r} is not declared; declared: {allowed}",
            )
    for folder in d.folders:
        for i, p in enumerate(folder.permissions):
            if p.team is not None and p.team not in teams:
                ctx.report(
                    folder,
                    f"folder {folder.uid!r}",
                    f"permissions[{i}].team",
                    f"team {p.team!r} is not declared",
                )
            if p.user is not None and p.user not in users:
                ctx.report(
                    folder,
                    f"folder {folder.uid!r}",
                    f"permissions[{i}].user",
                    f"user {p.user!r} is not declared",
                )
    for team in d.teams:
        for member in team.members:
            if member not in users:
                ctx.report(
                    team,
                    f"team {team.name!r}",
                    "members",
                    f"user {member!r} is not declared",
                )


def check_intervals(ctx: Context) -> None:
    """Rule group intervals are positive multiples of 10 s, the scheduler's tick."""
    for group in ctx.declared.rule_groups:
        kind = f"rule group {group.name!r}"
        try:
            seconds = duration_seconds(group.interval)
        except ValueError as exc:
            ctx.report(group, kind, "interval", str(exc))
            continue
        if seconds <= 0 or seconds % 10:
            ctx.report(
                group,
                kind,
                "interval",
                f"interval {group.interval!r} is not a multiple of 10s; Grafana "
                "evaluates rules every 10s, so use e.g. 10s, 1m or 5m",
            )


def check_rules(ctx: Context) -> None:
    """Each rule's condition and expressions name refIds that exist."""
    for rule in ctx.declared.stray_rules:
        ctx.report(
            rule,
            f"alert rule {rule.uid!r}",
            "",
            "the rule is in no rule group, so it would never be evaluated",
        )
    for group in ctx.declared.rule_groups:
        for rule in group.rules:
            _check_rule(ctx, rule)


def _check_rule(ctx: Context, rule: AlertRule) -> None:
    kind = f"alert rule {rule.uid!r}"
    if rule.panel is not None and not rule.dashboard:
        ctx.report(
            rule,
            kind,
            "panel",
            "panel is set but dashboard is not; set dashboard to the uid of the "
            "dashboard that holds the panel",
        )
    steps, condition = rule.expanded_data()
    refs = [s.ref_id for s in steps]
    known = " ".join(refs)
    if not condition:
        ctx.report(
            rule, kind, "condition", f"no condition set; must be one of [{known}]"
        )
    elif condition not in refs:
        ctx.report(
            rule,
            kind,
            "condition",
            f"condition {condition!r} does not exist, must be one of [{known}]",
        )
    for i, step in enumerate(steps):
        if (
            isinstance(step, Reduce | ThresholdExpression)
            and step.expression not in refs
        ):
            ctx.report(
                rule,
                kind,
                f"data[{i}].expression",
                f"refId {step.expression!r} does not exist, must be one of [{known}]",
            )
        if isinstance(step, Query):
            ds = step.datasource
            if ds and ds not in ctx.datasources and ds not in BUILTIN_DATASOURCE_UIDS:
                ctx.report(
                    rule,
                    kind,
                    f"data[{i}].datasource",
                    f"datasource uid {ds!r} is not declared",
                )
            try:
                if duration_seconds(step.lookback) <= 0:
                    raise ValueError(
                        f"lookback {step.lookback!r} must be longer than 0s"
                    )
            except ValueError as exc:
                ctx.report(rule, kind, f"data[{i}].lookback", str(exc))
            error = promql.syntax_error(step.expr)
            if error:
                ctx.report(
                    rule,
                    kind,
                    f"data[{i}].expr" if not rule.is_compact else "expr",
                    f"PromQL does not parse: {error} (in {step.expr!r})",
                )
    if len(set(refs)) != len(refs):
        ctx.report(rule, kind, "data", f"refIds must be unique, got [{known}]")


def check_notifications(ctx: Context) -> None:
    """Policies and rules route to declared contact points and mute timings."""
    d = ctx.declared
    receivers = {p.name for p in d.contact_points} | BUILTIN_RECEIVERS
    timings = {m.name for m in d.mute_timings}
    allowed = ", ".join(sorted(receivers))
    for policy in d.policies:
        for path, receiver in routed_receivers(policy):
            if receiver not in receivers:
                ctx.report(
                    policy,
                    "notification policy",
                    path,
                    f"contact point {receiver!r} is not declared; declared: {allowed}",
                )
        for path, name in used_mute_timings(policy):
            if name not in timings:
                ctx.report(
                    policy,
                    "notification policy",
                    path,
                    f"mute timing {name!r} is not declared",
                )
    for group in d.rule_groups:
        for rule in group.rules:
            if rule.receiver and rule.receiver not in receivers:
                ctx.report(
                    rule,
                    f"alert rule {rule.uid!r}",
                    "receiver",
                    f"contact point {rule.receiver!r} is not declared; "
                    f"declared: {allowed}",
                )


def _secret_fields(d: Declarations) -> Iterator[tuple[Declaration, str, str, Any]]:
    for ds in d.datasources:
        for key, value in ds.secure_json_data.items():
            yield ds, f"datasource {ds.uid!r}", f"secure_json_data.{key}", value
    for point in d.contact_points:
        for i, integration in enumerate(point.integrations):
            names: tuple[str, ...] = ()
            if isinstance(integration, DingTalk):
                names = ("url",)
            elif isinstance(integration, Slack):
                names = ("url", "token")
            elif isinstance(integration, Webhook):
                names = ("password", "authorization_credentials")
            for name in names:
                value = getattr(integration, name)
                kind = f"contact point {point.name!r}"
                yield point, kind, f"integrations[{i}].{name}", value
    for user in d.users:
        yield user, f"user {user.login!r}", "password", user.password


# Query parameters that carry a credential in webhook URLs.
CREDENTIAL_PARAMS = frozenset(
    {"access_token", "token", "key", "api_key", "apikey", "secret", "sig",
     "signature", "password", "auth"}
)  # fmt: skip


def _url_credential(url: str) -> str | None:
    """What makes ``url`` hold a credential, if anything."""
    parts = urlsplit(url)
    if parts.password:
        return "a password in the address"
    for name, _ in parse_qsl(parts.query, keep_blank_values=True):
        if name.lower() in CREDENTIAL_PARAMS:
            return f"the query parameter {name!r}"
    return None


def check_secrets(ctx: Context) -> None:
    """Secrets are references to the environment or a file, never literals."""
    for point in ctx.declared.contact_points:
        for i, integration in enumerate(point.integrations):
            url = integration.url if isinstance(integration, Webhook) else None
            held = _url_credential(url) if isinstance(url, str) else None
            if held:
                ctx.report(
                    point,
                    f"contact point {point.name!r}",
                    f"integrations[{i}].url",
                    f"the url holds a credential ({held}; value not shown); use "
                    "mt5dash.env('VARIABLE') or mt5dash.from_file('/path') for "
                    "the whole url",
                )
    for obj, kind, field_path, value in _secret_fields(ctx.declared):
        if value is None or isinstance(value, EnvSecret | FileSecret):
            continue
        ctx.report(
            obj,
            kind,
            field_path,
            "a secret is written as a literal (value not shown); use "
            "mt5dash.env('VARIABLE') or mt5dash.from_file('/path') instead",
        )


def check_dashboard_queries(ctx: Context) -> None:
    """Variable queries use only variables declared before them, and parse.

    Panel queries are checked by the dashboard compiler, which knows each
    target's datasource.
    """
    for dash in ctx.declared.dashboards:
        kind = f"dashboard {dash.uid!r}"
        declared: list[str] = []
        for v in dash.variables:
            query = getattr(v, "query", "")
            for name in promql.referenced_variables(query):
                if name not in declared:
                    later = any(x.name == name for x in dash.variables)
                    why = "is declared after it" if later else "is not declared"
                    ctx.report(
                        dash,
                        kind,
                        f"variables.{v.name}.query",
                        f"uses ${name}, which {why}",
                    )
            part = promql.split_variable_query(query).promql if query else ""
            if part:
                error = promql.syntax_error(part, variable_values(dash))
                if error:
                    ctx.report(
                        dash,
                        kind,
                        f"variables.{v.name}.query",
                        f"PromQL does not parse: {error} (in {part!r})",
                    )
            if v.name in declared:
                ctx.report(
                    dash,
                    kind,
                    f"variables.{v.name}",
                    f"variable {v.name!r} is declared twice",
                )
            declared.append(v.name)


CHECKS: tuple[Callable[[Context], None], ...] = (
    check_uids,
    check_folder_dashboard_uids,
    check_names,
    check_datasources,
    check_folders,
    check_intervals,
    check_rules,
    check_notifications,
    check_secrets,
    check_dashboard_queries,
)


def validate(ctx: Context) -> None:
    """Run every check; problems are added to ``ctx``."""
    for check in CHECKS:
        check(ctx)
