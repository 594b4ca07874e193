"""What the Grafana configuration expects from its container: variables, files.

Grafana expands ``${NAME}`` and ``$__env{NAME}`` from its environment and
reads ``$__file{path}`` from its file system, in ``grafana.ini`` and in the
values of provisioning YAML (docs: *Provision Grafana*, "Use environment
variables"). An unset variable becomes an empty string without any error; a
missing file stops Grafana. Dashboard JSON files are never expanded, and
only the top-level files of each provisioning folder are read.

In provisioning YAML ``$$`` is a literal dollar; in ``grafana.ini`` it is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_YAML = (".yaml", ".yml")
# The alerting reader also takes JSON files (and expands their values).
_ALERTING = (*_YAML, ".json")
_ESCAPED_DOLLAR = r"\$\$"
_REFERENCE = r"\$\{(\w+)\}|\$__env\{([^}]+)\}|\$__file\{([^}]+)\}"
_IN_PROVISIONING = re.compile(f"{_ESCAPED_DOLLAR}|{_REFERENCE}")
_IN_INI = re.compile(_REFERENCE)


@dataclass
class References:
    """Variables and files referenced, each with the files (project-relative)
    that reference it, in the order met."""

    variables: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, list[str]] = field(default_factory=dict)

    def add(self, text: str, pattern: re.Pattern[str], where: str) -> None:
        for match in pattern.finditer(text):
            braced, env, path = match.groups()
            name = braced or (env.strip() if env else None)
            if name:
                _append(self.variables, name, where)
            elif path:
                _append(self.files, path.strip(), where)


def _append(found: dict[str, list[str]], key: str, where: str) -> None:
    users = found.setdefault(key, [])
    if where not in users:
        users.append(where)


def _strings(value: Any) -> Iterator[str]:
    """Every string value in a parsed YAML or JSON document (keys excluded)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _ini_values(text: str) -> Iterator[str]:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped[:1] in (";", "#", "[") or "=" not in stripped:
            continue
        yield stripped.partition("=")[2]


def scan(project_dir: Path, out: str, folders: Iterable[str]) -> References:
    """The references in the built ``grafana.ini`` and provisioning ``folders``.

    Files that do not parse are skipped: lint and Grafana report them.
    """
    root = project_dir / out
    found = References()

    ini = root / "grafana.ini"
    if ini.is_file():
        label = ini.relative_to(project_dir).as_posix()
        for value in _ini_values(ini.read_text(encoding="utf-8")):
            found.add(value, _IN_INI, label)

    for folder in folders:
        suffixes = _ALERTING if folder == "alerting" else _YAML
        if not (root / folder).is_dir():
            continue
        for path in sorted((root / folder).iterdir()):
            if not (path.is_file() and path.suffix.lower() in suffixes):
                continue
            label = path.relative_to(project_dir).as_posix()
            try:
                documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
            except (yaml.YAMLError, UnicodeDecodeError):
                continue
            for document in documents:
                for value in _strings(document):
                    found.add(value, _IN_PROVISIONING, label)
    return found
