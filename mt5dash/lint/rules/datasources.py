"""Rules about datasource references of panels, queries and variables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mt5dash.lint.dashboards import (
    BUILTIN_DATASOURCES,
    MIXED,
    DatasourceRef,
    DatasourceResolver,
    describe,
    describe_panel,
    iter_panels,
    targets,
    variables,
)
from mt5dash.lint.engine import Hit, LintContext, rule
from mt5dash.lint.findings import Severity
from mt5dash.lint.readers import DASHBOARD, Document, join


def _resolver(ctx: LintContext, doc: Document) -> DatasourceResolver:
    return DatasourceResolver(doc.data, ctx.datasources, ctx.default_datasource_type)


def _references(dash: dict[str, Any]) -> Iterator[tuple[str, Any, str]]:
    """Every datasource reference: (owner, value, pointer of the value)."""
    for ref in iter_panels(dash):
        owner = f"{describe(dash)}, {describe_panel(ref.panel)}"
        if "datasource" in ref.panel:
            yield owner, ref.panel["datasource"], join(ref.pointer, "datasource")
        for target, at in targets(ref.panel):
            if "datasource" in target:
                where = f"{owner}, query {target.get('refId') or at.rpartition('/')[2]}"
                yield where, target["datasource"], join(ref.pointer + at, "datasource")
    for var, at in variables(dash):
        if "datasource" in var:
            owner = f"{describe(dash)}, variable '{var.get('name')}'"
            yield owner, var["datasource"], join(at, "datasource")


@rule("datasource/by-name", Severity.WARNING, "datasource referenced by name")
def by_name(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(DASHBOARD):
        resolver = _resolver(ctx, doc)
        for owner, value, pointer in _references(doc.data):
            if not isinstance(value, str) or value in BUILTIN_DATASOURCES:
                continue
            if resolver.resolve(value).status == "name":
                yield Hit(
                    doc,
                    pointer,
                    f"{owner} names its datasource by the string {value!r}; Grafana "
                    "looks it up by name, which breaks when the datasource is renamed "
                    'or absent on another instance; use {"type": ..., "uid": ...}',
                )


def _unresolved(ctx: LintContext, ds: DatasourceRef) -> str:
    """Why a reference cannot be resolved, or "" when it can."""
    if ds.status == "undeclared-variable":
        return f"refers to datasource variable '${ds.value}', which is not declared"
    known = ctx.datasources
    if ds.status in ("uid", "name") and known and ds.value not in known:
        listed = ", ".join(
            sorted({str(d.get("uid") or d.get("name")) for d in known.values()})
        )
        what = "uid" if ds.status == "uid" else "name"
        return (
            f"refers to datasource {what} '{ds.value}', which no provisioned "
            f"datasource has (provisioned: {listed})"
        )
    return ""


@rule("panel/missing-datasource", Severity.ERROR, "panel query with no datasource")
def panel_missing_datasource(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(DASHBOARD):
        resolver = _resolver(ctx, doc)
        for ref in iter_panels(doc.data):
            panel = ref.panel
            if panel.get("type") == "row" or "libraryPanel" in panel:
                continue
            owner = f"{describe(doc.data)}, {describe_panel(panel)}"
            panel_ds = resolver.resolve(panel.get("datasource"))
            reported: set[str] = set()
            for target, at in targets(panel):
                ds, pointer, mixed = _effective(
                    resolver, panel_ds, ref.pointer, target, at
                )
                why = _unresolved(ctx, ds)
                if why and why not in reported:
                    reported.add(why)
                    yield Hit(doc, pointer, f"{owner} {why}; its queries fail")
                elif ds.status == "default" and "default" not in reported:
                    reported.add("default")
                    query = target.get("refId") or at.rpartition("/")[2]
                    where = (
                        f"is '-- Mixed --' but its query {query} sets no datasource"
                        if mixed
                        else "has no datasource on the panel or its queries"
                    )
                    yield Hit(
                        doc,
                        pointer if "datasource" in panel else ref.pointer,
                        f"{owner} {where}; Grafana sends the queries to whichever "
                        "datasource is the instance's default; set "
                        '{"type": ..., "uid": ...}',
                        Severity.WARNING,
                    )


def _effective(
    resolver: DatasourceResolver,
    panel_ds: DatasourceRef,
    panel_pointer: str,
    target: dict[str, Any],
    at: str,
) -> tuple[DatasourceRef, str, bool]:
    """The datasource a query goes to, where that is said, and if the panel mixes."""
    mixed = panel_ds.status == "builtin" and panel_ds.value in MIXED
    own = target.get("datasource")
    if own is not None:
        return resolver.resolve(own), join(panel_pointer + at, "datasource"), mixed
    if mixed:
        return resolver.resolve(None), panel_pointer + at, mixed
    return panel_ds, join(panel_pointer, "datasource"), mixed


@rule("variable/missing-datasource", Severity.ERROR, "variable bound to no datasource")
def variable_missing_datasource(ctx: LintContext) -> Iterator[Hit]:
    for doc in ctx.of_kind(DASHBOARD):
        resolver = _resolver(ctx, doc)
        for var, at in variables(doc.data):
            if var.get("type") not in ("query", "adhoc"):
                continue
            owner = f"{describe(doc.data)}, variable '{var.get('name')}'"
            ds = resolver.resolve(var.get("datasource"))
            why = _unresolved(ctx, ds)
            if why:
                yield Hit(
                    doc,
                    join(at, "datasource"),
                    f"{owner} {why}; the variable has no values and every panel "
                    "using it shows no data",
                )
            elif ds.status == "default":
                yield Hit(
                    doc,
                    at,
                    f"{owner} has no datasource; Grafana queries the instance's "
                    "default datasource for its values",
                    Severity.WARNING,
                )
