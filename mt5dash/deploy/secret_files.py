"""The deploy's secret files under ``.secrets/``: created private, never shown.

Layout (names relative to the secrets folder):

- ``grafana_admin_password``: the admin password, mounted as a Docker secret.
- ``grafana.env``: ``<secret_key_env>=<value>``, given to Grafana as an env file.
- ``grafana-provisioning.env``: the variables Grafana's configuration refers to
  (webhook URLs...), copied from the deploying shell's environment at each
  deploy; a second env file of the Grafana container.
- ``gh_runner_token``: the Actions runner registration token (made by the user).
- ``tls/grafana.crt`` and ``tls/grafana.key``: Grafana's certificate and key.

The folder is mode 0700 and every file 0600. Values are generated with the
``secrets`` module when absent and never logged or printed.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from mt5dash.errors import DeployError

ADMIN_PASSWORD = "grafana_admin_password"
GRAFANA_ENV = "grafana.env"
PROVISIONING_ENV = "grafana-provisioning.env"
RUNNER_TOKEN = "gh_runner_token"
TLS_CERT = "tls/grafana.crt"
TLS_KEY = "tls/grafana.key"

MIN_PASSWORD_LENGTH = 12
# Passwords tried first by anyone guessing; compared case-insensitively.
_COMMON_PASSWORDS = {
    "admin",
    "administrator",
    "password",
    "grafana",
    "changeme",
    "letmein",
    "welcome",
    "qwerty",
    "123456",
    "prom-operator",
}


def password_weakness(password: str, admin_user: str) -> str | None:
    """Why ``password`` is too weak for Grafana's admin, or None if it is not."""
    lowered = password.lower()
    if lowered in _COMMON_PASSWORDS or lowered == admin_user.lower():
        return "it is a common default password"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"it is shorter than {MIN_PASSWORD_LENGTH} characters"
    if len(set(password)) < 5:
        return "it uses fewer than 5 different characters"
    return None


class SecretFiles:
    """The secrets folder of a project; ``shown`` is its path as the user sees it."""

    def __init__(self, root: Path, shown: str) -> None:
        self.root = root
        self.shown = shown.rstrip("/")

    def path(self, name: str) -> Path:
        return self.root / name

    def label(self, name: str) -> str:
        """The file's name for messages: relative to the project."""
        return f"{self.shown}/{name}"

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def read(self, name: str) -> str:
        """The file's value with surrounding whitespace trimmed."""
        try:
            return self.path(name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise DeployError(
                f"{self.label(name)} cannot be read: {exc.strerror}"
            ) from None

    def write(self, name: str, content: str | bytes) -> None:
        """Write a file with mode 0600 inside folders with mode 0700."""
        target = self.path(name)
        folders = [self.root]
        for part in target.parent.relative_to(self.root).parts:
            folders.append(folders[-1] / part)
        for folder in folders:
            folder.mkdir(mode=0o700, exist_ok=True)
            folder.chmod(0o700)
        data = content.encode() if isinstance(content, str) else content
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        target.chmod(0o600)

    def generate(self, name: str, value: str) -> None:
        """Create ``name`` holding ``value`` unless it already exists."""
        if not self.exists(name):
            self.write(name, value)

    def env_value(self, name: str, key: str) -> str:
        """The value of ``key`` in the env file ``name``."""
        for line in self.read(name).splitlines():
            found, sep, value = line.partition("=")
            if sep and found.strip() == key and value.strip():
                return value.strip()
        raise DeployError(
            f"{self.label(name)} has no value for {key}; add a line {key}=<value> "
            "or delete the file to have one generated"
        )


def new_password() -> str:
    """A random admin password: 32 URL-safe characters."""
    return secrets.token_urlsafe(24)


def new_secret_key() -> str:
    """A random Grafana ``secret_key``: 64 hexadecimal characters."""
    return secrets.token_hex(32)
