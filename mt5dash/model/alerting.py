"""Grafana-managed alert rules, rule groups and their examples.

A rule is written either compactly (a PromQL ``expr``, a ``threshold`` and a
``for`` duration, or all three in ``when``) or explicitly as Grafana's chain
of queries and expressions in ``data`` with a ``condition`` refId.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from mt5dash.model.base import Declaration, duration_seconds

_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_WHEN_RE = re.compile(
    rf"^(?P<expr>.+?)\s+(?P<op>above|below|within|outside)\s+(?P<a>{_NUMBER})"
    rf"(?:\s*(?:\.\.|,|\s+and\s+)\s*(?P<b>{_NUMBER}))?"
    r"(?:\s+for\s+(?P<for>\S+))?\s*$",
    re.S,
)

# Grafana's threshold evaluator type for each operator.
EVALUATOR_TYPES = {
    "above": "gt",
    "below": "lt",
    "within": "within_range",
    "outside": "outside_range",
}


class Threshold(Declaration):
    """When a reduced value is alerting: above or below one value, or within or
    outside a range (bounds excluded, as Grafana's evaluators do)."""

    op: Literal["above", "below", "within", "outside"]
    values: tuple[float, ...]

    @model_validator(mode="after")
    def _arity(self) -> Threshold:
        wanted = 2 if self.op in ("within", "outside") else 1
        if len(self.values) != wanted:
            raise ValueError(f"{self.op!r} takes {wanted} value(s), got {self.values}")
        return self

    @classmethod
    def parse(cls, text: str) -> Threshold:
        """Read ``below 0.5``, ``above 90`` or ``outside 1..3``."""
        match = re.match(
            rf"^\s*(above|below|within|outside)\s+({_NUMBER})"
            rf"(?:\s*(?:\.\.|,|\s+and\s+)\s*({_NUMBER}))?\s*$",
            text,
        )
        if match is None:
            raise ValueError(
                f"{text!r} is not a threshold such as 'below 0.5' or 'outside 1..3'"
            )
        op, a, b = match.groups()
        values = (float(a),) if b is None else (float(a), float(b))
        return cls(op=op, values=values)

    @property
    def evaluator(self) -> dict[str, Any]:
        return {"type": EVALUATOR_TYPES[self.op], "params": list(self.values)}

    def promql(self, expr: str) -> str:
        """The PromQL filter that keeps the series for which this holds."""
        e = f"({expr})"
        if self.op == "above":
            return f"{e} > {_num(self.values[0])}"
        if self.op == "below":
            return f"{e} < {_num(self.values[0])}"
        low, high = (_num(v) for v in self.values)
        if self.op == "within":
            return f"{e} > {low} < {high}"
        return f"{e} < {low} or {e} > {high}"

    def __str__(self) -> str:
        return f"{self.op} {'..'.join(_num(v) for v in self.values)}"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


class Query(Declaration):
    """A datasource query in a rule's data; ``lookback`` is its time range."""

    kind: Literal["query"] = "query"
    ref_id: str = "A"
    expr: str
    datasource: str | None = None
    instant: bool = True
    lookback: str = "10m"
    legend: str = ""


class Reduce(Declaration):
    """A reduce expression: one number per series from ``expression``."""

    kind: Literal["reduce"] = "reduce"
    ref_id: str
    expression: str
    reducer: Literal["last", "mean", "min", "max", "sum", "count", "median"] = "last"
    mode: Literal["strict", "dropNN", "replaceNN"] = "dropNN"


class ThresholdExpression(Declaration):
    """A threshold expression over ``expression``."""

    kind: Literal["threshold"] = "threshold"
    ref_id: str
    expression: str
    threshold: Threshold


class Math(Declaration):
    """A math expression such as ``$B > 80``."""

    kind: Literal["math"] = "math"
    ref_id: str
    expression: str


RuleData = Annotated[
    Query | Reduce | ThresholdExpression | Math, Field(discriminator="kind")
]


class AlertExample(Declaration):
    """Input series and the times the rule must fire or stay quiet at.

    ``series`` maps a series (``metric{label="v"}``) to its values in
    promtool's notation (``1+0x10 0.3+0x20``), one sample per ``interval``.
    Times are durations from the start, such as ``12m``.
    """

    series: dict[str, str] = Field(min_length=1)
    interval: str = "1m"
    fires_at: list[str] = Field(default_factory=list)
    quiet_at: list[str] = Field(default_factory=list)


class AlertRule(Declaration):
    """A Grafana-managed alert rule.

    Compact form: ``when="sharpe_ratio_last below 0.5 for 10m"``, or the same
    as ``expr``, ``threshold`` and ``for_``; it compiles to a query (A), a
    reduce (B) and a threshold (C). Explicit form: ``data`` and
    ``condition``. ``panel`` is the title or id of a panel of ``dashboard``.
    """

    uid: str
    title: str
    when: str | None = None
    expr: str | None = None
    threshold: Threshold | None = None
    reducer: Literal["last", "mean", "min", "max", "sum", "count", "median"] = "last"
    for_: str = Field(default="0s", alias="for")
    lookback: str = "10m"
    datasource: str | None = None
    data: list[RuleData] = Field(default_factory=list)
    condition: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    summary: str = ""
    description: str = ""
    runbook_url: str = ""
    annotations: dict[str, str] = Field(default_factory=dict)
    dashboard: str | None = None
    panel: str | int | None = None
    no_data_state: Literal["NoData", "Alerting", "OK", "KeepLast"] = "NoData"
    exec_err_state: Literal["Error", "Alerting", "OK", "KeepLast"] = "Error"
    keep_firing_for: str = "0s"
    is_paused: bool = False
    receiver: str | None = None
    examples: list[AlertExample] = Field(default_factory=list)

    @field_validator("threshold", mode="before")
    @classmethod
    def _threshold_text(cls, value: Any) -> Any:
        return Threshold.parse(value) if isinstance(value, str) else value

    @model_validator(mode="before")
    @classmethod
    def _expand_when(cls, values: Any) -> Any:
        if not isinstance(values, dict) or not values.get("when"):
            return values
        match = _WHEN_RE.match(values["when"])
        if match is None:
            raise ValueError(
                f"when={values['when']!r} is not of the form "
                "'<PromQL> below|above <n> [for <duration>]' or "
                "'<PromQL> within|outside <a>..<b> [for <duration>]'"
            )
        op, a, b = match.group("op", "a", "b")
        numbers = (float(a),) if b is None else (float(a), float(b))
        expanded = dict(values)
        expanded["expr"] = match.group("expr").strip()
        expanded["threshold"] = Threshold(op=op, values=numbers)
        if match.group("for"):
            expanded["for"] = match.group("for")
        return expanded

    @model_validator(mode="after")
    def _one_form(self) -> AlertRule:
        compact = self.expr is not None
        if compact and (self.data or self.condition):
            raise ValueError("give either expr/threshold/when or data/condition")
        if compact and self.threshold is None:
            raise ValueError("a rule with expr needs a threshold")
        if not compact and not self.data:
            raise ValueError("give when, expr and threshold, or data and condition")
        for name in ("for_", "lookback", "keep_firing_for"):
            duration_seconds(getattr(self, name))
        return self

    @property
    def is_compact(self) -> bool:
        return self.expr is not None

    def expanded_data(
        self,
    ) -> tuple[list[Query | Reduce | ThresholdExpression | Math], str]:
        """Grafana's query chain and the condition refId for this rule."""
        if not self.is_compact:
            return list(self.data), self.condition or ""
        assert self.expr is not None and self.threshold is not None
        return [
            Query(
                ref_id="A",
                expr=self.expr,
                datasource=self.datasource,
                lookback=self.lookback,
            ),
            Reduce(ref_id="B", expression="A", reducer=self.reducer),
            ThresholdExpression(ref_id="C", expression="B", threshold=self.threshold),
        ], "C"


class RuleGroup(Declaration):
    """Rules evaluated together every ``interval``, in the folder whose uid is
    ``folder``."""

    name: str
    folder: str
    interval: str = "1m"
    rules: list[AlertRule] = Field(min_length=1)
