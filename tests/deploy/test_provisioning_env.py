"""Variables and files Grafana's configuration refers to reach its container."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import mt5dash.cli.deploy_cmd  # noqa: F401  (registers the commands)
from mt5dash.cli.main import app
from mt5dash.deploy import compose, references, wiring
from tests.deploy.deploy_fakes import Recorder, Server, write_project

cli = CliRunner()

UP = "compose --project-name mt5dash --file deploy/docker-compose.yml up --detach"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=d1n6t4lk70k3n"
SLACK = "https://hooks.slack.com/services/T000/B000/s14ckw3bh00k"
CONTACT_POINTS = """\
apiVersion: 1
contactPoints:
  - name: mt5-dingtalk
    receivers:
      - uid: mt5-dingtalk
        type: dingding
        settings:
          url: ${MT5_DINGTALK_WEBHOOK_URL}
          message: 'costs $$5 {{ $labels.job }}'
  - name: mt5-slack
    receivers:
      - uid: mt5-slack
        type: slack
        settings:
          url: $__env{MT5_SLACK_WEBHOOK_URL}
"""


@pytest.fixture
def pushes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wiring, "push_project", lambda *a: "pushed")
    monkeypatch.setattr(wiring, "verify_project", lambda *a: "verified")


def project_with_webhooks(tmp_path: Path, port: int = 3000) -> Path:
    project = write_project(tmp_path, grafana_port=port)
    alerting = project / "provisioning" / "alerting"
    alerting.mkdir()
    (alerting / "contact-points.yaml").write_text(CONTACT_POINTS)
    return project


def deploy(project: Path, *args: str):
    return cli.invoke(app, ["deploy", "grafana", "--project", str(project), *args])


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_scan_finds_braced_and_env_references_but_not_escaped_or_dashboards(
    tmp_path: Path,
) -> None:
    project = project_with_webhooks(tmp_path)
    out = project / "provisioning"
    (out / "datasources").mkdir()
    (out / "datasources" / "ds.yaml").write_text(
        "apiVersion: 1\ndatasources:\n  - name: p\n"
        "    basicAuthPassword: $${NOT_A_VAR}\n"
        "    secureJsonData:\n      token: ${PROM_TOKEN}\n"
        "      ca: $__file{/etc/grafana/ca.pem}\n"
    )
    (out / "dashboards" / "hub").mkdir(parents=True)
    (out / "dashboards" / "hub" / "hub.json").write_text('{"title": "${IN_JSON}"}')
    (out / "alerting" / "nested").mkdir()
    (out / "alerting" / "nested" / "x.yaml").write_text("a: ${NOT_READ}\n")

    found = references.scan(project, "provisioning", compose.PROVISIONING_KINDS)

    assert found.variables == {
        "PROM_TOKEN": ["provisioning/datasources/ds.yaml"],
        "MT5_DINGTALK_WEBHOOK_URL": ["provisioning/alerting/contact-points.yaml"],
        "MT5_SLACK_WEBHOOK_URL": ["provisioning/alerting/contact-points.yaml"],
    }
    assert found.files == {
        "/run/secrets/grafana_admin_password": ["provisioning/grafana.ini"],
        "/etc/grafana/ca.pem": ["provisioning/datasources/ds.yaml"],
    }


def test_webhook_variables_reach_grafana_through_a_private_env_file(
    tmp_path: Path,
    recorder: Recorder,
    health_server: Server,
    pushes: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = project_with_webhooks(tmp_path, health_server.port)
    monkeypatch.setenv("MT5_DINGTALK_WEBHOOK_URL", DINGTALK)
    monkeypatch.setenv("MT5_SLACK_WEBHOOK_URL", SLACK)

    result = deploy(project)

    assert result.exit_code == 0, result.stderr
    assert recorder.calls("docker") == ["compose version", UP]
    env_file = project / ".secrets" / "grafana-provisioning.env"
    assert env_file.read_text() == (
        f"MT5_DINGTALK_WEBHOOK_URL={DINGTALK}\nMT5_SLACK_WEBHOOK_URL={SLACK}\n"
    )
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    compose_text = (project / "deploy" / "docker-compose.yml").read_text()
    grafana = yaml.safe_load(compose_text)["services"]["grafana"]
    assert grafana["env_file"] == [
        "../.secrets/grafana.env",
        "../.secrets/grafana-provisioning.env",
    ]
    assert "environment" not in grafana
    for value in (DINGTALK, SLACK):
        assert value not in compose_text
        assert value not in result.stdout + result.stderr
    log = (project / "docs" / "reports" / "deploy.log").read_text()
    assert DINGTALK not in log


def test_a_changed_webhook_is_written_again_and_compose_recreates_grafana(
    tmp_path: Path,
    recorder: Recorder,
    health_server: Server,
    pushes: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = project_with_webhooks(tmp_path, health_server.port)
    monkeypatch.setenv("MT5_DINGTALK_WEBHOOK_URL", DINGTALK)
    monkeypatch.setenv("MT5_SLACK_WEBHOOK_URL", SLACK)
    assert deploy(project).exit_code == 0
    recorder.clear()
    monkeypatch.setenv("MT5_SLACK_WEBHOOK_URL", SLACK + "2")

    result = deploy(project)

    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "secrets: wrote grafana-provisioning.env (mode 0600) from this shell",
        "compose-file: unchanged",
        "stack: started with docker compose",
    ]
    assert recorder.calls("docker") == ["compose version", UP]
    env_file = project / ".secrets" / "grafana-provisioning.env"
    assert env_file.read_text().splitlines()[1] == f"MT5_SLACK_WEBHOOK_URL={SLACK}2"


def test_without_compose_grafana_runs_with_both_env_files(
    tmp_path: Path,
    recorder: Recorder,
    health_server: Server,
    pushes: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = project_with_webhooks(tmp_path, health_server.port)
    monkeypatch.setenv("FAKE_NO_COMPOSE", "1")
    monkeypatch.setenv("MT5_DINGTALK_WEBHOOK_URL", DINGTALK)
    monkeypatch.setenv("MT5_SLACK_WEBHOOK_URL", SLACK)

    result = deploy(project)

    assert result.exit_code == 0, result.stderr
    runs = [c for c in recorder.calls("docker") if c.startswith("run ")]
    grafana = next(c for c in runs if "--name mt5dash-grafana " in c)
    secrets = project.resolve() / ".secrets"
    assert (
        f" --env-file {secrets}/grafana.env "
        f"--env-file {secrets}/grafana-provisioning.env " in grafana
    )
    assert DINGTALK not in " ".join(runs)
    assert SLACK not in " ".join(runs)


def test_a_missing_or_blank_variable_stops_the_deploy_before_anything_runs(
    tmp_path: Path,
    recorder: Recorder,
    pushes: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = project_with_webhooks(tmp_path)
    monkeypatch.delenv("MT5_DINGTALK_WEBHOOK_URL", raising=False)
    monkeypatch.setenv("MT5_SLACK_WEBHOOK_URL", "  ")
    before = tree(project)

    result = deploy(project)

    assert result.exit_code == 4
    assert result.stderr == (
        "error: environment variables missing or blank: MT5_DINGTALK_WEBHOOK_URL "
        "(in provisioning/alerting/contact-points.yaml), MT5_SLACK_WEBHOOK_URL "
        "(in provisioning/alerting/contact-points.yaml); Grafana's configuration "
        "reads them and would get empty values; export them in the deploying "
        "shell, then deploy again\n"
    )
    assert recorder.calls("docker") == ["compose version"]
    # Only the deployment log records the refusal.
    assert tree(project) == sorted(
        [*before, "docs", "docs/reports", "docs/reports/deploy.log"]
    )


def test_a_value_an_env_file_would_change_is_refused_without_showing_it(
    tmp_path: Path,
    recorder: Recorder,
    pushes: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = project_with_webhooks(tmp_path)
    monkeypatch.setenv("MT5_DINGTALK_WEBHOOK_URL", DINGTALK + "#x")
    monkeypatch.setenv("MT5_SLACK_WEBHOOK_URL", SLACK)

    result = deploy(project, "--dry-run")

    assert result.exit_code == 4
    assert result.stderr == (
        "error: environment variables MT5_DINGTALK_WEBHOOK_URL hold whitespace, "
        "quotes, '$', '#' or '\\', which an env file cannot carry unchanged to "
        "Grafana; percent-encode those characters\n"
    )


def test_a_file_reference_outside_the_mounts_is_refused(
    tmp_path: Path, recorder: Recorder, pushes: None
) -> None:
    project = write_project(tmp_path)
    with (project / "provisioning" / "grafana.ini").open("a") as f:
        f.write("[database]\npassword = $__file{/run/secrets/db_password}\n")

    result = deploy(project, "--dry-run")

    assert result.exit_code == 4
    assert result.stderr == (
        "error: $__file{...} reads files not mounted into the Grafana container: "
        "/run/secrets/db_password (in provisioning/grafana.ini); Grafana does not "
        "start when such a file is missing; mounted are "
        "/run/secrets/grafana_admin_password, /etc/grafana/provisioning/datasources, "
        "/etc/grafana/provisioning/dashboards, /etc/grafana/provisioning/alerting, "
        "/etc/grafana/grafana.ini\n"
    )
