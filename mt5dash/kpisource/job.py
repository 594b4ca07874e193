"""Heartbeats of scheduled jobs: when each last started, succeeded and how."""

from __future__ import annotations

import logging
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge

from mt5dash.kpisource import names, textfile
from mt5dash.kpisource.errors import PublishError
from mt5dash.kpisource.labels import check_label_values

log = logging.getLogger(__name__)

# The exit statuses a shell gives for a command it cannot run.
EXIT_NOT_EXECUTABLE = 126
EXIT_NOT_FOUND = 127


@dataclass(frozen=True)
class JobRun:
    """One run of a job: start time (Unix seconds), duration and exit status.

    ``last_success`` is the start of the latest successful run, this one or an
    earlier one, or None when the job never succeeded.
    """

    job: str
    start: float
    duration: float
    exit_status: int
    last_success: float | None


def run_job(directory: Path, job: str, command: Sequence[str]) -> JobRun:
    """Run ``command``, wait for it, then write the job's heartbeat.

    The command inherits stdin, stdout and stderr. A command that cannot be
    started gets the shell's exit status (127 not found, 126 not executable);
    one killed by signal N gets 128 + N.
    """
    check_label_values(f"job {job!r}", job=job)
    if not command:
        raise PublishError.one("no command to run", obj=f"job {job!r}")
    # Fail before the job runs, so a wrong setup shows when the job is set up.
    textfile.check_directory(directory)

    start = time.time()
    began = time.monotonic()
    status = _run(command)
    duration = time.monotonic() - began

    previous = last_success(directory, job)
    run = JobRun(
        job=job,
        start=start,
        duration=duration,
        exit_status=status,
        last_success=start if status == 0 else previous,
    )
    write_heartbeat(directory, run)
    return run


def _run(command: Sequence[str]) -> int:
    try:
        status = subprocess.run(list(command), check=False).returncode
    except FileNotFoundError:
        log.error("command not found: %s", command[0])
        return EXIT_NOT_FOUND
    except PermissionError:
        log.error("command not executable: %s", command[0])
        return EXIT_NOT_EXECUTABLE
    return 128 - status if status < 0 else status


def last_success(directory: Path, job: str) -> float | None:
    """The last success time of ``job`` in its heartbeat file, if there is one."""
    for family in textfile.read(directory / textfile.file_name("job", job)):
        for sample in family.samples:
            if sample.name == names.JOB_LAST_SUCCESS and sample.labels == {"job": job}:
                return sample.value
    return None


def write_heartbeat(directory: Path, run: JobRun) -> Path:
    """Write the ``cron_job_last_*`` gauges of one run of a job."""
    registry = CollectorRegistry()

    def gauge(name: str, help_text: str, value: float | None) -> None:
        if value is not None:
            g = Gauge(name, help_text, names.JOB_LABELS, registry=registry)
            g.labels(job=run.job).set(value)

    gauge(names.JOB_LAST_START, "Unix time the job last started.", run.start)
    gauge(
        names.JOB_LAST_SUCCESS,
        "Unix time the job last started a run that succeeded.",
        run.last_success,
    )
    gauge(
        names.JOB_LAST_EXIT_STATUS,
        "Exit status of the job's last run (0 is success).",
        run.exit_status,
    )
    gauge(names.JOB_LAST_DURATION, "Duration of the job's last run.", run.duration)
    return textfile.write(directory, textfile.file_name("job", run.job), registry)
