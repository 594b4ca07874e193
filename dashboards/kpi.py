"""MT5 Hub KPI: how the strategies perform and whether their data is fresh."""

from dashboards.hub import FRESHNESS, KPI_DASHBOARD, KPI_FOLDER, LATENCY, SHARPE
from mt5dash import Dashboard, QueryVariable, Row

kpi = Dashboard(
    uid=KPI_DASHBOARD,
    title="MT5 Hub KPI",
    folder=KPI_FOLDER.uid,
    tags=["mt5", "kpi"],
    description="Sharpe ratio, market data freshness and request latency.",
    refresh="1m",
    time_from="now-24h",
    variables=[
        QueryVariable(
            name="symbol",
            label="Symbol",
            query="label_values(sharpe_ratio_last, symbol)",
            multi=True,
            include_all=True,
            all_value=".*",
        ),
        QueryVariable(
            name="strategy",
            label="Strategy",
            query='label_values(sharpe_ratio_last{symbol=~"$symbol"}, strategy)',
            multi=True,
            include_all=True,
            all_value=".*",
        ),
    ],
    panels=[
        Row(title="Performance", panels=list(SHARPE.panels)),
        Row(title="Market data", panels=list(FRESHNESS.panels)),
        Row(title="Requests", panels=list(LATENCY.panels)),
        Row(
            title="Runbooks",
            collapsed=True,
            panels=[
                SHARPE.runbook_panel("Runbook: Sharpe ratio low"),
                FRESHNESS.runbook_panel("Runbook: market data stale"),
                LATENCY.runbook_panel("Runbook: request latency high"),
            ],
        ),
    ],
)
