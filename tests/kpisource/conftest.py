"""Fixtures of the KPI source's tests: a textfile directory and a reader for it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _samples(directory: Path) -> Samples:
    found = {}
    for path in sorted(directory.glob("*.prom")):
        for family in text_string_to_metric_families(path.read_text()):
            for s in family.samples:
                found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


@pytest.fixture
def textfile_dir(tmp_path: Path) -> Path:
    """An empty textfile directory, as node_exporter would read."""
    directory = tmp_path / "textfile"
    directory.mkdir()
    return directory


@pytest.fixture
def read_samples() -> Callable[[Path], Samples]:
    """Every sample of every ``*.prom`` file of a directory, by name and labels."""
    return _samples
