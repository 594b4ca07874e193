"""``mt5dash deploy runner``: download, checksum, registration, unit, service."""

from __future__ import annotations

import hashlib
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mt5dash.cli.deploy_cmd  # noqa: F401  (registers the commands)
from mt5dash.cli.main import app
from mt5dash.deploy.systemd import runner_unit
from mt5dash.settings import load_settings
from tests.deploy.deploy_fakes import (
    ARCHIVE,
    ARCHIVE_PATH,
    REPO_URL,
    TOKEN,
    Recorder,
    Server,
    write_project,
    write_token,
)

cli = CliRunner()
UNIT = "actions-runner-mt5-hub.service"


def deploy(project: Path, *args: str):
    return cli.invoke(app, ["deploy", "runner", "--project", str(project), *args])


def log_text(project: Path) -> str:
    path = project / "docs" / "reports" / "deploy.log"
    return path.read_text() if path.is_file() else ""


@pytest.fixture
def project(tmp_path: Path, release_server: Server) -> Path:
    project = write_project(tmp_path, release_port=release_server.port)
    write_token(project)
    return project


def test_first_run_downloads_registers_and_starts_the_service(
    tmp_path: Path, project: Path, recorder: Recorder, release_server: Server
) -> None:
    result = deploy(project)

    assert result.exit_code == 0, result.stderr
    assert release_server.requests == [ARCHIVE_PATH]
    assert recorder.config_args() == [
        "--unattended",
        "--url", REPO_URL,
        "--token", TOKEN,
        "--name", "mt5-hub",
        "--labels", "self-hosted,mt5-hub",
        "--work", "_work",
        "--replace",
    ]  # fmt: skip
    assert recorder.calls("systemctl") == [
        "daemon-reload",
        f"enable {UNIT}",
        f"restart {UNIT}",
        f"is-active {UNIT}",
    ]
    runner_dir = tmp_path / "actions-runner"
    assert (runner_dir / ".runner").is_file()
    assert (runner_dir / ".mt5dash-version").read_text() == "2.326.0\n"
    unit = tmp_path / "systemd" / UNIT
    assert stat.S_IMODE(unit.stat().st_mode) == 0o644
    assert f"ExecStart={runner_dir}/run.sh" in unit.read_text().splitlines()
    assert result.stdout.splitlines()[-1] == f"active: {UNIT} is active"


def test_the_token_never_appears_in_output_or_log(
    project: Path, recorder: Recorder
) -> None:
    dry = deploy(project, "--dry-run")
    result = deploy(project)

    assert result.exit_code == 0, result.stderr
    assert "--token ***" in dry.stdout
    for text in (
        dry.stdout,
        dry.stderr,
        result.stdout,
        result.stderr,
        log_text(project),
    ):
        assert TOKEN not in text


def test_a_failed_registration_hides_the_token_and_says_to_issue_a_new_one(
    project: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_CONFIG_FAIL", "1")

    result = deploy(project)

    assert result.exit_code == 4
    error = result.stderr[result.stderr.index("error:") :]
    assert error.startswith("error: deploy runner failed at step 'register': ")
    assert "--token ***" in error
    assert "Http response code: NotFound" in error
    assert "  not done: register, unit, service, active" in error.splitlines()
    assert "to recover: registration failed: issue a new token" in error
    assert TOKEN not in result.stdout + result.stderr + log_text(project)
    assert "runner.register failed: " in log_text(project)
    assert recorder.calls("systemctl") == []


def test_second_run_has_nothing_to_do(
    project: Path, recorder: Recorder, release_server: Server
) -> None:
    assert deploy(project).exit_code == 0
    recorder.clear()
    (project / ".secrets" / "gh_runner_token").unlink()

    result = deploy(project)

    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "install: unchanged",
        "register: unchanged",
        "unit: unchanged",
        "service: unchanged",
        f"active: {UNIT} is active",
        "runner: nothing to do, already deployed",
    ]
    assert recorder.calls("systemctl") == [
        f"is-enabled {UNIT}",
        f"is-active {UNIT}",
        f"is-active {UNIT}",
    ]
    assert release_server.requests == [ARCHIVE_PATH]


def test_reconfigure_registers_again_and_restarts(
    tmp_path: Path, project: Path, recorder: Recorder
) -> None:
    assert deploy(project).exit_code == 0
    recorder.clear()
    (recorder.folder / "config.sh.args").unlink()

    result = deploy(project, "--reconfigure")

    assert result.exit_code == 0, result.stderr
    assert recorder.config_args()[:2] == ["--unattended", "--url"]
    assert recorder.calls("systemctl") == [
        f"stop {UNIT}",
        f"enable {UNIT}",
        f"restart {UNIT}",
        f"is-active {UNIT}",
    ]


def test_missing_token_says_which_file_to_create_and_installs_nothing(
    tmp_path: Path, recorder: Recorder, release_server: Server
) -> None:
    project = write_project(tmp_path, release_port=release_server.port)

    result = deploy(project)

    assert result.exit_code == 4
    assert result.stderr == (
        "error: .secrets/gh_runner_token is missing: create it (mode 0600) holding "
        "a runner registration token; get a registration token from the "
        "repository's Settings → Actions → Runners → New self-hosted runner, or "
        "from the REST endpoint "
        "POST /repos/<owner>/<repo>/actions/runners/registration-token\n"
    )
    assert not (tmp_path / "actions-runner").exists()
    assert not (tmp_path / "systemd").exists()
    assert release_server.requests == []
    assert recorder.calls("systemctl") == []


def test_an_archive_not_matching_its_checksum_is_not_extracted(
    tmp_path: Path, recorder: Recorder, release_server: Server
) -> None:
    pinned = hashlib.sha256(b"another archive").hexdigest()
    project = write_project(
        tmp_path, release_port=release_server.port, runner_sha256=pinned
    )
    write_token(project)

    result = deploy(project)

    assert result.exit_code == 4
    error = result.stderr[result.stderr.index("error:") :].splitlines()
    actual = hashlib.sha256(ARCHIVE).hexdigest()
    assert error[0] == (
        "error: deploy runner failed at step 'install': http://127.0.0.1:"
        f"{release_server.port}{ARCHIVE_PATH}: SHA-256 is {actual}, expected "
        f"{pinned} (runner 2.326.0); nothing was extracted"
    )
    assert list((tmp_path / "actions-runner").iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "actions-runner",
        "bin",
        "project",
        "record",
    ]
    assert recorder.config_args() == []
    assert recorder.calls("systemctl") == []


def test_dry_run_shows_the_commands_and_changes_nothing(
    tmp_path: Path, project: Path, recorder: Recorder, release_server: Server
) -> None:
    result = deploy(project, "--dry-run")

    assert result.exit_code == 0, result.stderr
    runner_dir = tmp_path / "actions-runner"
    assert (
        f"     {runner_dir}/config.sh --unattended --url {REPO_URL} --token *** "
        "--name mt5-hub --labels self-hosted,mt5-hub --work _work --replace"
    ) in result.stdout.splitlines()
    assert not runner_dir.exists()
    assert release_server.requests == []
    assert recorder.calls("systemctl") == []
    assert log_text(project) == ""


def test_the_generated_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    runner_dir = tmp_path / "actions-runner"
    runner_dir.mkdir()
    (runner_dir / "run.sh").write_text("#!/bin/sh\n")
    (runner_dir / "run.sh").chmod(0o755)
    project = write_project(tmp_path)
    unit = tmp_path / UNIT
    unit.write_text(runner_unit(load_settings(project), runner_dir))

    checked = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, check=False
    )

    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == ""
