"""Prometheus's configuration, alert rule files and their promtool tests.

The Grafana-managed alert rules are also written as Prometheus alert rules, so
that each rule's examples run under ``promtool test rules``: the chain of
query, reduce, threshold and math becomes one PromQL expression that selects
the same series. Grafana's settings with no Prometheus counterpart
(``noDataState``, ``execErrState``, a reducer's NaN ``mode``, contact points)
are left out; the rule files check the logic of the queries and thresholds,
not the notification path.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mt5dash.errors import CompileError, Problem
from mt5dash.model import (
    AlertExample,
    AlertRule,
    Math,
    Query,
    Reduce,
    RuleGroup,
    Threshold,
    ThresholdExpression,
    duration_seconds,
)
from mt5dash.output import dump_yaml
from mt5dash.promql import parse
from mt5dash.settings import Settings

if TYPE_CHECKING:
    from mt5dash.loader import Declarations

log = logging.getLogger(__name__)

CONFIG_FILE = "prometheus/prometheus.yml"
NODE_JOB = "node"
KPI_JOB = "mt5-kpi"

Step = Query | Reduce | ThresholdExpression | Math

# Grafana's reducers over the points of a range query, as PromQL functions.
_OVER_TIME = {
    "last": "last_over_time({})",
    "mean": "avg_over_time({})",
    "min": "min_over_time({})",
    "max": "max_over_time({})",
    "sum": "sum_over_time({})",
    "count": "count_over_time({})",
    "median": "quantile_over_time(0.5, {})",
}
_MATH_TOKEN = re.compile(
    r"\s*(?:\$\{(?P<braced>\w+)\}|\$(?P<ref>\w+)"
    r"|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
    r"|(?P<op>\*\*|==|!=|>=|<=|&&|\|\||[-+*/%<>()!,])"
    r"|(?P<name>[A-Za-z_]\w*))"
)
# Functions of Grafana's math expressions that PromQL has, by their PromQL name.
_MATH_FUNCTIONS = {
    "abs": "abs",
    "ceil": "ceil",
    "floor": "floor",
    "log": "ln",
    "round": "round",
}
_MATH_COMPARISONS = {"==", "!=", ">", "<", ">=", "<="}
# Grafana's ``$values.B`` (or ``$values.B.Value``) is the value of step B; the
# Prometheus rule's only value is its expression's, ``$value``.
_VALUES_RE = re.compile(r"\$values\.\w+(?:\.Value)?")


class Untranslatable(Exception):
    """A rule's field has no Prometheus equivalent; becomes a Problem."""

    def __init__(self, field_path: str, message: str) -> None:
        super().__init__(message)
        self.field_path = field_path
        self.message = message


ALERTMANAGER_FILE = "prometheus/alertmanager.yml"

# Alerts of the Prometheus rule files are shown and silenced in Grafana through
# its Alertmanager datasource; notifications go out through Grafana's alerting,
# so this Alertmanager routes everything to a receiver with no integrations.
ALERTMANAGER_CONFIG: dict[str, Any] = {
    "receivers": [{"name": "grafana-managed"}],
    "route": {"group_by": ["alertname"], "receiver": "grafana-managed"},
}


def render_prometheus(declared: Declarations, settings: Settings) -> dict[str, str]:
    """Prometheus's files, by path relative to the output folder.

    ``prometheus/prometheus.yml`` scrapes Prometheus, node_exporter and the KPI
    source and loads ``prometheus/rules/<group>.yml``; a group whose rules
    have examples also gets ``prometheus/tests/<group>.test.yml`` for
    ``promtool test rules``. Raises ``CompileError`` listing every rule that
    cannot be expressed in PromQL.
    """
    files: dict[str, str] = {}
    problems: list[Problem] = []
    names = _file_names(declared.rule_groups)

    for group in declared.rule_groups:
        problems += _group_files(declared, settings, group, names[id(group)], files)
    if problems:
        raise CompileError(problems)

    rule_files = sorted(
        path.removeprefix("prometheus/")
        for path in files
        if path.startswith("prometheus/rules/")
    )
    files[CONFIG_FILE] = _dump(prometheus_config(settings, rule_files))
    if settings.prometheus.alertmanager:
        files[ALERTMANAGER_FILE] = _dump(ALERTMANAGER_CONFIG)
    return dict(sorted(files.items()))


