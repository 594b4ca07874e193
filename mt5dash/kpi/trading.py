"""KPI bundles of the trading strategies: Sharpe ratio and data freshness."""

from __future__ import annotations

import math

from mt5dash.kpi.bundle import KpiBundle, minutes, quiet_times, step_example
from mt5dash.model import AlertExample, AlertRule
from mt5dash.panels import stat, timeseries

SHARPE_RUNBOOK = """\
### Sharpe ratio low

**Meaning.** The annualised Sharpe ratio of a strategy on a symbol stayed
below {threshold} for {for_}: its returns no longer pay for their risk.

**Check.** Compare with the strategy's backtest and the symbol's volatility;
look for a broken data feed (see *Data freshness*) before blaming the strategy.

**Act.** Reduce the strategy's size or pause it on that symbol; tell its owner.
"""

FRESHNESS_RUNBOOK = """\
### Market data stale

**Meaning.** The newest market data of a source is more than {max_age} hours old
for {for_}: strategies trade on old prices or stop.

**Check.** Is the MetaTrader 5 terminal connected? Did the export job run
(see *Scheduled jobs*)? Is the disk full? Does `mt5dash publish data-age` still
run (the age also grows when it stops)?

**Act.** Restart the terminal or the export job; pause strategies that read the
stale source until data flows again.
"""


def sharpe_ratio(
    *,
    metric: str = "sharpe_ratio_last",
    labels: tuple[str, ...] = ("strategy", "symbol"),
    threshold: float = 0.5,
    for_: str = "10m",
    uid: str = "mt5-sharpe-low",
    severity: str = "warning",
    panel_selector: str = 'symbol=~"$symbol"',
    dashboard: str | None = None,
) -> KpiBundle:
    """The latest Sharpe ratio per strategy and symbol, alerting below ``threshold``.

    ``metric`` is a gauge with one series per ``labels`` combination;
    ``panel_selector`` filters the panels (by default on a ``symbol``
    variable) and is left out of the alert rule.
    """
    by = ", ".join(labels)
    legend = " ".join("{{" + label + "}}" for label in labels)
    selector = f"{metric}{{{panel_selector}}}" if panel_selector else metric
    steps = ((None, "red"), (threshold, "yellow"), (1.0, "green"))
    panels = (
        stat(
            "Latest Sharpe Ratio",
            selector,
            legend=legend,
            decimals=2,
            thresholds=steps,
            size=(8, 8),
        ),
        timeseries(
            "Sharpe ratio over time",
            selector,
            legend=legend,
            thresholds=steps,
            show_thresholds=True,
            size=(16, 8),
        ),
    )
    first = labels[0]
    rule = AlertRule(
        uid=uid,
        title="Sharpe ratio low",
        when=f"min by ({by}) ({metric}) below {threshold} for {for_}",
        labels={"severity": severity, "kpi": "sharpe"},
        summary="Sharpe ratio of {{ $labels." + first + " }} is {{ $values.B }}",
        description=(
            "The annualised Sharpe ratio stayed below "
            f"{threshold} for {for_}. Labels: {{{{ $labels }}}}"
        ),
        dashboard=dashboard,
        panel="Latest Sharpe Ratio" if dashboard else None,
        examples=[
            step_example(
                {_series(metric, labels): (threshold + 1, threshold - 0.2)}, for_
            )
        ],
    )
    runbook = SHARPE_RUNBOOK.format(threshold=threshold, for_=for_)
    return KpiBundle(panels, (rule,), runbook)


def data_freshness(
    *,
    timestamp_metric: str = "data_newest_timestamp_seconds",
    label: str = "source",
    max_age_hours: float = 2,
    for_: str = "15m",
    uid: str = "mt5-data-stale",
    severity: str = "critical",
    dashboard: str | None = None,
) -> KpiBundle:
    """Hours since each data source's newest file, alerting above ``max_age_hours``.

    ``timestamp_metric`` is a gauge holding the Unix time of each source's
    newest file, one series per ``label`` value (``mt5dash publish
    data-age`` writes it). The age is computed from it at query time, so it
    keeps growing when the publisher stops.
    """
    age = f"(time() - {timestamp_metric}) / 3600"
    steps = ((None, "green"), (max_age_hours / 2, "yellow"), (max_age_hours, "red"))
    legend = "{{" + label + "}}"
    panels = (
        stat(
            "Market data age",
            age,
            unit="h",
            legend=legend,
            decimals=1,
            thresholds=steps,
            size=(8, 8),
        ),
        timeseries(
            "Market data age over time",
            age,
            unit="h",
            legend=legend,
            thresholds=steps,
            show_thresholds=True,
            size=(16, 8),
        ),
    )
    rule = AlertRule(
        uid=uid,
        title="Market data stale",
        when=f"max by ({label}) ({age}) above {max_age_hours:g} for {for_}",
        labels={"severity": severity, "kpi": "data_freshness"},
        summary="Data of {{ $labels." + label + " }} is {{ $values.B }} hours old",
        description=f"No new market data for more than {max_age_hours:g} hours.",
        dashboard=dashboard,
        panel="Market data age" if dashboard else None,
        examples=_freshness_examples(timestamp_metric, label, max_age_hours, for_),
    )
    runbook = FRESHNESS_RUNBOOK.format(max_age=f"{max_age_hours:g}", for_=for_)
    return KpiBundle(panels, (rule,), runbook)


def _freshness_examples(
    metric: str, label: str, max_age_hours: float, for_: str
) -> list[AlertExample]:
    """A publisher that stops after minute 1: its last timestamp stands still
    and the age crosses ``max_age_hours`` half a minute before ``crossing``,
    about three quarters of ``max_age_hours`` later. One that keeps publishing
    the same fresh age never fires.
    """
    crossing = math.ceil(max_age_hours * 45) + 2
    last = round((crossing - 0.5) * 60 - max_age_hours * 3600)
    wait = minutes(for_)
    samples = crossing + wait + 10
    series = _series(metric, (label,))
    return [
        AlertExample(
            series={series: f"{last - 60}+60x1 {last}x{samples}"},
            fires_at=[f"{crossing + wait}m"],
            quiet_at=quiet_times(crossing, wait),
        ),
        AlertExample(
            series={series: f"{last - 60}+60x{samples}"},
            quiet_at=[f"{crossing + wait}m"],
        ),
    ]


def _series(metric: str, labels: tuple[str, ...]) -> str:
    """An example series of ``metric`` with a sample value for each label."""
    samples = {"strategy": "trend-eurusd", "symbol": "EURUSD", "source": "mt5-ticks"}
    inner = ", ".join(f'{label}="{samples.get(label, "example")}"' for label in labels)
    return f"{metric}{{{inner}}}"
