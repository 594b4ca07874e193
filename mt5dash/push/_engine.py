"""The push: resolve secrets, then each kind in dependency order."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from mt5dash.desired import DesiredState
from mt5dash.errors import ConfigError, PushError
from mt5dash.push import (
    contact_points,
    dashboards,
    datasources,
    folders,
    inventory,
    mute_timings,
    permissions,
    policy,
    rule_groups,
    teams,
    templates,
    users,
)
from mt5dash.push._client import ApiError, ClientConfig, Connection
from mt5dash.push._context import Aborted, Context, PushOptions, describe
from mt5dash.push._report import FAILED, NOT_APPLIED, PushReport

log = logging.getLogger("mt5dash.push")

Phase = tuple[str, Callable[[DesiredState], list[str]], Callable]
PHASES: list[Phase] = [
    (folders.KIND, folders.names, folders.sync),
    (datasources.KIND, datasources.names, datasources.sync),
    (dashboards.KIND, dashboards.names, dashboards.sync),
    (templates.KIND, templates.names, templates.sync),
    (contact_points.KIND, contact_points.names, contact_points.sync),
    (mute_timings.KIND, mute_timings.names, mute_timings.sync),
    (policy.KIND, policy.names, policy.sync),
    ("notification inventory", lambda s: [], inventory.sync),
    (rule_groups.KIND, rule_groups.names, rule_groups.sync),
    (teams.KIND, teams.names, teams.sync),
    (users.KIND, users.names, users.sync),
    (
        teams.MEMBERS,
        lambda s: [t["name"] for t in s.teams if "members" in t],
        teams.sync_members,
    ),
    (permissions.KIND, permissions.names, permissions.sync),
]


def push(
    state: DesiredState,
    client_config: ClientConfig,
    *,
    dry_run: bool = False,
    force: bool = False,
    prune: bool = False,
    editable: bool = False,
    workers: int = 8,
) -> PushReport:
    """Make the Grafana of ``client_config`` hold ``state``; say what changed.

    Each resource is read, normalised and compared first; only differing ones
    are written. ``dry_run`` writes nothing and reports ``to create`` /
    ``to update`` / ``to delete``. ``force`` overwrites dashboards and rule
    groups changed in Grafana since mt5dash pushed them (reported as
    ``drifted`` otherwise). ``prune`` deletes dashboards and rule groups
    mt5dash created that are no longer declared. ``editable`` leaves alerting
    resources editable in Grafana's UI. Raises ``ConfigError`` for a missing
    secret before any request, and ``PushError`` (with ``.report``) when a
    resource was not applied; re-running converges.
    """
    if workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {workers}")
    options = PushOptions(dry_run, force, prune, editable, workers)
    conn = Connection(client_config, pool_size=workers + 2)
    report = PushReport(url=client_config.url, dry_run=dry_run)
    ctx = Context(conn, options, report)
    state = resolve_state(ctx, state, client_config)
    log.info("%s %s", "comparing with" if dry_run else "pushing to", client_config.url)

    for kind, names, sync in PHASES:
        failure = ""
        if not ctx.aborted.is_set():
            failure = _run_phase(ctx, sync, state)
        if failure and not names(state):
            report.add_missing(kind, inventory.NAME, FAILED, failure)
        for name in names(state):
            if not report.has(kind, name):
                outcome = FAILED if failure else NOT_APPLIED
                report.add_missing(kind, name, outcome, failure or ctx.abort_reason)

    report.requests = conn.requests
    if not report.ok and not dry_run:
        error = PushError(report.failure_text())
        error.report = report  # type: ignore[attr-defined]
        raise error
    return report


def _run_phase(ctx: Context, sync: Callable, state: DesiredState) -> str:
    """Run one kind's handler; a failed listing fails the whole kind."""
    try:
        sync(ctx, state)
    except Aborted:
        pass
    except ApiError as error:
        if error.status == 401:
            raise ctx.unauthorized(error) from None
        if error.unreachable:
            ctx.abort(str(error))
        return ctx.redact(describe(error))
    return ""


def resolve_state(
    ctx: Context, state: DesiredState, config: ClientConfig
) -> DesiredState:
    """``state`` with secrets resolved and the target's datasource URLs."""
    problems: list[str] = []
    declared = {d["uid"] for d in state.datasources}
    for uid in sorted(set(config.datasource_urls) - declared):
        problems.append(
            f"target datasource_urls: datasource {uid!r} is not declared "
            f"(declared: {', '.join(sorted(declared)) or 'none'})"
        )
    sources = []
    for source in state.datasources:
        where = f"datasource {source['uid']!r}"
        resolved = ctx.resolve(source, where, problems)
        if source["uid"] in config.datasource_urls:
            resolved["url"] = config.datasource_urls[source["uid"]]
        sources.append(resolved)
    points = [
        ctx.resolve(p, f"contact point {p.get('uid', p.get('name'))!r}", problems)
        for p in state.contact_points
    ]
    people = [ctx.resolve(u, f"user {u.get('login')!r}", problems) for u in state.users]
    if problems:
        raise ConfigError(
            "cannot push, nothing was sent:\n" + "\n".join(f"  {p}" for p in problems)
        )
    return dataclasses.replace(
        state, datasources=sources, contact_points=points, users=people
    )
