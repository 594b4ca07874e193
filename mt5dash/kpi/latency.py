"""KPI bundle of the hub's request latency, from a Prometheus histogram."""

from __future__ import annotations

from mt5dash.kpi.bundle import KpiBundle, minutes
from mt5dash.model import AlertExample, AlertRule
from mt5dash.panels import timeseries

LATENCY_RUNBOOK = """\
### Request latency high

**Meaning.** The {quantile_pct}th percentile of request duration stayed above
{threshold} s for {for_}: orders and queries through the hub are slow.

**Check.** CPU and disk of the host, the broker connection of the MetaTrader 5
terminal, and which handler is slow (the panel splits by handler).

**Act.** Restart the slow service or move load off the host; tell the broker
if the delay is on their side.
"""


def request_latency(
    *,
    metric: str = "mt5_request_duration_seconds",
    quantile: float = 0.95,
    threshold_seconds: float = 0.5,
    by: tuple[str, ...] = ("handler",),
    rate_window: str = "5m",
    for_: str = "10m",
    uid: str = "mt5-latency-high",
    severity: str = "warning",
    dashboard: str | None = None,
) -> KpiBundle:
    """The ``quantile`` of request duration per ``by`` labels, from the
    histogram ``metric`` (its ``_bucket`` series), alerting above
    ``threshold_seconds``.

    The panel uses ``$__rate_interval``; the rule, which Grafana evaluates
    without a dashboard, uses ``rate_window``.
    """
    labels = ", ".join(("le", *by))
    legend = " ".join("{{" + b + "}}" for b in by)

    def p(window: str) -> str:
        rate = f"rate({metric}_bucket[{window}])"
        return f"histogram_quantile({quantile:g}, sum by ({labels}) ({rate}))"

    steps = ((None, "green"), (threshold_seconds, "red"))
    title = f"Request latency p{quantile * 100:g}"
    panels = (
        timeseries(
            title,
            p("$__rate_interval"),
            unit="s",
            legend=legend,
            thresholds=steps,
            show_thresholds=True,
            size=(24, 8),
        ),
    )
    rule = AlertRule(
        uid=uid,
        title="Request latency high",
        when=f"{p(rate_window)} above {threshold_seconds:g} for {for_}",
        labels={"severity": severity, "kpi": "latency"},
        summary=f"p{quantile * 100:g} latency of "
        + "{{ $labels."
        + by[0]
        + " }} is {{ $values.B }} s",
        description=(
            f"Requests are slower than {threshold_seconds:g} s at p{quantile * 100:g}."
        ),
        dashboard=dashboard,
        panel=title if dashboard else None,
        examples=_examples(metric, by, quantile, threshold_seconds, for_, rate_window),
    )
    runbook = LATENCY_RUNBOOK.format(
        quantile_pct=f"{quantile * 100:g}", threshold=threshold_seconds, for_=for_
    )
    return KpiBundle(panels, (rule,), runbook)


def _bucket(metric: str, by: tuple[str, ...], le: float | str) -> str:
    labels = "".join(f'{label}="orders",' for label in by)
    bound = le if isinstance(le, str) else f"{le:g}"
    return f'{metric}_bucket{{{labels}le="{bound}"}}'


def _examples(
    metric: str,
    by: tuple[str, ...],
    quantile: float,
    threshold: float,
    for_: str,
    rate_window: str,
) -> list[AlertExample]:
    """60 requests a minute, all faster than half the threshold for 5 minutes,
    then all between half and twice the threshold.

    Afterwards the quantile is interpolated inside the slow bucket at
    ``threshold * (0.5 + 1.5 * quantile)``, above the threshold for any
    quantile over 1/3. Below that, or with a ``rate_window`` under two minutes
    (the examples sample once a minute), the examples are left out.
    """
    if quantile <= 1 / 3 or minutes(rate_window) < 2:
        return []
    change, wait = 5, minutes(for_)
    length = change + wait + 12
    return [
        AlertExample(
            series={
                _bucket(metric, by, threshold / 2): f"0+60x{change} 300x{length}",
                _bucket(metric, by, threshold * 2): f"0+60x{change + length}",
                _bucket(metric, by, "+Inf"): f"0+60x{change + length}",
            },
            # The rate window sees the slow requests within a minute.
            fires_at=[f"{change + 1 + wait}m"],
            quiet_at=[f"{change - 1}m"],
        )
    ]
