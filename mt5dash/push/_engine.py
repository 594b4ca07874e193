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
from mt5dash.push._compare import without
from mt5dash.push._context import (
    Aborted,
    Context,
    PushOptions,
    check_project,
    describe,
    secret_paths,
)
from mt5dash.push._report import FAILED, NOT_APPLIED, PushReport, ResourceResult

log = logging.getLogger("mt5dash.push")

INVENTORY = "notification inventory"
Phase = tuple[str, Callable[[DesiredState], list[str]], Callable]
PHASES: list[Phase] = [
    (folders.KIND, folders.names, folders.sync),
    (datasources.KIND, datasources.names, datasources.sync),
    (dashboards.KIND, dashboards.names, dashboards.sync),
    (templates.KIND, templates.names, templates.sync),
    (contact_points.KIND, contact_points.names, contact_points.sync),
    (mute_timings.KIND, mute_timings.names, mute_timings.sync),
    (policy.KIND, policy.names, policy.sync),
    (INVENTORY, lambda s: [], inventory.sync),
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
    allow_empty: bool = False,
    project: str = "",
) -> PushReport:
    """Make the Grafana of ``client_config`` hold ``state``; say what changed.

    Each resource is read, normalised and compared first; only differing ones
    are written. ``dry_run`` writes nothing and reports ``to create`` /
    ``to update`` / ``to delete``. ``force`` overwrites dashboards and rule
    groups changed in Grafana since mt5dash pushed them (reported as
    ``drifted`` otherwise). ``prune`` deletes dashboards and rule groups
    mt5dash created that are no longer declared; with a declared state that
    holds no dashboard, rule group or contact point it is refused unless
    ``allow_empty`` (a dry run only warns). ``editable`` leaves alerting
    resources editable in Grafana's UI. A secret whose digest in the
    inventory does not match the declared value is sent again (with
    ``force``, every secret is). ``project`` names what this project owns
    (dashboard tag ``mt5dash:<project>``, inventory
    ``mt5dash-inventory-<project>``, rule stamps ``<project>/<hash>``), so
    projects sharing a Grafana never prune each other's resources; empty, the
    unnamed markers of earlier versions are used. Raises ``ConfigError`` for
    bad options or a missing secret before any request, and ``PushError``
    (with ``.report``) when a resource was not applied or Grafana is
    unreachable (a dry run too); re-running converges. Ctrl-C raises
    ``PushInterrupted``, a ``PushError`` with exit code 130.
    """
    if workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {workers}")
    if prune and is_empty(state) and not allow_empty:
        if not dry_run:
            raise ConfigError(REFUSED_EMPTY_PRUNE)
        log.warning("%s", EMPTY_PRUNE_WARNING)
    options = PushOptions(
        dry_run, force, prune, editable, workers, check_project(project)
    )
    conn = Connection(client_config, pool_size=workers + 2)
    report = PushReport(url=client_config.url, dry_run=dry_run)
    ctx = Context(conn, options, report)
    state = resolve_state(ctx, state, client_config)
    log.info("%s %s", "comparing with" if dry_run else "pushing to", client_config.url)

    done: set[str] = set()
    try:
        for kind, names, sync in PHASES:
            _phase(ctx, state, kind, names, sync)
            done.add(kind)
    except KeyboardInterrupt:
        ctx.interrupt()
        _after_interrupt(ctx, state, done)
        report.requests = conn.requests
        message = "interrupted by Ctrl-C; " + report.failure_text()
        raise _failed(report, message, PushInterrupted) from None

    report.requests = conn.requests
    if ctx.unreachable and not report.applied:
        raise _failed(
            report, f"Grafana at {client_config.url} is unreachable: {ctx.unreachable}"
        )
    if not report.ok and not dry_run:
        raise _failed(report, report.failure_text())
    return report


REFUSED_EMPTY_PRUNE = (
    "refusing --prune: the declarations hold no dashboard, rule group or contact "
    "point, so it would delete everything mt5dash owns in Grafana (check "
    "--project); pass --allow-empty if that is what you want"
)
EMPTY_PRUNE_WARNING = (
    "warning: the declarations hold no dashboard, rule group or contact point, so "
    "--prune would delete everything mt5dash owns in Grafana (check --project)"
)


