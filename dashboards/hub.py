"""The hub's own choices: datasources, folders, teams and KPI thresholds.

Dashboards and alert rules import the KPI bundles from here, so a threshold
is set once and the panel, the rule and the runbook agree.
"""

import mt5dash
from mt5dash import Datasource, Folder, Permission, Team

PROMETHEUS = Datasource.prometheus(
    uid="prometheus", url="http://prometheus:9090", scrape_interval="15s"
)
ALERTMANAGER = Datasource(
    name="Alertmanager",
    type="alertmanager",
    uid="alertmanager",
    url="http://alertmanager:9093",
    json_data={"implementation": "prometheus", "handleGrafanaManagedAlerts": False},
)

traders = Team(name="traders", email="traders@mt5-hub.example")
operators = Team(name="operators", email="ops@mt5-hub.example")

KPI_FOLDER = Folder(
    uid="mt5-kpi-folder",
    title="MT5 Hub",
    permissions=[
        Permission(team="traders", permission="View"),
        Permission(team="operators", permission="Edit"),
    ],
)
HOST_FOLDER = Folder(
    uid="mt5-host-folder",
    title="MT5 Host",
    permissions=[Permission(team="operators", permission="Edit")],
)
JOBS_FOLDER = Folder(
    uid="mt5-jobs-folder",
    title="MT5 Scheduled Jobs",
    permissions=[Permission(team="operators", permission="Edit")],
)

KPI_DASHBOARD = "mt5-hub-kpi"
HOST_DASHBOARD = "mt5-host"
JOBS_DASHBOARD = "mt5-jobs"

SHARPE = mt5dash.sharpe_ratio(
    threshold=0.5,
    for_="10m",
    panel_selector='symbol=~"$symbol",strategy=~"$strategy"',
    dashboard=KPI_DASHBOARD,
)
FRESHNESS = mt5dash.data_freshness(max_age_hours=2, for_="15m", dashboard=KPI_DASHBOARD)
LATENCY = mt5dash.request_latency(threshold_seconds=0.5, dashboard=KPI_DASHBOARD)
DISK = mt5dash.disk_usage(percent=90, predict_hours=24, dashboard=HOST_DASHBOARD)
JOBS = mt5dash.scheduled_jobs(max_age_hours=26, dashboard=JOBS_DASHBOARD)