def _group_files(
    declared: Declarations,
    settings: Settings,
    group: RuleGroup,
    name: str,
    files: dict[str, str],
) -> list[Problem]:
    """Add a group's rule file and test file to ``files``; return its problems."""
    problems, rules = [], []
    for rule in group.rules:
        try:
            translated = translate_rule(declared, rule, settings)
        except Untranslatable as exc:
            kind = f"alert rule {rule.uid!r}"
            problem = declared.problem(rule, kind, exc.field_path, exc.message)
            if rule.examples:
                # Its examples cannot be checked without the Prometheus rule.
                problems.append(problem)
            else:
                log.warning("left out of the Prometheus rules: %s", problem)
            continue
        if translated is not None:
            rules.append((rule, translated))
    if not rules:
        return problems

    files[f"prometheus/rules/{name}.yml"] = _dump(_rule_file(group, rules))
    kept = [rule for rule, _ in rules]
    problems += _example_problems(declared, kept)
    tests = _test_file(group, name, kept)
    if tests["tests"]:
        files[f"prometheus/tests/{name}.test.yml"] = _dump(tests)
    return problems


def prometheus_config(settings: Settings, rule_files: list[str]) -> dict[str, Any]:
    """``prometheus.yml``: global intervals, rule files and scrape jobs.

    ``rule_files`` are relative to the configuration's folder, as Prometheus
    reads them. The node and KPI jobs honour the scraped ``job`` label: the
    job heartbeats carry one, and Prometheus would rename it ``exported_job``.
    """
    own = settings.prometheus
    jobs: list[dict[str, Any]] = [
        _scrape_job("prometheus", [f"localhost:{own.port}"]),
        _scrape_job(NODE_JOB, [own.node_exporter], honor_labels=True),
    ]
    if own.kpi_targets:
        jobs.append(_scrape_job(KPI_JOB, list(own.kpi_targets), honor_labels=True))
    config: dict[str, Any] = {
        "global": {
            "evaluation_interval": own.evaluation_interval,
            "scrape_interval": own.scrape_interval,
        },
        "rule_files": rule_files,
        "scrape_configs": jobs,
    }
    if own.alertmanager:
        targets = {"static_configs": [{"targets": [own.alertmanager]}]}
        config["alerting"] = {"alertmanagers": [targets]}
    return config


def _scrape_job(
    name: str, targets: list[str], honor_labels: bool = False
) -> dict[str, Any]:
    job: dict[str, Any] = {"job_name": name, "static_configs": [{"targets": targets}]}
    if honor_labels:
        job["honor_labels"] = True
    return job


def _file_names(groups: list[RuleGroup]) -> dict[int, str]:
    """A file name per group: its name, with its folder when names collide."""
    by_name: dict[str, list[RuleGroup]] = {}
    for group in groups:
        by_name.setdefault(_slug(group.name), []).append(group)
    names = {}
    for slug, same in by_name.items():
        for group in same:
            names[id(group)] = (
                slug if len(same) == 1 else f"{_slug(group.folder)}-{slug}"
            )
    return names


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_.-]+", "-", text.lower()).strip("-") or "group"


def _dump(data: Any) -> str:
    return dump_yaml(data).decode()


