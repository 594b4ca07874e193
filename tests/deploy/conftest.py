"""Fixtures of the deploy tests; the stand-ins themselves are in deploy_fakes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.deploy_fakes import (
    ARCHIVE,
    ARCHIVE_PATH,
    DOCKER,
    HEALTH,
    SYSTEMCTL,
    Recorder,
    Server,
    serve,
)


@pytest.fixture
def recorder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """Stand-in docker and systemctl first on PATH, recording into a folder."""
    bin_dir = tmp_path / "bin"
    record = tmp_path / "record"
    bin_dir.mkdir()
    record.mkdir()
    for name, script in (("docker", DOCKER), ("systemctl", SYSTEMCTL)):
        path = bin_dir / name
        path.write_text(script)
        path.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setenv("FAKE_RECORD_DIR", str(record))
    return Recorder(record)


@pytest.fixture
def health_server() -> Iterator[Server]:
    """A stand-in for the started Grafana: answers GET /api/health."""
    yield from serve({"/api/health": HEALTH})


@pytest.fixture
def release_server() -> Iterator[Server]:
    """Serves the runner archive like GitHub's release downloads."""
    yield from serve({ARCHIVE_PATH: ARCHIVE})
