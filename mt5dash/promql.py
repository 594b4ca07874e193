"""PromQL as Grafana sends it: variables substituted, then a real parser.

Grafana rewrites a panel's query before Prometheus sees it: ``$var``,
``${var}``, ``${var:format}`` and ``[[var]]`` become the variable's value, and
built-ins such as ``$__rate_interval`` become durations. A query is only
checked after the same substitution, with a value that fits each position.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import promql_parser

# Grafana's global variables and a value of the right type for each
# (docs: "Global variables" in Grafana's variables documentation).
BUILTIN_VALUES: Mapping[str, str] = {
    "__interval": "1m",
    "__interval_ms": "60000",
    "__rate_interval": "4m",
    "__rate_interval_ms": "240000",
    "__range": "1h",
    "__range_s": "3600",
    "__range_ms": "3600000",
    "__from": "1700000000000",
    "__to": "1700003600000",
    "__dashboard": "dashboard",
    "__org": "1",
    "__user": "user",
    "__name": "name",
    "__timeFilter": "true",
    "timeFilter": "true",
}

VARIABLE_RE = re.compile(
    r"\$(?P<plain>\w+)"
    r"|\$\{(?P<braced>\w+)(?::(?P<fmt>[^}]*))?\}"
    r"|\[\[(?P<old>\w+)(?::(?P<oldfmt>[^\]]*))?\]\]"
)

# Variable queries of Grafana's Prometheus datasource: these are not PromQL
# (docs: "Prometheus template variables").
_VARIABLE_QUERY_RE = re.compile(
    r"^\s*(?P<fn>label_names|label_values|metrics|query_result)\s*\((?P<arg>.*)\)\s*$",
    re.S,
)


@dataclass(frozen=True)
class VariableQuery:
    """A Prometheus variable query split into its function and PromQL part.

    ``function`` is one of ``label_names``, ``label_values``, ``metrics``,
    ``query_result`` or ``""`` for a bare PromQL query; ``promql`` is the part a
    PromQL parser can check (empty when there is none); ``label`` is the label
    that ``label_values`` returns.
    """

    function: str
    promql: str
    label: str = ""


def referenced_variables(text: str) -> list[str]:
    """Names of the dashboard variables ``text`` refers to, built-ins left out."""
    names = []
    for match in VARIABLE_RE.finditer(text):
        name = match.group("plain") or match.group("braced") or match.group("old")
        if name not in BUILTIN_VALUES and name not in names:
            names.append(name)
    return names


def substitute(text: str, values: Mapping[str, str], default: str = "") -> str:
    """Replace variables by ``values``, built-ins by typical values.

    A variable missing from ``values`` becomes ``default`` when that is given,
    and is left as written otherwise.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group("plain") or match.group("braced") or match.group("old")
        if name in values:
            return values[name]
        if name in BUILTIN_VALUES:
            return BUILTIN_VALUES[name]
        return default or match.group(0)

    return VARIABLE_RE.sub(replace, text)


def parse(expr: str) -> Any:
    """Parse PromQL, raising ``ValueError`` with the parser's message."""
    return promql_parser.parse(expr)


def syntax_error(expr: str, values: Mapping[str, str] | None = None) -> str | None:
    """The parser's message for ``expr`` after substitution, or None when valid.

    Variables not in ``values`` are replaced by a name that is valid as a
    metric, a label name and a label value.
    """
    try:
        parse(substitute(expr, values or {}, default="mt5dash_variable"))
    except ValueError as exc:
        return str(exc)
    return None


def split_variable_query(query: str) -> VariableQuery:
    """Split a Prometheus variable query into its function and PromQL part."""
    match = _VARIABLE_QUERY_RE.match(query)
    if match is None:
        return VariableQuery("", query.strip())
    fn, arg = match.group("fn"), match.group("arg").strip()
    if fn == "label_values":
        selector, _, label = arg.rpartition(",")
        if not selector:
            return VariableQuery(fn, "", arg.strip())
        return VariableQuery(fn, selector.strip(), label.strip())
    if fn == "label_names":
        return VariableQuery(fn, arg)
    if fn == "metrics":
        return VariableQuery(fn, "")
    return VariableQuery(fn, arg)


def walk(node: Any) -> Iterator[Any]:
    """Every node of a parsed expression, parents before children."""
    found: list[Any] = []
    promql_parser.walk(node, found.append)
    return iter(found)


def function_calls(node: Any, names: set[str]) -> Iterator[Any]:
    """The calls to any function in ``names`` inside a parsed expression."""
    is_call: Callable[[Any], bool] = lambda n: isinstance(n, promql_parser.Call)  # noqa: E731
    return (n for n in walk(node) if is_call(n) and n.func.name in names)


def metric_names(node: Any) -> list[str]:
    """The metric names selected anywhere in a parsed expression, in order."""
    names: list[str] = []
    for n in walk(node):
        selected = isinstance(n, promql_parser.VectorSelector) and n.name
        if selected and n.name not in names:
            names.append(n.name)
    return names
