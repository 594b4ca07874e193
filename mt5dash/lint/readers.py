"""Turn files into the documents lint checks: dashboards, provisioning, rules.

A file may hold several documents: a Kubernetes ConfigMapList carries many
dashboards as JSON strings, a YAML stream has several ``---`` documents. Each
document knows where it sits in its file, so findings point into the file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import yaml

from mt5dash.lint.findings import Finding, Severity

log = logging.getLogger(__name__)

PARSE_ERROR = "file/parse-error"
UNRECOGNISED = "file/unrecognised"

# Kinds of documents.
DASHBOARD = "dashboard"
DATASOURCES = "datasources"
PROVIDERS = "providers"
ALERTING = "alerting"
PROMETHEUS_RULES = "prometheus-rules"
PROMETHEUS_CONFIG = "prometheus-config"
ALERTMANAGER_CONFIG = "alertmanager-config"
NOTIFIERS = "notifiers"

_ALERTING_KEYS = {
    "contactPoints",
    "deleteContactPoints",
    "policies",
    "resetPolicies",
    "templates",
    "deleteTemplates",
    "muteTimes",
    "deleteMuteTimes",
    "deleteRules",
}
_DASHBOARD_KEYS = {"panels", "rows", "schemaVersion", "templating"}


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a list, else an empty list (malformed input)."""
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a mapping, else an empty one (malformed input)."""
    return value if isinstance(value, dict) else {}


def escape(token: object) -> str:
    """One JSON pointer token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def join(pointer: str, *tokens: object) -> str:
    """``pointer`` extended by ``tokens``."""
    return pointer + "".join(f"/{escape(t)}" for t in tokens)


@dataclass
class Document:
    """One object lint checks, and where it sits in its file.

    ``data`` is the object itself (for a wrapped dashboard, the inner model);
    ``pointer`` locates ``data`` from the root of the file; ``lines`` maps
    pointers from the file root to YAML line numbers (empty for JSON and for
    JSON embedded in YAML, where only the pointer is exact).
    """

    file: str
    kind: str
    data: Any
    pointer: str = ""
    lines: dict[str, int] = field(default_factory=dict)
    embedded: bool = False
    wrapped: bool = False
    raw: Any = None

    def locate(self, pointer: str) -> tuple[str, int | None]:
        """The file-level pointer and line of ``pointer`` inside ``data``."""
        full = self.pointer + pointer
        if not self.lines or self.embedded:
            return full, None
        probe = full
        while probe:
            if probe in self.lines:
                return full, self.lines[probe]
            probe = probe.rpartition("/")[0]
        return full, self.lines.get("")

    @property
    def parent_dirs(self) -> tuple[str, ...]:
        return PurePosixPath(self.file).parent.parts


def read(file: str, content: bytes) -> tuple[list[Document], list[Finding]]:
    """The documents in one file, and a finding for each part that cannot be read.

    A file that holds nothing lint knows gets one ``file/unrecognised``
    finding, whatever its format.
    """
    suffix = PurePosixPath(file).suffix.lower()
    if suffix not in (".json", ".yaml", ".yml"):
        return [], [_unrecognised(file, f"a {suffix or 'suffix-less'} file")]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [_parse_error(file, "", None, f"not UTF-8 text: {exc}")]
    if not text.strip():
        return [], [_unrecognised(file, "an empty file")]
    if suffix == ".json":
        docs, findings = _read_json(file, text)
    else:
        docs, findings = _read_yaml(file, text)
    if not docs and not findings:
        return [], [_unrecognised(file, _what(file, text))]
    if "notifiers" in PurePosixPath(file).parent.parts:
        # Grafana 11 ignores this folder, whatever the files in it declare.
        for doc in docs:
            doc.kind = NOTIFIERS
    return docs, findings


def _parse_error(file: str, pointer: str, line: int | None, why: str) -> Finding:
    return Finding(file, PARSE_ERROR, Severity.ERROR, why, pointer, line)


def _unrecognised(file: str, what: str) -> Finding:
    return Finding(
        file,
        UNRECOGNISED,
        Severity.INFO,
        f"{what}, not a Grafana dashboard, Grafana provisioning file, Prometheus "
        "rule or configuration file or Alertmanager configuration; nothing in it "
        "was checked",
    )


def _what(file: str, text: str) -> str:
    """What a file lint does not know holds, for the message (parsed again)."""
    try:
        if file.lower().endswith(".json"):
            documents = [json.loads(text)]
        else:
            documents = list(yaml.load_all(text, Loader=yaml.CSafeLoader))
    except (ValueError, yaml.YAMLError):
        return "a file"
    described = []
    for data in documents:
        if data is None:
            continue
        if not isinstance(data, dict):
            described.append(f"a {type(data).__name__} at the top level")
        elif isinstance(data.get("kind"), str):
            version = data.get("apiVersion")
            described.append(f"a {data['kind']}" + (f" ({version})" if version else ""))
        else:
            keys = ", ".join(sorted(str(k) for k in data)[:5])
            described.append(
                f"a mapping with keys {keys}" if keys else "an empty mapping"
            )
    return "; ".join(described) or "an empty file"


