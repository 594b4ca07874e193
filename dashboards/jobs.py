"""MT5 Scheduled Jobs: when each cron job last succeeded and how it ended."""

from dashboards.hub import JOBS, JOBS_DASHBOARD, JOBS_FOLDER
from mt5dash import Dashboard
from mt5dash.panels import timeseries

jobs = Dashboard(
    uid=JOBS_DASHBOARD,
    title="MT5 Scheduled Jobs",
    folder=JOBS_FOLDER.uid,
    tags=["mt5", "jobs"],
    description="Health of the hub's scheduled jobs, from their heartbeats.",
    panels=[
        *JOBS.panels,
        timeseries(
            "Job duration",
            "cron_job_last_duration_seconds",
            unit="s",
            legend="{{job}}",
        ),
        JOBS.runbook_panel("Runbook: scheduled job missed or failed"),
    ],
)
