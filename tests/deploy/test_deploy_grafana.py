"""``mt5dash deploy grafana``: plan, files, commands, idempotence and failures."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import mt5dash.cli.deploy_cmd  # noqa: F401  (registers the commands)
from mt5dash.cli.main import app
from mt5dash.deploy import wiring
from mt5dash.deploy.tls import self_signed
from mt5dash.errors import PushError
from tests.deploy.deploy_fakes import Recorder, Server, serve, write_project

cli = CliRunner()

UP = "compose --project-name mt5dash --file deploy/docker-compose.yml up --detach"
PS = (
    "compose --project-name mt5dash --file deploy/docker-compose.yml "
    "ps --services --status running"
)


@pytest.fixture
def pushes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Replace the real push and verify; record the URL and user they got."""
    calls: list[tuple[str, str]] = []

    def push(project_dir: Path, access: wiring.GrafanaAccess) -> str:
        calls.append(("push", access.url))
        return "0 created, 0 updated, 12 unchanged"

    def verify(project_dir: Path, access: wiring.GrafanaAccess) -> str:
        calls.append(("verify", access.user))
        return "7 checks passed"

    monkeypatch.setattr(wiring, "push_project", push)
    monkeypatch.setattr(wiring, "verify_project", verify)
    return calls


def deploy(project: Path, *args: str):
    return cli.invoke(app, ["deploy", "grafana", "--project", str(project), *args])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def error_lines(stderr: str) -> list[str]:
    """The error's lines, after the progress lines logged before it."""
    lines = stderr.splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith("error:")) :]


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_dry_run_on_a_fresh_clone_prints_the_plan_and_writes_nothing(
    tmp_path: Path, recorder: Recorder
) -> None:
    project = tmp_path / "clone"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.mt5dash]\n")

    result = deploy(project, "--dry-run")

    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:4] == [
        "plan for 'mt5dash deploy grafana' (dry run, nothing changed):",
        "1. secrets",
        "     create .secrets/ (mode 0700) if missing",
        "     generate .secrets/grafana_admin_password and .secrets/grafana.env "
        "(mode 0600) if missing",
    ]
    assert f"     docker {UP}" in result.stdout.splitlines()
    steps = [line for line in result.stdout.splitlines() if re.match(r"\d\. ", line)]
    assert steps == [
        "1. secrets",
        "2. compose-file",
        "3. stack",
        "4. health",
        "5. push",
        "6. verify",
    ]
    assert tree(project) == ["pyproject.toml"]
    assert recorder.calls("docker") == ["compose version"]


def test_first_deploy_writes_private_secrets_and_the_compose_file_then_starts(
    tmp_path: Path, recorder: Recorder, health_server: Server, pushes: list
) -> None:
    project = write_project(tmp_path, grafana_port=health_server.port)

    result = deploy(project)

    assert result.exit_code == 0, result.stderr
    assert recorder.calls("docker") == ["compose version", UP]
    assert pushes == [
        ("push", f"http://localhost:{health_server.port}"),
        ("verify", "admin"),
    ]
    secrets = project / ".secrets"
    assert mode(secrets) == 0o700
    assert mode(secrets / "grafana_admin_password") == 0o600
    assert mode(secrets / "grafana.env") == 0o600
    password = (secrets / "grafana_admin_password").read_text()
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", password)
    env = (secrets / "grafana.env").read_text()
    assert re.fullmatch(r"GRAFANA_SECRET_KEY=[0-9a-f]{64}\n", env)
    if os.geteuid() == 0:
        assert (secrets / "grafana_admin_password").stat().st_uid == 472

    compose_text = (project / "deploy" / "docker-compose.yml").read_text()
    assert password not in compose_text
    assert env.split("=")[1].strip() not in compose_text
    assert password not in result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "verify: 7 checks passed"


