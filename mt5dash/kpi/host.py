"""KPI bundle of the host: disk usage from node_exporter."""

from __future__ import annotations

import math
import re

from mt5dash.kpi.bundle import KpiBundle, minutes, quiet_times, step_example
from mt5dash.model import AlertExample, AlertRule
from mt5dash.panels import gauge, timeseries

# The labels of the example filesystem in the rules' promtool examples.
_EXAMPLE_FS = {"fstype": "ext4", "instance": "hub", "mountpoint": "/"}

DISK_RUNBOOK = """\
### Disk almost full / filling up

**Meaning.** A filesystem of the hub is more than {percent}% used, or at its
rate of the last {trend} it will be full within {hours} hours. When the disk is
full, MetaTrader 5 stops writing history and Prometheus stops storing samples.

**Check.** `df -h` and `du -xh --max-depth=2 <mountpoint> | sort -h | tail`
on the host; old tick exports, logs and Docker images are the usual cause.

**Act.** Delete or archive old exports and logs, prune unused Docker images,
or grow the volume.
"""


def disk_usage(
    *,
    selector: str = 'fstype!~"tmpfs|overlay|squashfs",mountpoint!~"/boot.*"',
    percent: float = 90,
    predict_hours: int = 24,
    trend: str = "6h",
    for_: str = "15m",
    uid: str = "mt5-disk-almost-full",
    predict_uid: str = "mt5-disk-filling-up",
    severity: str = "critical",
    predict_severity: str = "warning",
    dashboard: str | None = None,
) -> KpiBundle:
    """Percent used per filesystem, alerting above ``percent``, and a second
    rule when the free space, extrapolated over ``trend``, runs out within
    ``predict_hours``.

    Uses node_exporter's ``node_filesystem_avail_bytes`` and
    ``node_filesystem_size_bytes``; ``selector`` picks the filesystems.
    """
    avail = f"node_filesystem_avail_bytes{{{selector}}}"
    size = f"node_filesystem_size_bytes{{{selector}}}"
    used = f"100 * (1 - {avail} / {size})"
    steps = ((None, "green"), (percent - 10, "yellow"), (percent, "red"))
    panels = (
        gauge(
            "Disk used", used, legend="{{mountpoint}}", thresholds=steps, size=(8, 8)
        ),
        timeseries(
            "Disk used over time",
            used,
            unit="percent",
            legend="{{mountpoint}}",
            thresholds=steps,
            show_thresholds=True,
            size=(16, 8),
        ),
    )
    full = AlertRule(
        uid=uid,
        title="Disk almost full",
        when=f"max by (instance, mountpoint) ({used}) above {percent:g} for {for_}",
        labels={"severity": severity, "kpi": "disk"},
        summary="{{ $labels.mountpoint }} is {{ $values.B }}% full",
        description=f"A filesystem is more than {percent:g}% used.",
        dashboard=dashboard,
        panel="Disk used" if dashboard else None,
        examples=_full_examples(selector, percent, for_),
    )
    horizon = predict_hours * 3600
    filling = AlertRule(
        uid=predict_uid,
        title="Disk filling up",
        when=(
            "min by (instance, mountpoint) "
            f"(predict_linear({avail}[{trend}], {horizon})) below 0 for {for_}"
        ),
        labels={"severity": predict_severity, "kpi": "disk"},
        summary="{{ $labels.mountpoint }} will be full within "
        + f"{predict_hours} hours",
        description=f"At the rate of the last {trend}, free space runs out soon.",
        dashboard=dashboard,
        panel="Disk used over time" if dashboard else None,
        examples=[_filling_example(selector, predict_hours, for_)],
    )
    runbook = DISK_RUNBOOK.format(
        percent=f"{percent:g}", trend=trend, hours=predict_hours
    )
    return KpiBundle(panels, (full, filling), runbook)


def _example_fs(selector: str) -> str:
    """Labels of an example filesystem that ``selector``'s equality matchers keep."""
    labels = dict(_EXAMPLE_FS)
    labels.update(re.findall(r'(\w+)\s*=\s*"([^"]*)"', selector.replace("!=", "~~")))
    return "{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}"


def _full_examples(selector: str, percent: float, for_: str) -> list[AlertExample]:
    """Used space goes from 20 points under ``percent`` to halfway to 100%."""
    if percent >= 100:
        return []
    fs = _example_fs(selector)
    healthy = 100 - max(percent - 20, 0)
    example = step_example(
        {
            f"node_filesystem_avail_bytes{fs}": (healthy, (100 - percent) / 2),
            f"node_filesystem_size_bytes{fs}": (100, 100),
        },
        for_,
        before=5,
    )
    return [example]


def _filling_example(selector: str, hours: int, for_: str) -> AlertExample:
    """Free space falls fast enough to be gone twice over within ``hours``."""
    start = 10**9
    per_minute = math.ceil(2 * start * 60 / (hours * 3600)) + 1
    wait = minutes(for_)
    return AlertExample(
        series={
            f"node_filesystem_avail_bytes{_example_fs(selector)}": (
                f"{start}-{per_minute}x{wait + 12}"
            )
        },
        # predict_linear needs two samples: the condition holds from minute 1.
        fires_at=[f"{wait + 2}m"],
        quiet_at=quiet_times(1, wait),
    )
