"""mt5dash: the MT5 hub's Grafana monitoring as code."""

__version__ = "0.1.0"
