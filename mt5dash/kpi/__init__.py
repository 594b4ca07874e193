"""Ready-made monitoring for the hub's KPIs: panels, alert rules, runbooks.

Metric names, labels and thresholds are parameters with documented defaults;
the defaults match what ``mt5dash publish`` and node_exporter expose.
"""

from mt5dash.kpi.bundle import KpiBundle
from mt5dash.kpi.host import disk_usage
from mt5dash.kpi.jobs import scheduled_jobs
from mt5dash.kpi.latency import request_latency
from mt5dash.kpi.trading import data_freshness, sharpe_ratio

__all__ = [
    "KpiBundle",
    "data_freshness",
    "disk_usage",
    "request_latency",
    "scheduled_jobs",
    "sharpe_ratio",
]
