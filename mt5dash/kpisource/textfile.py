"""Files for node_exporter's textfile collector, written atomically.

node_exporter reads every ``*.prom`` file of its textfile directory at each
scrape. A file is written under a temporary name in the same directory, then
renamed, so a scrape never sees half a file. Each published object (one
strategy and symbol, one data source, one job) has its own file, so
publishers running at the same time never overwrite each other.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, write_to_textfile
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

from mt5dash.kpisource.errors import PublishError

log = logging.getLogger(__name__)

FILE_PREFIX = "mt5dash_"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def file_name(kind: str, *keys: str) -> str:
    """The file name of one published object, stable for the same keys.

    The readable part may be ambiguous once unsafe characters are replaced,
    so a short hash of the exact keys keeps names of different objects apart.
    """
    readable = "-".join(_UNSAFE.sub("_", k) for k in (kind, *keys))
    digest = hashlib.sha256("\0".join((kind, *keys)).encode()).hexdigest()[:8]
    return f"{FILE_PREFIX}{readable}-{digest}.prom"


def check_directory(directory: Path) -> None:
    """Raise ``PublishError`` unless ``directory`` exists."""
    if not directory.is_dir():
        raise PublishError.one(
            "the textfile directory does not exist; create it or set "
            "[tool.mt5dash.prometheus] textfile_dir",
            file=str(directory),
        )


def write(directory: Path, name: str, registry: CollectorRegistry) -> Path:
    """Write the metrics of ``registry`` to ``directory/name`` atomically."""
    check_directory(directory)
    path = directory / name
    # prometheus_client writes a temporary file beside ``path``, then renames it.
    write_to_textfile(str(path), registry)
    log.info("wrote %s", path)
    return path


def read(path: Path) -> list[Metric]:
    """The metric families of a textfile, or none when it is missing or unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    try:
        return list(text_string_to_metric_families(text))
    except ValueError as exc:
        log.warning("ignoring unreadable %s: %s", path, exc)
        return []


def read_directory(directory: Path) -> Iterator[Metric]:
    """The metric families of every file mt5dash wrote in ``directory``.

    Families of the same name from several files are merged into one, as a
    scrape must list each family once.
    """
    merged: dict[str, Metric] = {}
    for path in sorted(directory.glob(f"{FILE_PREFIX}*.prom")):
        for family in read(path):
            if family.name in merged:
                merged[family.name].samples.extend(family.samples)
            else:
                merged[family.name] = family
    return iter(merged.values())
