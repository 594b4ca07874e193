"""References to secrets, resolved only at push or deploy time.

A declaration never holds a secret value. It holds an ``EnvSecret`` or a
``FileSecret``; the build writes the reference in Grafana's own interpolation
syntax and the push reads the value from the environment or the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from mt5dash.errors import ConfigError


class EnvSecret(BaseModel):
    """A secret read from an environment variable."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["env"] = "env"
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")

    def provisioning_ref(self) -> str:
        # Grafana's provisioning reader runs os.ExpandEnv on YAML values.
        return "${" + self.name + "}"

    def resolve(self) -> str:
        value = os.environ.get(self.name)
        if value is None:
            raise ConfigError(f"environment variable {self.name} is not set")
        if not value.strip():
            raise ConfigError(f"environment variable {self.name} is empty")
        return value

    def __str__(self) -> str:
        return f"env:{self.name}"


class FileSecret(BaseModel):
    """A secret read from a file (its surrounding whitespace is trimmed)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["file"] = "file"
    path: str

    def provisioning_ref(self) -> str:
        return "$__file{" + self.path + "}"

    def resolve(self) -> str:
        try:
            value = Path(self.path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"secret file {self.path} cannot be read: {exc.strerror}"
            ) from None
        if not value:
            raise ConfigError(f"secret file {self.path} is empty")
        return value

    def __str__(self) -> str:
        return f"file:{self.path}"


Secret = Annotated[EnvSecret | FileSecret, Field(discriminator="kind")]


def env(name: str) -> EnvSecret:
    """Refer to a secret held in the environment variable ``name``."""
    return EnvSecret(name=name)


def from_file(path: str) -> FileSecret:
    """Refer to a secret held in the file at ``path`` (on the Grafana host)."""
    return FileSecret(path=path)