def _read_json(file: str, text: str) -> tuple[list[Document], list[Finding]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        why = f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        return [], [_parse_error(file, "", None, why)]
    return list(_classify(file, data, "", {}, embedded=False)), []


def _read_yaml(file: str, text: str) -> tuple[list[Document], list[Finding]]:
    docs: list[Document] = []
    findings: list[Finding] = []
    loader = yaml.CSafeLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            data = loader.construct_document(node)
            lines: dict[str, int] = {}
            _map_lines(node, "", lines)
            docs += _classify(file, data, "", lines, embedded=False)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        why = f"invalid YAML: {getattr(exc, 'problem', None) or exc}"
        findings.append(_parse_error(file, "", line, why))
    finally:
        loader.dispose()

    for doc in list(docs):
        if doc.kind == "configmap":
            docs.remove(doc)
            found, errors = _configmap_dashboards(doc)
            docs += found
            findings += errors
    return docs, findings


def _map_lines(node: yaml.Node, pointer: str, lines: dict[str, int]) -> None:
    lines[pointer] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _map_lines(value, join(pointer, key.value), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _map_lines(item, join(pointer, i), lines)


def _classify(
    file: str, data: Any, pointer: str, lines: dict[str, int], embedded: bool
) -> Iterator[Document]:
    def doc(kind: str, inner: Any, at: str = "", **kw: Any) -> Document:
        return Document(file, kind, inner, pointer + at, lines, embedded, **kw)

    if not isinstance(data, dict):
        return
    kind = data.get("kind")
    if kind in ("ConfigMapList", "List") and isinstance(data.get("items"), list):
        for i, item in enumerate(data["items"]):
            yield from _classify(file, item, join(pointer, "items", i), lines, embedded)
    elif kind == "ConfigMap":
        yield doc("configmap", data)
    elif kind == "PrometheusRule":
        yield doc(PROMETHEUS_RULES, as_dict(data.get("spec")), "/spec")
    elif isinstance(data.get("dashboard"), dict) and "panels" not in data:
        yield doc(DASHBOARD, data["dashboard"], "/dashboard", wrapped=True, raw=data)
    elif "notifiers" in data or "delete_notifiers" in data:
        yield doc(NOTIFIERS, data)
    elif "datasources" in data or "deleteDatasources" in data:
        yield doc(DATASOURCES, data)
    elif "providers" in data:
        yield doc(PROVIDERS, data)
    elif "route" in data and "receivers" in data:
        yield doc(ALERTMANAGER_CONFIG, data)
    elif _ALERTING_KEYS & data.keys() or _is_grafana_groups(data.get("groups")):
        yield doc(ALERTING, data)
    elif isinstance(data.get("groups"), list):
        yield doc(PROMETHEUS_RULES, data)
    elif "scrape_configs" in data or "rule_files" in data:
        yield doc(PROMETHEUS_CONFIG, data)
    elif _DASHBOARD_KEYS & data.keys():
        yield doc(DASHBOARD, data, raw=data)
    else:
        # Alone in its file, this makes the file unrecognised (see read).
        log.debug("%s%s: not a document lint knows; skipped", file, pointer)


def _is_grafana_groups(groups: Any) -> bool:
    """Whether ``groups`` are Grafana rule groups rather than Prometheus ones."""
    if not isinstance(groups, list):
        return False
    for group in groups:
        if not isinstance(group, dict):
            continue
        if "folder" in group:
            return True
        for rule in as_list(group.get("rules")):
            if isinstance(rule, dict) and ("data" in rule or "condition" in rule):
                return True
    return False


def _configmap_dashboards(cm: Document) -> tuple[list[Document], list[Finding]]:
    """The dashboards a ConfigMap carries as ``*.json`` strings."""
    docs: list[Document] = []
    findings: list[Finding] = []
    for key, value in sorted(as_dict(cm.data.get("data")).items()):
        if not (isinstance(value, str) and key.endswith(".json")):
            continue
        at = join(cm.pointer, "data", key)
        try:
            data = json.loads(value)
        except json.JSONDecodeError as exc:
            why = f"invalid JSON in {key}: {exc.msg} (line {exc.lineno})"
            findings.append(_parse_error(cm.file, at, cm.lines.get(at), why))
            continue
        docs += _classify(cm.file, data, at, cm.lines, embedded=True)
    return docs, findings
