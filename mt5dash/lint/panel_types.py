"""The panel plugin ids Grafana 11 ships, the one list lint checks types against.

From ``public/app/plugins/panel/`` of Grafana 11 (``id`` of each
``plugin.json``), plus ``row``, which is no plugin but a panel type. Ids are
case-sensitive (``nodeGraph``). Angular panels such as ``graph``,
``singlestat`` and ``table-old`` are listed because Grafana 11, without
Angular, migrates them on load to ``timeseries``, ``stat`` and ``table``
(docs: *Angular support deprecation*).
"""

from __future__ import annotations

CORE_PANEL_TYPES = frozenset(
    {
        "alertGroups",
        "alertlist",
        "annolist",
        "barchart",
        "bargauge",
        "candlestick",
        "canvas",
        "dashlist",
        "datagrid",
        "debug",
        "flamegraph",
        "gauge",
        "geomap",
        "gettingstarted",
        "heatmap",
        "histogram",
        "live",
        "logs",
        "news",
        "nodeGraph",
        "piechart",
        "row",
        "stat",
        "state-timeline",
        "status-history",
        "table",
        "text",
        "timeseries",
        "traces",
        "trend",
        "welcome",
        "xychart",
        # Angular panels migrated on load.
        "graph",
        "singlestat",
        "table-old",
        "grafana-singlestat-panel",
        "grafana-piechart-panel",
        "grafana-worldmap-panel",
    }
)
