"""Fixtures shared by every test folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

PYPROJECT = """\
[tool.mt5dash]
dashboards = "dashboards"
alerts = "alerts"
out = "provisioning"
"""


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write a project with the given files (dedented) and return its folder."""

    def make(files: dict[str, str]) -> Path:
        root = tmp_path / "project"
        (root / "dashboards").mkdir(parents=True, exist_ok=True)
        (root / "alerts").mkdir(parents=True, exist_ok=True)
        (root / "dashboards" / "__init__.py").touch()
        (root / "alerts" / "__init__.py").touch()
        if "pyproject.toml" not in files:
            (root / "pyproject.toml").write_text(PYPROJECT)
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"))
        return root

    return make
