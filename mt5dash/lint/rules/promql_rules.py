"""Rules about PromQL: parse errors, rate windows, counters, units."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import promql_parser

from mt5dash import promql
from mt5dash.durations import format_duration
from mt5dash.lint.dashboards import describe, describe_panel
from mt5dash.lint.engine import Hit, LintContext, rule
from mt5dash.lint.findings import Severity
from mt5dash.lint.queries import (
    DASHBOARD_MODE,
    INTERVAL_SENTINEL,
    VARIABLE_SENTINEL,
    Expression,
    expressions,
    parsed,
)
from mt5dash.lint.readers import DASHBOARD, as_dict, as_list

# Functions whose result needs at least two samples in the window.
RANGE_FUNCTIONS = {"rate", "irate", "increase", "delta", "idelta", "deriv"}
# Functions meant for counters only.
COUNTER_FUNCTIONS = {"rate", "irate", "increase"}
MIN_SCRAPES = 4
_COUNTER_SUFFIXES = ("_total", "_count", "_sum", "_bucket", "_created")
# Names that say "gauge" in Prometheus naming (docs: "Metric and label naming").
_GAUGE_RE = re.compile(
    r"(^up$|^node_load(1|5|15)$|_(ratio|percent|percentage|celsius|temperature|info"
    r"|timestamp|timestamp_seconds|last|current|gauge|in_progress|inflight|limit"
    r"|capacity)$|_(free|avail|available|size|limit)_bytes$)",
    re.I,
)
_SHOWN = 120


def _shown(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SHOWN else flat[: _SHOWN - 3] + "..."


@rule("promql/syntax", Severity.ERROR, "PromQL that does not parse")
def syntax(ctx: LintContext) -> Iterator[Hit]:
    for expr in expressions(ctx):
        error = parsed(ctx, expr).error
        if error is not None:
            hint = " (after substituting variables)" if expr.mode != "raw" else ""
            yield Hit(
                expr.doc,
                expr.pointer,
                f"{expr.owner}: query does not parse{hint}: {error}; "
                f"query: {_shown(expr.text)}",
            )


def _range_calls(ctx: LintContext, names: set[str]) -> Iterator[tuple[Expression, Any]]:
    for expr in expressions(ctx):
        node = parsed(ctx, expr).node
        if node is None:
            continue
        for call in promql.function_calls(node, names):
            for arg in call.args:
                if isinstance(arg, promql_parser.MatrixSelector):
                    yield expr, call, arg


def _call_text(call: Any, matrix: Any, window: str) -> str:
    return f"{call.func.name}({matrix.vector_selector.prettify()}[{window}])"


@rule("promql/range-too-short", Severity.WARNING, "rate window under 4 scrapes")
def range_too_short(ctx: LintContext) -> Iterator[Hit]:
    scrape = ctx.options.scrape_interval
    minimum = MIN_SCRAPES * scrape
    for expr, call, matrix in _range_calls(ctx, RANGE_FUNCTIONS):
        window = matrix.range
        if window in (INTERVAL_SENTINEL, VARIABLE_SENTINEL):
            continue
        seconds = window.total_seconds()
        if seconds >= minimum:
            continue
        fix = (
            "[$__rate_interval]"
            if expr.mode == DASHBOARD_MODE
            else f"at least [{format_duration(minimum)}]"
        )
        yield Hit(
            expr.doc,
            expr.pointer,
            f"{expr.owner}: {_call_text(call, matrix, format_duration(seconds))} "
            f"spans less than {MIN_SCRAPES} scrape intervals ({MIN_SCRAPES} x "
            f"{format_duration(scrape)} = {format_duration(minimum)}); a missed or "
            "late scrape leaves fewer than two samples in the window and the result "
            f"disappears, so graphs have gaps and alerts flap; use {fix}",
        )


@rule("promql/rate-interval", Severity.WARNING, "rate over $__interval")
def rate_interval(ctx: LintContext) -> Iterator[Hit]:
    for expr, call, matrix in _range_calls(ctx, RANGE_FUNCTIONS):
        if matrix.range == INTERVAL_SENTINEL:
            yield Hit(
                expr.doc,
                expr.pointer,
                f"{expr.owner}: {_call_text(call, matrix, '$__interval')} uses "
                "$__interval, which shrinks to the step of the graph and can be "
                "shorter than two scrape intervals when zoomed in, so the result "
                "has gaps; use $__rate_interval",
            )


@rule("promql/rate-on-gauge", Severity.WARNING, "rate over a gauge")
def rate_on_gauge(ctx: LintContext) -> Iterator[Hit]:
    for expr, call, matrix in _range_calls(ctx, COUNTER_FUNCTIONS):
        name = matrix.vector_selector.name or ""
        if not name or name.endswith(_COUNTER_SUFFIXES) or not _GAUGE_RE.search(name):
            continue
        yield Hit(
            expr.doc,
            expr.pointer,
            f"{expr.owner}: {call.func.name}() over '{name}', whose name says it is "
            f"a gauge; {call.func.name}() takes every decrease for a counter reset "
            "and counts the whole value again, so each drop shows as a false spike; "
            "use deriv() or delta() for a gauge's change",
        )


# --- units ---------------------------------------------------------------

_UNIT_SUFFIXES = {"_seconds": "seconds", "_bytes": "bytes", "_celsius": "celsius"}
_KEEP_UNIT = {"sum", "avg", "min", "max", "topk", "bottomk", "quantile"}
_OVER_TIME = {
    "avg_over_time",
    "min_over_time",
    "max_over_time",
    "last_over_time",
    "quantile_over_time",
    "abs",
    "clamp",
    "clamp_min",
    "clamp_max",
    "round",
}
_PLOTTED = {"timeseries", "graph", "stat", "gauge", "bargauge", "singlestat"}


def _unit_of(node: Any) -> str | None:
    """The unit a query's result carries by Prometheus naming, when simple."""
    if isinstance(node, promql_parser.ParenExpr):
        return _unit_of(node.expr)
    if isinstance(node, promql_parser.AggregateExpr):
        return _unit_of(node.expr) if str(node.op) in _KEEP_UNIT else None
    if isinstance(node, promql_parser.VectorSelector):
        return _name_unit(node.name or "")
    if isinstance(node, promql_parser.MatrixSelector):
        return _name_unit(node.vector_selector.name or "")
    if isinstance(node, promql_parser.Call):
        fn = node.func.name
        args = node.args
        if fn in ("rate", "irate") and args:
            inner = args[0]
            name = getattr(getattr(inner, "vector_selector", None), "name", "") or ""
            return "bytes/s" if name.endswith("_bytes_total") else None
        if fn == "histogram_quantile" and len(args) == 2:
            return _bucket_unit(args[1])
        if fn in _OVER_TIME and args:
            return _unit_of(args[-1])
    return None


