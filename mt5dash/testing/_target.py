"""A Grafana to test against: a fresh FakeGrafana or a real one from the environment."""

from __future__ import annotations

import os
import secrets
from typing import Any

from mt5dash.testing._server import FakeGrafana

URL_VARIABLE = "MT5DASH_TEST_GRAFANA_URL"
TOKEN_VARIABLE = "MT5DASH_TEST_GRAFANA_TOKEN"
USER_VARIABLE = "MT5DASH_TEST_GRAFANA_USER"
PASSWORD_VARIABLE = "MT5DASH_TEST_GRAFANA_PASSWORD"

Auth = str | tuple[str, str]


class FakeOnly(Exception):
    """A fake-only helper was used against a real Grafana."""


class GrafanaTarget:
    """The Grafana a test talks to, real or fake, with the same helpers.

    ``auth`` is what ``grafana_client.GrafanaApi`` takes: a token string or a
    ``(user, password)`` tuple, with server-admin and org-Admin rights.
    ``create_token``, ``add_user`` and ``unique`` work on both; every other
    attribute is the fake's and raises ``FakeOnly`` against a real Grafana.
    """

    def __init__(self, url: str, auth: Auth, fake: FakeGrafana | None = None) -> None:
        self.url = url.rstrip("/")
        self.auth = auth
        self.fake = fake

    @property
    def is_fake(self) -> bool:
        return self.fake is not None

    def api(self, auth: Auth | None = None) -> Any:
        """A ``grafana_client.GrafanaApi`` for this Grafana, admin by default."""
        from grafana_client import GrafanaApi

        return GrafanaApi.from_url(self.url, credential=auth or self.auth)

    @property
    def version(self) -> str:
        """The Grafana version, as ``GET /api/health`` reports it."""
        if self.fake is not None:
            return self.fake.version
        return str(self.api().client.GET("/health")["version"])

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    def unique(self, prefix: str) -> str:
        """``prefix`` with a random suffix, so runs on a real Grafana never clash."""
        return f"{prefix}-{secrets.token_hex(4)}"

    def create_token(self, role: str = "Admin") -> str:
        """A service-account token in org 1 with that org role."""
        if self.fake is not None:
            return self.fake.create_token(role)
        api = self.api()
        account = api.serviceaccount.create(
            {"name": self.unique(f"mt5dash-test-{role.lower()}"), "role": role}
        )
        token = api.serviceaccount.create_token(account["id"], {"name": "test"})
        return str(token["key"])

    def add_user(
        self,
        login: str,
        password: str,
        role: str = "Editor",
        is_grafana_admin: bool = False,
    ) -> int:
        """Create a user in org 1 with ``role``; returns its id."""
        if self.fake is not None:
            return self.fake.add_user(login, password, role, is_grafana_admin)
        api = self.api()
        created = api.admin.create_user(
            {"login": login, "email": login, "name": login, "password": password}
        )
        user_id = int(created["id"])
        api.organization.update_user_current_organization(user_id, {"role": role})
        if is_grafana_admin:
            api.admin.change_user_permissions(user_id, True)
        return user_id

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._fake_for(name), name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("url", "auth", "fake"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._fake_for(name), name, value)

    def _fake_for(self, name: str) -> FakeGrafana:
        fake = self.__dict__.get("fake")
        if fake is None:
            raise FakeOnly(
                f"{name} needs the fake Grafana, and {URL_VARIABLE} points the "
                "tests at a real one"
            )
        return fake


def real_target_from_env() -> GrafanaTarget | None:
    """The real Grafana named by the environment, or None when none is."""
    url = os.environ.get(URL_VARIABLE)
    if not url:
        return None
    token = os.environ.get(TOKEN_VARIABLE)
    user = os.environ.get(USER_VARIABLE)
    password = os.environ.get(PASSWORD_VARIABLE)
    if token:
        return GrafanaTarget(url, token)
    if user and password:
        return GrafanaTarget(url, (user, password))
    raise RuntimeError(
        f"{URL_VARIABLE} is set: set {TOKEN_VARIABLE}, or {USER_VARIABLE} and "
        f"{PASSWORD_VARIABLE}, to a server admin of that Grafana"
    )