def translate_rule(
    declared: Declarations, rule: AlertRule, settings: Settings
) -> dict[str, Any] | None:
    """``rule`` as a Prometheus alerting rule, or None when it is not for Prometheus.

    A paused rule, or one whose queries read another kind of datasource, has
    no Prometheus counterpart and is left out.
    """
    steps, condition = rule.expanded_data()
    if rule.is_paused:
        log.info("alert rule %r is paused: left out of Prometheus's rules", rule.uid)
        return None
    other = _other_datasources(declared, rule, steps)
    if other:
        log.info("alert rule %r reads %s: not a Prometheus rule", rule.uid, other)
        return None

    chain = _Chain({s.ref_id: s for s in steps}, settings.prometheus.scrape_interval)
    expr = chain.condition(condition)
    error = _syntax_error(expr)
    if error:
        raise Untranslatable("expr", f"the PromQL {expr!r} is not valid: {error}")

    out: dict[str, Any] = {"alert": rule.title, "expr": expr}
    if duration_seconds(rule.for_) > 0:
        out["for"] = rule.for_
    if duration_seconds(rule.keep_firing_for) > 0:
        out["keep_firing_for"] = rule.keep_firing_for
    if rule.labels:
        out["labels"] = dict(rule.labels)
    annotations = _annotations(rule)
    if annotations:
        out["annotations"] = annotations
    return out


def _other_datasources(
    declared: Declarations, rule: AlertRule, steps: list[Step]
) -> list[str]:
    """The types of the non-Prometheus datasources ``rule``'s queries read."""
    by_uid = {ds.uid: ds for ds in declared.datasources}
    default = next((ds for ds in declared.datasources if ds.is_default), None)
    types = []
    for step in steps:
        if isinstance(step, Query):
            ds = by_uid.get(step.datasource or rule.datasource or "", default)
            if ds is not None and ds.type != "prometheus":
                types.append(ds.type)
    return types


def _syntax_error(expr: str) -> str | None:
    try:
        parse(expr)
    except ValueError as exc:
        return str(exc)
    return None


def _annotations(rule: AlertRule) -> dict[str, str]:
    annotations = dict(rule.annotations)
    for key in ("summary", "description", "runbook_url"):
        if getattr(rule, key):
            annotations[key] = getattr(rule, key)
    return {k: _VALUES_RE.sub("$value", v) for k, v in annotations.items()}


@dataclass
class _Chain:
    """A rule's steps by refId, turned into PromQL from the condition down.

    ``value`` is the PromQL whose samples are the step's values in Grafana;
    ``condition`` keeps only the series for which the rule is alerting.
    """

    steps: dict[str, Step]
    subquery_step: str
    seen: list[str] = field(default_factory=list)

    def step(self, ref: str, field_path: str) -> Step:
        if ref not in self.steps:
            known = ", ".join(sorted(self.steps)) or "none"
            raise Untranslatable(field_path, f"no step {ref!r}; steps: {known}")
        if ref in self.seen:
            raise Untranslatable(field_path, f"step {ref!r} refers to itself")
        return self.steps[ref]

    def condition(self, ref: str) -> str:
        step = self.step(ref, "condition")
        if isinstance(step, ThresholdExpression):
            return step.threshold.promql(self.value(step.expression))
        # Grafana alerts on a non-zero condition value.
        return f"({self.value(ref)}) != 0"

    def value(self, ref: str) -> str:
        step = self.step(ref, f"data.{ref}")
        self.seen.append(ref)
        try:
            return self._value(step)
        finally:
            self.seen.remove(ref)

    def _value(self, step: Step) -> str:
        if isinstance(step, Query):
            if not step.instant:
                raise Untranslatable(
                    f"data.{step.ref_id}",
                    "a range query must be reduced before a threshold or math",
                )
            return step.expr
        if isinstance(step, Reduce):
            return self._reduce(step)
        if isinstance(step, ThresholdExpression):
            return _threshold_bool(step.threshold, self.value(step.expression))
        return self._math(step)

    def _reduce(self, step: Reduce) -> str:
        source = self.step(step.expression, f"data.{step.ref_id}.expression")
        if isinstance(source, Query) and not source.instant:
            window = f"({source.expr})[{source.lookback}:{self.subquery_step}]"
            return _OVER_TIME[step.reducer].format(window)
        inner = self.value(step.expression)
        # An instant value is one point per series: every reducer returns it
        # unchanged, except count, which counts it.
        if step.reducer == "count":
            return f"({inner}) * 0 + 1"
        return inner

    def _math(self, step: Math) -> str:
        return " ".join(self._math_tokens(step))

    def _math_tokens(self, step: Math) -> Iterator[str]:
        where = f"data.{step.ref_id}.expression"
        text, pos = step.expression, 0
        while pos < len(text.rstrip()):
            match = _MATH_TOKEN.match(text, pos)
            if match is None:
                raise Untranslatable(where, f"cannot read {text[pos:]!r}")
            pos = match.end()
            ref = match.group("ref") or match.group("braced")
            op, name = match.group("op"), match.group("name")
            if ref:
                yield f"({self.value(ref)})"
            elif match.group("number"):
                yield match.group("number")
            elif name in _MATH_FUNCTIONS:
                yield _MATH_FUNCTIONS[name]
            elif op in _MATH_COMPARISONS:
                yield f"{op} bool"
            elif op == "**":
                yield "^"
            elif op in ("&&", "||", "!") or name:
                raise Untranslatable(
                    where, f"{op or name!r} has no PromQL equivalent here"
                )
            else:
                yield op


