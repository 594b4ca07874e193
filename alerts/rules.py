"""The hub's alert rules, grouped by the folder of the dashboard they link to."""

from dashboards.hub import (
    DISK,
    FRESHNESS,
    HOST_FOLDER,
    JOBS,
    JOBS_FOLDER,
    KPI_FOLDER,
    LATENCY,
    SHARPE,
)
from mt5dash import RuleGroup

trading = RuleGroup(
    name="mt5-trading",
    folder=KPI_FOLDER.uid,
    interval="1m",
    rules=[*SHARPE.rules, *FRESHNESS.rules, *LATENCY.rules],
)
host = RuleGroup(
    name="mt5-host", folder=HOST_FOLDER.uid, interval="1m", rules=list(DISK.rules)
)
jobs = RuleGroup(
    name="mt5-jobs", folder=JOBS_FOLDER.uid, interval="1m", rules=list(JOBS.rules)
)
