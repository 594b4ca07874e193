"""The names and labels of the metrics the hub publishes and its dashboards query.

Dashboards, alert rules and the KPI source import these constants, so a
renamed metric breaks the build instead of leaving a panel empty.
"""

from __future__ import annotations

SHARPE_RATIO = "sharpe_ratio_last"
SHARPE_LABELS = ("strategy", "symbol")

# The age is computed in PromQL from the timestamp, so it keeps growing when
# publishing stops; the hours are kept for queries written against them.
DATA_NEWEST_TIMESTAMP = "data_newest_timestamp_seconds"
DATA_AGE_HOURS = "data_age_hours"
DATA_AGE_LABELS = ("source",)

JOB_LAST_START = "cron_job_last_start_timestamp_seconds"
JOB_LAST_SUCCESS = "cron_job_last_success_timestamp_seconds"
JOB_LAST_EXIT_STATUS = "cron_job_last_exit_status"
JOB_LAST_DURATION = "cron_job_last_duration_seconds"
JOB_LABELS = ("job",)

REQUEST_DURATION = "mt5_request_duration_seconds"
REQUEST_DURATION_BUCKET = f"{REQUEST_DURATION}_bucket"
REQUEST_DURATION_LABELS = ("handler",)
# From a local cache hit (5 ms) to a slow broker round trip or a history
# download (30 s).
REQUEST_DURATION_BUCKETS = (
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
)  # fmt: skip

# Published by node_exporter's filesystem collector, not by mt5dash.
FILESYSTEM_AVAIL_BYTES = "node_filesystem_avail_bytes"
FILESYSTEM_SIZE_BYTES = "node_filesystem_size_bytes"

__all__ = [
    "DATA_AGE_HOURS",
    "DATA_AGE_LABELS",
    "DATA_NEWEST_TIMESTAMP",
    "FILESYSTEM_AVAIL_BYTES",
    "FILESYSTEM_SIZE_BYTES",
    "JOB_LABELS",
    "JOB_LAST_DURATION",
    "JOB_LAST_EXIT_STATUS",
    "JOB_LAST_START",
    "JOB_LAST_SUCCESS",
    "REQUEST_DURATION",
    "REQUEST_DURATION_BUCKET",
    "REQUEST_DURATION_BUCKETS",
    "REQUEST_DURATION_LABELS",
    "SHARPE_LABELS",
    "SHARPE_RATIO",
]
