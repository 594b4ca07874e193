"""pytest fixtures of mt5dash.testing, loaded through the pytest11 entry point.

``grafana`` is a fresh FakeGrafana per test, or the real Grafana named by
``MT5DASH_TEST_GRAFANA_URL`` (with ``MT5DASH_TEST_GRAFANA_TOKEN``, or
``MT5DASH_TEST_GRAFANA_USER`` and ``MT5DASH_TEST_GRAFANA_PASSWORD``); there,
fake-only helpers skip the test. ``fake_grafana`` is always a fresh fake.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from mt5dash.testing._server import FakeGrafana
from mt5dash.testing._target import FakeOnly, GrafanaTarget, real_target_from_env


class SkippingTarget(GrafanaTarget):
    """A target whose fake-only helpers skip the test on a real Grafana."""

    def _fake_for(self, name: str) -> FakeGrafana:
        try:
            return super()._fake_for(name)
        except FakeOnly as reason:
            pytest.skip(str(reason))


@contextmanager
def open_target() -> Iterator[GrafanaTarget]:
    """The real Grafana from the environment, or a fresh fake while in the block."""
    real = real_target_from_env()
    if real is not None:
        yield SkippingTarget(real.url, real.auth)
        return
    with FakeGrafana() as fake:
        yield SkippingTarget(fake.url, (fake.admin_user, fake.admin_password), fake)


@pytest.fixture
def grafana() -> Iterator[GrafanaTarget]:
    """The Grafana under test: a fresh fake, or the real one from the environment."""
    with open_target() as target:
        yield target


@pytest.fixture
def fake_grafana() -> Iterator[FakeGrafana]:
    """A fresh, started FakeGrafana (for fault injection and direct state)."""
    with FakeGrafana() as fake:
        yield fake
