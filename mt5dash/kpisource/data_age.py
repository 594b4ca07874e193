"""How old a data source is: the hours since its newest file was modified."""

from __future__ import annotations

import time
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge

from mt5dash.kpisource import names, textfile
from mt5dash.kpisource.errors import PublishError


def newest_file(path: Path, glob: str = "*") -> Path:
    """The most recently modified file under ``path`` whose name matches ``glob``.

    ``glob`` follows ``pathlib``: ``*.csv`` looks in ``path`` only,
    ``**/*.csv`` in its subfolders too.
    """
    if not path.is_dir():
        raise PublishError.one("is not a directory", file=str(path))
    files = [p for p in path.glob(glob) if p.is_file()]
    if not files:
        raise PublishError.one(
            f"no file matches {glob!r}", file=str(path), field="glob"
        )
    return max(files, key=lambda p: p.stat().st_mtime)


def data_age_hours(path: Path, glob: str = "*", now: float | None = None) -> float:
    """Hours between ``now`` (default: the current time) and the newest file.

    A file modified in the future (clock skew) counts as age 0.
    """
    modified = newest_file(path, glob).stat().st_mtime
    current = time.time() if now is None else now
    return max(0.0, (current - modified) / 3600)


def publish_data_age(
    directory: Path, source: str, path: Path, glob: str = "*", now: float | None = None
) -> float:
    """Write ``data_age_hours{source}`` for the newest file under ``path``."""
    try:
        age = data_age_hours(path, glob, now)
    except PublishError as exc:
        raise exc.located(str(path), f"source {source!r}") from None

    registry = CollectorRegistry()
    gauge = Gauge(
        names.DATA_AGE_HOURS,
        "Hours since the newest file of the data source was modified.",
        names.DATA_AGE_LABELS,
        registry=registry,
    )
    gauge.labels(source=source).set(age)
    textfile.write(directory, textfile.file_name("data_age", source), registry)
    return age
