"""Job heartbeats: a real command is run, then its outcome is published."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mt5dash.kpisource import PublishError, last_success, run_job

START = "cron_job_last_start_timestamp_seconds"
SUCCESS = "cron_job_last_success_timestamp_seconds"
STATUS = "cron_job_last_exit_status"
DURATION = "cron_job_last_duration_seconds"


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_success_publishes_all_four_gauges(textfile_dir: Path, read_samples) -> None:
    run = run_job(textfile_dir, "ticks_download", python("pass"))

    job = (("job", "ticks_download"),)
    assert run.exit_status == 0
    assert read_samples(textfile_dir) == {
        (START, job): run.start,
        (SUCCESS, job): run.start,
        (STATUS, job): 0.0,
        (DURATION, job): run.duration,
    }


def test_failure_keeps_the_previous_success(textfile_dir: Path, read_samples) -> None:
    first = run_job(textfile_dir, "report", python("pass"))
    second = run_job(textfile_dir, "report", python("raise SystemExit(3)"))

    job = (("job", "report"),)
    assert second.exit_status == 3
    assert second.start >= first.start
    assert read_samples(textfile_dir)[(SUCCESS, job)] == first.start
    assert read_samples(textfile_dir)[(STATUS, job)] == 3.0
    assert read_samples(textfile_dir)[(START, job)] == second.start


def test_job_that_never_succeeded_has_no_success_time(
    textfile_dir: Path, read_samples
) -> None:
    run_job(textfile_dir, "report", python("raise SystemExit(1)"))

    published = {name for name, _ in read_samples(textfile_dir)}
    assert published == {START, STATUS, DURATION}
    assert last_success(textfile_dir, "report") is None


def test_jobs_do_not_overwrite_each_other(textfile_dir: Path, read_samples) -> None:
    run_job(textfile_dir, "a", python("pass"))
    run_job(textfile_dir, "b", python("raise SystemExit(2)"))

    assert read_samples(textfile_dir)[(STATUS, (("job", "a"),))] == 0.0
    assert read_samples(textfile_dir)[(STATUS, (("job", "b"),))] == 2.0


def test_command_not_found_gets_status_127(textfile_dir: Path, read_samples) -> None:
    run = run_job(textfile_dir, "x", [str(textfile_dir / "no-such-command")])

    assert run.exit_status == 127
    assert read_samples(textfile_dir)[(STATUS, (("job", "x"),))] == 127.0


def test_killed_command_gets_128_plus_signal(textfile_dir: Path) -> None:
    run = run_job(
        textfile_dir, "x", python("import os, signal; os.kill(os.getpid(), 9)")
    )
    assert run.exit_status == 137


def test_missing_textfile_dir_fails_before_running(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(PublishError):
        run_job(tmp_path / "absent", "x", python(f"open({str(marker)!r}, 'w')"))
    assert not marker.exists()


def test_empty_command_is_an_error(textfile_dir: Path) -> None:
    with pytest.raises(PublishError) as info:
        run_job(textfile_dir, "x", [])
    assert str(info.value.problems[0]) == "job 'x': no command to run"


def test_empty_job_name_is_refused_before_running(
    tmp_path: Path, textfile_dir: Path
) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(PublishError) as info:
        run_job(textfile_dir, "", python(f"open({str(marker)!r}, 'w')"))
    assert [str(p) for p in info.value.problems] == [
        "job '': job: the label value '' is empty; give a non-blank value"
    ]
    assert not marker.exists()
    assert list(textfile_dir.iterdir()) == []