def is_empty(state: DesiredState) -> bool:
    """Whether ``state`` declares nothing that prune would keep."""
    return not (state.dashboards or state.rule_groups or state.contact_points)


def summarise(results: list[ResourceResult]) -> str:
    """``2 created, 1 unchanged``: outcomes counted in the order first seen."""
    counts: dict[str, int] = {}
    for result in results:
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
    return ", ".join(f"{n} {outcome}" for outcome, n in counts.items())


class PushInterrupted(PushError):
    """The push was stopped by Ctrl-C; ``.report`` says what was applied."""

    exit_code = 130


def _failed(
    report: PushReport, message: str, kind: type[PushError] = PushError
) -> PushError:
    error = kind(message)
    error.report = report  # type: ignore[attr-defined]
    return error


def _phase(
    ctx: Context, state: DesiredState, kind: str, names: Callable, sync: Callable
) -> None:
    """Run one kind's handler; report what it did not reach, and why."""
    report = ctx.report
    first = len(report.results)
    failure = ""
    ran = not ctx.aborted.is_set()
    if ran:
        failure = _run_phase(ctx, sync, state)
    if failure and not names(state):
        report.add_missing(kind, ctx.options.inventory, FAILED, failure)
    _add_missing(ctx, state, kind, names, FAILED if failure else NOT_APPLIED, failure)
    if ran and not ctx.aborted.is_set() and report.results[first:]:
        log.info("%s: %s", kind, summarise(report.results[first:]))


def _add_missing(
    ctx: Context,
    state: DesiredState,
    kind: str,
    names: Callable,
    outcome: str,
    message: str = "",
) -> None:
    for name in names(state):
        if not ctx.report.has(kind, name):
            ctx.report.add_missing(kind, name, outcome, message or ctx.abort_reason)


def _after_interrupt(ctx: Context, state: DesiredState, done: set[str]) -> None:
    """Report every declared resource not reached as interrupted; record in
    the inventory the notification resources already created, so a later
    ``--prune`` still knows them as mt5dash's."""
    for kind, names, _ in PHASES:
        if kind not in done:
            _add_missing(ctx, state, kind, names, NOT_APPLIED)
    notification_kinds = (templates.KIND, contact_points.KIND, mute_timings.KIND)
    created = [r for r in ctx.report.applied if r.kind in notification_kinds]
    if INVENTORY in done or not created or ctx.options.dry_run:
        return
    ctx.resume(dataclasses.replace(ctx.options, prune=False))
    try:
        inventory.sync(ctx, state)
    except ApiError as error:
        log.warning("could not record the inventory after the interrupt: %s", error)


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
            ctx.abort(error)
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
        key = f"{datasources.KIND}:{source['uid']}"
        ctx.secret_paths[key] = secret_paths(without(source, "secureJsonData"))
        found: dict[str, str] = {}
        resolved = ctx.resolve(source, where, problems, found=found)
        if source["uid"] in config.datasource_urls:
            resolved["url"] = config.datasource_urls[source["uid"]]
        # Grafana returns none of secureJsonData, declared as a reference or not.
        for key, value in (source.get("secureJsonData") or {}).items():
            if isinstance(value, str):
                found[f"secureJsonData.{key}"] = value
        ctx.secret_fields[f"{datasources.KIND}:{source['uid']}"] = found
        sources.append(resolved)
    points = []
    for point in state.contact_points:
        where = f"contact point {point.get('uid', point.get('name'))!r}"
        key = f"{contact_points.KIND}:{point.get('uid')}"
        ctx.secret_paths[key] = secret_paths(point)
        found = {}
        points.append(ctx.resolve(point, where, problems, found=found))
        ctx.secret_fields[f"{contact_points.KIND}:{point.get('uid')}"] = found
    people = [ctx.resolve(u, f"user {u.get('login')!r}", problems) for u in state.users]
    if problems:
        raise ConfigError(
            "cannot push, nothing was sent:\n" + "\n".join(f"  {p}" for p in problems)
        )
    return dataclasses.replace(
        state, datasources=sources, contact_points=points, users=people
    )