def _name_unit(name: str) -> str | None:
    for suffix, unit in _UNIT_SUFFIXES.items():
        if name.endswith(suffix):
            return unit
    return None


def _bucket_unit(node: Any) -> str | None:
    for n in promql.walk(node):
        name = (
            getattr(n, "name", None)
            if isinstance(n, promql_parser.VectorSelector)
            else None
        )
        if name and name.endswith("_bucket"):
            return _name_unit(name[: -len("_bucket")])
    return None


def _has_unit(panel: dict[str, Any]) -> bool:
    field_config = as_dict(panel.get("fieldConfig"))
    if as_dict(field_config.get("defaults")).get("unit"):
        return True
    for override in as_list(field_config.get("overrides")):
        for prop in (
            as_list(override.get("properties")) if isinstance(override, dict) else []
        ):
            if isinstance(prop, dict) and prop.get("id") == "unit":
                return True
    if panel.get("format") not in (None, "", "none", "short"):
        return True
    axes = as_list(panel.get("yaxes"))
    return (
        bool(axes)
        and isinstance(axes[0], dict)
        and axes[0].get("format")
        not in (
            None,
            "",
            "none",
            "short",
        )
    )


@rule("panel/missing-unit", Severity.INFO, "panel without a unit for its data")
def missing_unit(ctx: LintContext) -> Iterator[Hit]:
    by_panel: dict[tuple[int, str], list[Expression]] = defaultdict(list)
    for expr in expressions(ctx):
        if expr.doc.kind == DASHBOARD and expr.panel_pointer:
            by_panel[(id(expr.doc), expr.panel_pointer)].append(expr)
    for (_, pointer), exprs in by_panel.items():
        doc = exprs[0].doc
        panel = _at(doc.data, pointer)
        if panel.get("type") not in _PLOTTED or _has_unit(panel):
            continue
        nodes = [parsed(ctx, e).node for e in exprs]
        units = {_unit_of(n) if n is not None else None for n in nodes}
        if len(units) != 1 or None in units:
            continue
        unit = units.pop()
        yield Hit(
            doc,
            pointer,
            f"{describe(doc.data)}, {describe_panel(panel)} shows {unit} (by the "
            "metric names) but sets no unit; Grafana prints raw numbers such as "
            "1073741824 instead of 1 GiB; set fieldConfig.defaults.unit",
        )


def _at(data: Any, pointer: str) -> dict[str, Any]:
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        data = data[int(token)] if isinstance(data, list) else data[token]
    return data
