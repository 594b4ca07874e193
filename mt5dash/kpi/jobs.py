"""KPI bundle of the hub's scheduled (cron) jobs."""

from __future__ import annotations

from mt5dash.kpi.bundle import KpiBundle, minutes, quiet_times, step_example
from mt5dash.model import AlertExample, AlertRule
from mt5dash.panels import stat, table

JOBS_RUNBOOK = """\
### Scheduled job missed or failed

**Meaning.** A scheduled job has not succeeded for more than {max_age} hours
(missed: cron did not run it, or it kept failing), or its last run exited with
a non-zero status (failed).

**Check.** `journalctl -u cron` and the job's own log; run the job by hand
through `mt5dash publish job --name <job> -- <command>` to see its output.

**Act.** Fix the cause and run the job once by hand; the alert resolves when
the job succeeds.
"""


def scheduled_jobs(
    *,
    success_metric: str = "cron_job_last_success_timestamp_seconds",
    status_metric: str = "cron_job_last_exit_status",
    label: str = "job",
    max_age_hours: float = 26,
    for_: str = "5m",
    missed_uid: str = "mt5-job-missed",
    failed_uid: str = "mt5-job-failed",
    severity: str = "critical",
    dashboard: str | None = None,
) -> KpiBundle:
    """Hours since each job's last success and its last exit status, alerting
    when a job has not succeeded for ``max_age_hours`` or its last run failed.
    """
    age = f"(time() - {success_metric}) / 3600"
    legend = "{{" + label + "}}"
    panels = (
        table(
            "Hours since last success",
            age,
            unit="h",
            legend=legend,
            thresholds=((None, "green"), (max_age_hours, "red")),
            size=(16, 8),
        ),
        stat(
            "Last exit status",
            status_metric,
            legend=legend,
            thresholds=((None, "green"), (1, "red")),
            size=(8, 8),
        ),
    )
    missed = AlertRule(
        uid=missed_uid,
        title="Scheduled job missed",
        when=f"max by ({label}) ({age}) above {max_age_hours:g} for {for_}",
        labels={"severity": severity, "kpi": "jobs"},
        summary=_label(label) + " last succeeded {{ $values.B }} hours ago",
        description=f"No successful run for more than {max_age_hours:g} hours.",
        dashboard=dashboard,
        panel="Hours since last success" if dashboard else None,
        examples=_missed_examples(success_metric, label, max_age_hours, for_),
    )
    failed = AlertRule(
        uid=failed_uid,
        title="Scheduled job failed",
        when=f"max by ({label}) ({status_metric}) above 0 for {for_}",
        labels={"severity": severity, "kpi": "jobs"},
        summary=_label(label) + " exited with status {{ $values.B }}",
        description="The last run of a scheduled job exited with a non-zero status.",
        dashboard=dashboard,
        panel="Last exit status" if dashboard else None,
        examples=[step_example({_series(status_metric, label): (0, 2)}, for_)],
    )
    return KpiBundle(
        panels, (missed, failed), JOBS_RUNBOOK.format(max_age=f"{max_age_hours:g}")
    )


def _label(label: str) -> str:
    return "Job {{ $labels." + label + " }}"


def _series(metric: str, label: str) -> str:
    return f'{metric}{{{label}="export-ticks"}}'


def _missed_examples(
    metric: str, label: str, max_age_hours: float, for_: str
) -> list[AlertExample]:
    """A job whose last success is twice ``max_age_hours`` before the test's
    start fires once ``for_`` has passed; one succeeding every minute never."""
    wait = minutes(for_)
    stale = -round(2 * max_age_hours * 3600)
    return [
        AlertExample(
            series={_series(metric, label): f"{stale}x{wait + 10}"},
            fires_at=[f"{wait}m"],
            quiet_at=quiet_times(0, wait + 1),
        ),
        AlertExample(
            series={_series(metric, label): f"0+60x{wait + 10}"},
            quiet_at=[f"{wait + 5}m"],
        ),
    ]
