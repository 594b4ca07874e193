"""MT5 Host: the server the hub runs on, from node_exporter."""

from dashboards.hub import DISK, HOST_DASHBOARD, HOST_FOLDER
from mt5dash import Dashboard, QueryVariable, Row
from mt5dash.panels import timeseries

CPU = (
    '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle",'
    'instance=~"$instance"}[$__rate_interval])))'
)
MEMORY = (
    '100 * (1 - node_memory_MemAvailable_bytes{instance=~"$instance"} '
    '/ node_memory_MemTotal_bytes{instance=~"$instance"})'
)
LOAD = 'node_load5{instance=~"$instance"}'

host = Dashboard(
    uid=HOST_DASHBOARD,
    title="MT5 Host",
    folder=HOST_FOLDER.uid,
    tags=["mt5", "host"],
    description="CPU, memory, load and disk of the hub's server.",
    variables=[
        QueryVariable(
            name="instance",
            label="Host",
            query="label_values(node_uname_info, instance)",
            multi=True,
            include_all=True,
            all_value=".*",
        )
    ],
    panels=[
        Row(title="Disk", panels=list(DISK.panels)),
        Row(
            title="Compute",
            panels=[
                timeseries("CPU used", CPU, unit="percent", legend="{{instance}}"),
                timeseries(
                    "Memory used", MEMORY, unit="percent", legend="{{instance}}"
                ),
                timeseries("Load (5 min)", LOAD, legend="{{instance}}"),
            ],
        ),
        Row(
            title="Runbooks",
            collapsed=True,
            panels=[DISK.runbook_panel("Runbook: disk almost full")],
        ),
    ],
)
