"""The hub's KPI source: the metrics its dashboards and alert rules query.

Scheduled jobs publish through node_exporter's textfile collector
(``publish_sharpe``, ``publish_data_age``, ``run_job``); services record
request latency with ``mt5dash.kpisource.latency`` and expose it with
``serve``. Metric names are constants in ``mt5dash.kpisource.names``.
"""

from mt5dash.kpisource.data_age import (
    data_age_hours,
    newest_file,
    newest_timestamp,
    publish_data_age,
)
from mt5dash.kpisource.errors import PublishError
from mt5dash.kpisource.job import JobRun, last_success, run_job, write_heartbeat
from mt5dash.kpisource.serve import serve
from mt5dash.kpisource.sharpe import publish_sharpe, read_returns, sharpe_ratio

__all__ = [
    "JobRun",
    "PublishError",
    "data_age_hours",
    "last_success",
    "newest_file",
    "newest_timestamp",
    "publish_data_age",
    "publish_sharpe",
    "read_returns",
    "run_job",
    "serve",
    "sharpe_ratio",
    "write_heartbeat",
]