def _threshold_bool(threshold: Threshold, value: str) -> str:
    """Grafana's threshold expression value: 1 when alerting, 0 otherwise."""
    e = f"({value})"
    a = _number(threshold.values[0])
    if threshold.op == "above":
        return f"{e} > bool {a}"
    if threshold.op == "below":
        return f"{e} < bool {a}"
    b = _number(threshold.values[1])
    if threshold.op == "within":
        return f"({e} > bool {a}) * ({e} < bool {b})"
    return f"({e} < bool {a}) + ({e} > bool {b})"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _rule_file(
    group: RuleGroup, rules: list[tuple[AlertRule, dict[str, Any]]]
) -> dict[str, Any]:
    return {
        "groups": [
            {
                "interval": group.interval,
                "name": group.name,
                "rules": [translated for _, translated in rules],
            }
        ]
    }


def _example_problems(declared: Declarations, rules: list[AlertRule]) -> list[Problem]:
    problems = []
    for rule in rules:
        for i, example in enumerate(rule.examples):
            for key in ("interval", "fires_at", "quiet_at"):
                value = getattr(example, key)
                for text in value if isinstance(value, list) else [value]:
                    try:
                        duration_seconds(text)
                    except ValueError as exc:
                        kind = f"alert rule {rule.uid!r}"
                        where = f"examples.{i}.{key}"
                        problems.append(declared.problem(rule, kind, where, str(exc)))
    return problems


def _test_file(group: RuleGroup, name: str, rules: list[AlertRule]) -> dict[str, Any]:
    """promtool's unit tests of a group: one test per example of each rule.

    A time the rule must stay quiet checks that no alert of the rule fires;
    a time it must fire checks that at least one does, through the ``ALERTS``
    series, as the alert's exact labels depend on the query's result.
    """
    tests = [
        _example_test(rule, i, example)
        for rule in rules
        for i, example in enumerate(rule.examples, start=1)
        if example.fires_at or example.quiet_at
    ]
    return {
        "evaluation_interval": group.interval,
        "rule_files": [f"../rules/{name}.yml"],
        "tests": tests,
    }


def _example_test(
    rule: AlertRule, number: int, example: AlertExample
) -> dict[str, Any]:
    test: dict[str, Any] = {
        "name": f"{rule.uid} example {number}",
        "interval": example.interval,
        "input_series": [
            {"series": series, "values": values}
            for series, values in example.series.items()
        ],
    }
    if example.quiet_at:
        test["alert_rule_test"] = [
            {"alertname": rule.title, "eval_time": t, "exp_alerts": []}
            for t in example.quiet_at
        ]
    if example.fires_at:
        test["promql_expr_test"] = [
            {
                "eval_time": t,
                "expr": firing_query(rule.title),
                "exp_samples": [{"labels": "{}", "value": 1}],
            }
            for t in example.fires_at
        ]
    return test


def firing_query(alertname: str) -> str:
    """PromQL that is 1 when an alert named ``alertname`` fires, 0 otherwise."""
    selector = f'ALERTS{{alertname={json.dumps(alertname)}, alertstate="firing"}}'
    return f"count({selector}) > bool 0 or vector(0)"
