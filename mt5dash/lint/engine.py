"""The lint engine: the rule registry, what rules share, and one run over files."""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from mt5dash.lint.findings import Finding, Severity
from mt5dash.lint.readers import (
    ALERTING,
    DATASOURCES,
    UNRECOGNISED,
    Document,
    as_list,
    read,
)

log = logging.getLogger(__name__)

# Grafana creates this contact point itself; policies may name it without
# any file declaring it.
DEFAULT_CONTACT_POINT = "grafana-default-email"


@dataclass(frozen=True)
class Hit:
    """What a rule reports: a place inside a document and what is wrong there.

    ``severity`` overrides the rule's own for this hit.
    """

    doc: Document
    pointer: str
    message: str
    severity: Severity | None = None


@dataclass(frozen=True)
class Rule:
    """A check with a stable id; the id names its docs page."""

    id: str
    severity: Severity
    summary: str
    check: Callable[[LintContext], Iterable[Hit]]


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, severity: Severity, summary: str
) -> Callable[[Callable[[LintContext], Iterable[Hit]]], Callable[..., Any]]:
    """Register a check under ``rule_id``."""

    def register(fn: Callable[[LintContext], Iterable[Hit]]) -> Callable[..., Any]:
        if rule_id in RULES:
            raise ValueError(f"lint rule {rule_id!r} is registered twice")
        RULES[rule_id] = Rule(rule_id, severity, summary, fn)
        return fn

    return register


@dataclass(frozen=True)
class LintOptions:
    """What the project tells lint: scrape interval in seconds, DingTalk keyword."""

    scrape_interval: float = 15.0
    dingtalk_keyword: str = ""


@dataclass(frozen=True)
class Exclusion:
    """Findings of ``rule`` (a glob over rule ids) in files matching ``paths``."""

    rule: str
    paths: Sequence[str] = ("*",)
    reason: str = ""

    def matches(self, finding: Finding) -> bool:
        if not fnmatch.fnmatchcase(finding.rule, self.rule):
            return False
        return any(fnmatch.fnmatchcase(finding.file, p) for p in self.paths)


@dataclass
class LintResult:
    """The findings kept, those excluded by the project, the files linted and
    those lint did not recognise (not counted as linted)."""

    findings: list[Finding]
    excluded: list[Finding] = field(default_factory=list)
    files: int = 0
    unrecognised: int = 0

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def failed(self, strict: bool = False) -> bool:
        worst = Severity.WARNING if strict else Severity.ERROR
        return any(f.severity >= worst for f in self.findings)


class LintContext:
    """Everything the rules see: all documents of one run, and the options."""

    def __init__(self, docs: list[Document], options: LintOptions) -> None:
        self.docs = docs
        self.options = options
        self.cache: dict[Any, Any] = {}

    def of_kind(self, kind: str) -> Iterator[Document]:
        return (d for d in self.docs if d.kind == kind)

    @cached_property
    def datasources(self) -> dict[str, dict[str, Any]]:
        """Provisioned datasources by uid and by name; empty when none is known."""
        found: dict[str, dict[str, Any]] = {}
        for doc in self.of_kind(DATASOURCES):
            for ds in as_list(doc.data.get("datasources")):
                if not isinstance(ds, dict):
                    continue
                for key in (ds.get("uid"), ds.get("name")):
                    if isinstance(key, str) and key:
                        found[key] = ds
        return found

    @cached_property
    def default_datasource_type(self) -> str | None:
        listed = {id(ds): ds for ds in self.datasources.values()}.values()
        for ds in listed:
            if ds.get("isDefault"):
                return str(ds.get("type"))
        return None

    @cached_property
    def contact_points(self) -> set[str]:
        """Names of the contact points declared in any alerting file."""
        names = {DEFAULT_CONTACT_POINT}
        for doc in self.of_kind(ALERTING):
            points = doc.data.get("contactPoints")
            if isinstance(points, dict):
                names |= {str(k) for k in points}
                if isinstance(points.get("name"), str):
                    names.add(points["name"])
                continue
            for point in as_list(points):
                if isinstance(point, dict) and point.get("name"):
                    names.add(str(point["name"]))
        return names

    @cached_property
    def templates(self) -> dict[str, str]:
        """Notification templates by name, as provisioned."""
        found: dict[str, str] = {}
        for doc in self.of_kind(ALERTING):
            for template in as_list(doc.data.get("templates")):
                if isinstance(template, dict) and template.get("name"):
                    found[str(template["name"])] = str(template.get("template") or "")
        return found


def run(
    files: Mapping[str, bytes],
    options: LintOptions | None = None,
    exclusions: Iterable[Exclusion] = (),
) -> LintResult:
    """Lint ``files`` (display name -> content) together, as one project."""
    from mt5dash.lint import rules as _rules  # noqa: F401  (registers the rules)

    docs: list[Document] = []
    findings: list[Finding] = []
    unrecognised = 0
    for name in sorted(files):
        found, errors = read(name, files[name])
        docs += found
        findings += errors
        unrecognised += any(f.rule == UNRECOGNISED for f in errors)

    ctx = LintContext(docs, options or LintOptions())
    for rule_ in RULES.values():
        for hit in rule_.check(ctx):
            pointer, line = hit.doc.locate(hit.pointer)
            severity = hit.severity or rule_.severity
            findings.append(
                Finding(hit.doc.file, rule_.id, severity, hit.message, pointer, line)
            )

    exclusions = list(exclusions)
    kept = [f for f in findings if not any(e.matches(f) for e in exclusions)]
    excluded = [f for f in findings if any(e.matches(f) for e in exclusions)]
    log.debug("linted %d file(s), %d document(s)", len(files), len(docs))
    return LintResult(
        sorted(set(kept), key=Finding.sort_key),
        sorted(set(excluded), key=Finding.sort_key),
        len(files) - unrecognised,
        unrecognised,
    )