def test_the_compose_file_mounts_read_only_and_keeps_secrets_out(
    tmp_path: Path, recorder: Recorder, health_server: Server, pushes: list
) -> None:
    project = write_project(tmp_path, grafana_port=health_server.port)

    assert deploy(project).exit_code == 0
    document = yaml.safe_load((project / "deploy" / "docker-compose.yml").read_text())

    grafana = document["services"]["grafana"]
    assert grafana["image"] == "grafana/grafana-oss:11.6.0"
    assert grafana["restart"] == "unless-stopped"
    assert grafana["ports"] == [f"{health_server.port}:3000"]
    assert grafana["env_file"] == ["../.secrets/grafana.env"]
    assert grafana["secrets"] == [
        {
            "source": "grafana_admin_password",
            "target": "/run/secrets/grafana_admin_password",
        }
    ]
    assert grafana["volumes"] == [
        "../provisioning/datasources:/etc/grafana/provisioning/datasources:ro",
        "../provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro",
        "../provisioning/alerting:/etc/grafana/provisioning/alerting:ro",
        "../provisioning/grafana.ini:/etc/grafana/grafana.ini:ro",
        "grafana-data:/var/lib/grafana",
    ]
    assert grafana["healthcheck"]["test"] == [
        "CMD", "wget", "-q", "-O", "/dev/null", "http://localhost:3000/api/health",
    ]  # fmt: skip
    assert "environment" not in grafana
    assert document["secrets"] == {
        "grafana_admin_password": {"file": "../.secrets/grafana_admin_password"}
    }
    assert document["volumes"] == {
        "alertmanager-data": {},
        "grafana-data": {},
        "prometheus-data": {},
    }
    alertmanager = document["services"]["alertmanager"]
    assert alertmanager["volumes"] == [
        "../provisioning/prometheus/alertmanager.yml:"
        "/etc/alertmanager/alertmanager.yml:ro",
        "alertmanager-data:/alertmanager",
    ]
    assert "ports" not in alertmanager

    prometheus = document["services"]["prometheus"]
    assert prometheus["volumes"] == [
        "../provisioning/prometheus:/etc/prometheus:ro",
        "prometheus-data:/prometheus",
    ]
    assert prometheus["ports"] == ["127.0.0.1:9090:9090"]
    node_exporter = document["services"]["node-exporter"]
    assert node_exporter["volumes"] == [
        "/:/host:ro,rslave",
        "/var/lib/prometheus/node-exporter:/var/lib/prometheus/node-exporter:ro",
    ]
    assert (
        "--collector.textfile.directory=/var/lib/prometheus/node-exporter"
        in node_exporter["command"]
    )


def test_second_deploy_has_nothing_to_do(
    tmp_path: Path, recorder: Recorder, health_server: Server, pushes: list
) -> None:
    project = write_project(tmp_path, grafana_port=health_server.port)
    assert deploy(project).exit_code == 0
    compose_file = project / "deploy" / "docker-compose.yml"
    written = compose_file.stat().st_mtime_ns
    password = (project / ".secrets" / "grafana_admin_password").read_text()
    recorder.clear()

    result = deploy(project)

    assert result.exit_code == 0, result.stderr
    assert recorder.calls("docker") == ["compose version", PS]
    assert result.stdout.splitlines()[:3] == [
        "secrets: unchanged",
        "compose-file: unchanged",
        "stack: unchanged",
    ]
    assert result.stdout.splitlines()[-1] == "grafana: nothing to do, already deployed"
    assert compose_file.stat().st_mtime_ns == written
    assert (project / ".secrets" / "grafana_admin_password").read_text() == password


def test_a_changed_grafana_ini_restarts_the_stack(
    tmp_path: Path, recorder: Recorder, health_server: Server, pushes: list
) -> None:
    project = write_project(tmp_path, grafana_port=health_server.port)
    assert deploy(project).exit_code == 0
    with (project / "provisioning" / "grafana.ini").open("a") as f:
        f.write("[dashboards]\nmin_refresh_interval = 10s\n")
    recorder.clear()

    result = deploy(project)

    assert result.exit_code == 0, result.stderr
    assert recorder.calls("docker") == ["compose version", UP]
    assert "compose-file: written" in result.stdout.splitlines()


