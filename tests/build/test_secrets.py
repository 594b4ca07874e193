"""Secret references: resolved at push or deploy time, never shown."""

from __future__ import annotations

import pytest

from mt5dash import env, from_file
from mt5dash.errors import ConfigError


def test_an_environment_secret_is_read_when_resolved(monkeypatch):
    monkeypatch.setenv("HUB_TOKEN", "s3cret")

    assert env("HUB_TOKEN").resolve() == "s3cret"
    assert env("HUB_TOKEN").provisioning_ref() == "${HUB_TOKEN}"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "environment variable HUB_TOKEN is not set"),
        ("", "environment variable HUB_TOKEN is empty"),
        ("   ", "environment variable HUB_TOKEN is empty"),
    ],
    ids=["unset", "empty", "blank"],
)
def test_a_missing_environment_secret_is_named(monkeypatch, value, message):
    monkeypatch.delenv("HUB_TOKEN", raising=False)
    if value is not None:
        monkeypatch.setenv("HUB_TOKEN", value)

    with pytest.raises(ConfigError) as caught:
        env("HUB_TOKEN").resolve()

    assert str(caught.value) == message


def test_a_file_secret_is_trimmed_and_its_problems_named(tmp_path):
    path = tmp_path / "token"
    path.write_text("s3cret\n")

    assert from_file(str(path)).resolve() == "s3cret"
    assert from_file(str(path)).provisioning_ref() == f"$__file{{{path}}}"
    with pytest.raises(ConfigError, match="cannot be read"):
        from_file(str(tmp_path / "missing")).resolve()
