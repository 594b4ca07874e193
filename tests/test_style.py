"""The code is formatted and linted by ruff, as configured in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def test_code_is_formatted():
    result = _ruff("format", "--check", ".")

    assert result.returncode == 0, result.stdout + result.stderr


def test_code_passes_the_linter():
    result = _ruff("check", ".")

    assert result.returncode == 0, result.stdout + result.stderr