def test_an_admin_password_file_holding_admin_is_refused_as_weak(
    tmp_path: Path, recorder: Recorder, pushes: list
) -> None:
    project = write_project(tmp_path)
    (project / ".secrets").mkdir(mode=0o700)
    (project / ".secrets" / "grafana_admin_password").write_text("admin\n")

    result = deploy(project)

    assert result.exit_code == 4
    assert result.stderr == (
        "error: .secrets/grafana_admin_password holds a weak admin password (it is "
        "a common default password); write one of at least 12 characters that is "
        "not a common password, or delete the file to have one generated\n"
    )
    assert recorder.calls("docker") == ["compose version"]
    assert not (project / "deploy").exists()
    assert pushes == []


def test_a_failed_step_says_what_was_done_what_not_and_how_to_recover(
    tmp_path: Path,
    recorder: Recorder,
    pushes: list,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = write_project(tmp_path)
    monkeypatch.setenv("FAKE_FAIL", "up")

    result = deploy(project)

    assert result.exit_code == 4
    lines = error_lines(result.stderr)
    assert lines[0] == (
        f"error: deploy grafana failed at step 'stack': docker {UP} exited with 1: "
        "Error: port 3000 is already allocated"
    )
    assert lines[1].startswith("  done: secrets (created grafana_admin_password, ")
    assert lines[1].endswith("compose-file (written)")
    assert lines[2] == "  not done: stack, health, push, verify"
    assert lines[3].startswith("  to recover: read the containers' logs (docker ")
    assert "check the volume mounts" in lines[3]
    log = (project / "docs" / "reports" / "deploy.log").read_text().splitlines()
    assert [line.split(" ")[1] for line in log] == [
        "grafana.secrets",
        "grafana.compose-file",
        "grafana.stack",
    ]
    assert log[-1].split(" ", 2)[2].startswith("failed: docker compose")
    assert pushes == []


def test_a_failed_push_points_to_notify_test(
    tmp_path: Path,
    recorder: Recorder,
    health_server: Server,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = write_project(tmp_path, grafana_port=health_server.port)

    def push(project_dir: Path, access: wiring.GrafanaAccess) -> str:
        raise PushError("contact point 'hub-dingtalk': webhook answered 400")

    monkeypatch.setattr(wiring, "push_project", push)

    result = deploy(project)

    assert result.exit_code == 4
    lines = error_lines(result.stderr)
    assert lines[0] == (
        "error: deploy grafana failed at step 'push': contact point "
        "'hub-dingtalk': webhook answered 400"
    )
    assert lines[2] == "  not done: push, verify"
    assert "'mt5dash notify test'" in lines[3]


def test_every_step_is_recorded_in_the_deployment_log(
    tmp_path: Path, recorder: Recorder, health_server: Server, pushes: list
) -> None:
    project = write_project(tmp_path, grafana_port=health_server.port)

    assert deploy(project).exit_code == 0

    log = (project / "docs" / "reports" / "deploy.log").read_text().splitlines()
    pattern = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (\S+) (.+)"
    parsed = [re.fullmatch(pattern, line) for line in log]
    assert all(parsed), log
    assert [m.group(1) for m in parsed if m] == [
        "grafana.secrets",
        "grafana.compose-file",
        "grafana.stack",
        "grafana.health",
        "grafana.push",
        "grafana.verify",
    ]
    assert parsed[3] and parsed[3].group(2) == "Grafana 11.6.0 is healthy"


def test_tls_certificate_switches_grafana_to_https_through_the_environment(
    tmp_path: Path, recorder: Recorder, pushes: list
) -> None:
    cert_pem, key_pem = self_signed("localhost")
    cert, key = tmp_path / "hub.crt", tmp_path / "hub.key"
    cert.write_bytes(cert_pem)
    key.write_bytes(key_pem)
    served = serve(
        {"/api/health": b'{"database": "ok", "version": "11.6.0"}'}, (cert, key)
    )
    server = next(served)
    project = write_project(tmp_path, grafana_port=server.port)
    ini_before = (project / "provisioning" / "grafana.ini").read_bytes()

    try:
        result = deploy(project, "--tls-cert", str(cert), "--tls-key", str(key))
    finally:
        served.close()

    assert result.exit_code == 0, result.stderr
    assert pushes[0] == ("push", f"https://localhost:{server.port}")
    tls_dir = project / ".secrets" / "tls"
    assert mode(tls_dir) == 0o700
    assert (tls_dir / "grafana.crt").read_bytes() == cert_pem
    assert mode(tls_dir / "grafana.key") == 0o600
    document = yaml.safe_load((project / "deploy" / "docker-compose.yml").read_text())
    grafana = document["services"]["grafana"]
    assert grafana["environment"] == {
        "GF_SERVER_PROTOCOL": "https",
        "GF_SERVER_CERT_FILE": "/etc/grafana/tls/grafana.crt",
        "GF_SERVER_CERT_KEY": "/etc/grafana/tls/grafana.key",
        "GF_SECURITY_COOKIE_SECURE": "true",
        "GF_SERVER_ROOT_URL": f"https://localhost:{server.port}/",
    }
    assert grafana["volumes"][-2:] == [
        "../.secrets/tls/grafana.crt:/etc/grafana/tls/grafana.crt:ro",
        "../.secrets/tls/grafana.key:/etc/grafana/tls/grafana.key:ro",
    ]
    assert (project / "provisioning" / "grafana.ini").read_bytes() == ini_before


def test_self_signed_makes_a_certificate_once_in_the_secrets_folder(
    tmp_path: Path, recorder: Recorder
) -> None:
    from cryptography import x509

    from mt5dash.deploy import CommandRunner, TlsOptions, plan_grafana
    from mt5dash.settings import load_settings

    project = write_project(tmp_path)
    plan = plan_grafana(
        project,
        load_settings(project),
        tls=TlsOptions(self_signed=True),
        commands=CommandRunner(),
        push=lambda *a: "",
        verify=lambda *a: "",
    )
    secrets_step, tls_step = plan.steps[:2]

    assert tls_step.name == "tls"
    secrets_step.run()
    assert tls_step.needed()
    assert tls_step.run().startswith("self-signed certificate made for localhost")
    assert not tls_step.needed()

    pem = (project / ".secrets" / "tls" / "grafana.crt").read_bytes()
    names = (
        x509.load_pem_x509_certificate(pem)
        .extensions.get_extension_for_class(x509.SubjectAlternativeName)
        .value
    )
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert mode(project / ".secrets" / "tls" / "grafana.key") == 0o600


def test_without_compose_each_service_starts_with_docker_run(
    tmp_path: Path,
    recorder: Recorder,
    health_server: Server,
    pushes: list,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = write_project(tmp_path, grafana_port=health_server.port)
    monkeypatch.setenv("FAKE_NO_COMPOSE", "1")

    result = deploy(project)

    assert result.exit_code == 0, result.stderr
    calls = recorder.calls("docker")
    assert calls[:3] == [
        "compose version",
        "network inspect mt5dash",
        "network create mt5dash",
    ]
    runs = [c for c in calls if c.startswith("run ")]
    assert [c.split(" --name ")[1].split(" ")[0] for c in runs] == [
        "mt5dash-node-exporter",
        "mt5dash-prometheus",
        "mt5dash-grafana",
        "mt5dash-alertmanager",
    ]
    grafana = runs[2]
    secrets = project.resolve() / ".secrets"
    assert f"--env-file {secrets}/grafana.env" in grafana
    assert (
        f"--volume {secrets}/grafana_admin_password:"
        "/run/secrets/grafana_admin_password:ro" in grafana
    )
    assert "--volume mt5dash_grafana-data:/var/lib/grafana" in grafana
    assert grafana.endswith(" grafana/grafana-oss:11.6.0")


@pytest.mark.parametrize(
    ("password", "weakness"),
    [
        ("admin", "it is a common default password"),
        ("Password", "it is a common default password"),
        ("s3cret-Pass", "it is shorter than 12 characters"),
        ("abababababababab", "it uses fewer than 5 different characters"),
        ("correct-horse-battery", None),
    ],
)
def test_password_weakness(password: str, weakness: str | None) -> None:
    from mt5dash.deploy.secret_files import password_weakness

    assert password_weakness(password, "admin") == weakness
