"""Fixtures for lint tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def corpus_dir(request: pytest.FixtureRequest):
    root = Path(request.config.rootpath) / ".." / "shared" / "corpus"
    if not root.is_dir():
        pytest.skip("the shared corpus (../shared/corpus) is not present")
    return root.resolve()
