"""Test helpers for projects that push to Grafana.

``FakeGrafana`` is an in-process Grafana 11/12 over real HTTP on loopback;
the pytest plugin (``mt5dash.testing.pytest_plugin``) gives tests a fresh one,
or a real Grafana when ``MT5DASH_TEST_GRAFANA_URL`` is set, as a
``GrafanaTarget``.
"""

from mt5dash.testing._server import Call, FakeGrafana
from mt5dash.testing._target import FakeOnly, GrafanaTarget

__all__ = ["Call", "FakeGrafana", "FakeOnly", "GrafanaTarget"]
