"""How old a data source is: when its newest file was modified.

``publish_data_age`` writes the modification time of the newest file as
``data_newest_timestamp_seconds{source}``; dashboards and alert rules compute
the age from it in PromQL (``time() - ...``), so the age keeps growing when
the publisher stops running. ``data_age_hours{source}``, the age when it was
published, is written beside it for queries that use it.

When the data files are gone, the publisher keeps the last timestamp it wrote
and drops the hours: the source keeps ageing from its last known file, and
no value claims it is fresh.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge

from mt5dash.kpisource import names, textfile
from mt5dash.kpisource.errors import PublishError
from mt5dash.kpisource.labels import check_label_values

log = logging.getLogger(__name__)

_HELP = {
    names.DATA_NEWEST_TIMESTAMP: "Unix time the data source's newest file was "
    "modified.",
    names.DATA_AGE_HOURS: "Hours since the newest file of the data source was "
    "modified, when this was published.",
}


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


def newest_timestamp(path: Path, glob: str = "*", now: float | None = None) -> float:
    """Unix time the newest file was modified, at most ``now`` (default: the
    current time): a file modified in the future (clock skew) counts as new.
    """
    modified = newest_file(path, glob).stat().st_mtime
    current = time.time() if now is None else now
    return min(modified, current)


def data_age_hours(path: Path, glob: str = "*", now: float | None = None) -> float:
    """Hours between ``now`` (default: the current time) and the newest file.

    A file modified in the future (clock skew) counts as age 0.
    """
    current = time.time() if now is None else now
    return (current - newest_timestamp(path, glob, current)) / 3600


def publish_data_age(
    directory: Path, source: str, path: Path, glob: str = "*", now: float | None = None
) -> float:
    """Write the newest file's time and age for ``source``; return the age in hours.

    When no file can be found, the error is raised after the source's textfile
    is rewritten with only the timestamp it held (or removed when it held
    none), so the published age goes on growing instead of standing still.
    """
    obj = f"source {source!r}"
    check_label_values(obj, source=source)
    current = time.time() if now is None else now
    name = textfile.file_name("data_age", source)
    try:
        newest = newest_timestamp(path, glob, current)
    except PublishError as exc:
        _keep_timestamp_only(directory, name, source)
        raise exc.located(str(path), obj) from None

    age = (current - newest) / 3600
    registry = CollectorRegistry()
    _gauge(registry, names.DATA_NEWEST_TIMESTAMP, source, newest)
    _gauge(registry, names.DATA_AGE_HOURS, source, age)
    textfile.write(directory, name, registry)
    return age


def _gauge(registry: CollectorRegistry, metric: str, source: str, value: float) -> None:
    gauge = Gauge(metric, _HELP[metric], names.DATA_AGE_LABELS, registry=registry)
    gauge.labels(source=source).set(value)


def _keep_timestamp_only(directory: Path, name: str, source: str) -> None:
    """Leave in ``directory/name`` only the timestamp it held, if any."""
    path = directory / name
    previous = None
    for family in textfile.read(path):
        for sample in family.samples:
            if sample.name == names.DATA_NEWEST_TIMESTAMP:
                previous = sample.value
    if previous is not None:
        registry = CollectorRegistry()
        _gauge(registry, names.DATA_NEWEST_TIMESTAMP, source, previous)
        textfile.write(directory, name, registry)
        log.warning("%s: kept the last newest-file time of source %r", path, source)
    elif path.exists():
        path.unlink()
        log.warning("%s: removed, source %r has no file to date it", path, source)
