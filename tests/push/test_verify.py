"""``mt5dash verify`` against the fake Grafana, a real Prometheus and a local
server standing in for GitHub's API."""

from __future__ import annotations

import copy
import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry, Gauge, start_http_server
from typer.testing import CliRunner

from mt5dash.cli.main import _register, app
from mt5dash.desired import DesiredDashboard
from mt5dash.push import push
from mt5dash.verify import VerifyOptions, verify
from tests.push.conftest import config_for, dashboard, hub_state

_register()
GITHUB_TOKEN = "ghp_verifyTestToken000"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(ready: Any, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what} after {timeout}s")


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return json.loads(answer.read())


@pytest.fixture
def exporter() -> str:
    """A KPI exporter publishing a Sharpe ratio, as host:port."""
    registry = CollectorRegistry()
    Gauge(
        "mt5_strategy_sharpe", "Sharpe ratio", ["strategy"], registry=registry
    ).labels("trend").set(1.7)
    port = free_port()
    server, thread = start_http_server(port, addr="127.0.0.1", registry=registry)
    yield f"127.0.0.1:{port}"
    server.shutdown()
    thread.join(5)


def start_prometheus(
    tmp_path: Path, targets: list[str], request: pytest.FixtureRequest
) -> str:
    """Start Prometheus scraping ``targets``; stopped when the test ends."""
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.skip("prometheus is not installed (Debian package 'prometheus')")
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s}\n"
        "scrape_configs:\n"
        f"  - job_name: kpi\n    static_configs: [{{targets: {json.dumps(targets)}}}]\n"
    )
    port = free_port()
    log = (tmp_path / "prometheus.log").open("w")
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"

    def stop() -> None:
        process.terminate()
        process.wait(10)
        log.close()

    request.addfinalizer(stop)
    wait_for(
        lambda: (
            all(
                t["health"] != "unknown"
                for t in get_json(f"{url}/api/v1/targets")["data"]["activeTargets"]
            )
            and get_json(f"{url}/api/v1/query?query=up")["data"]["result"]
        ),
        "Prometheus to scrape its targets once",
    )
    return url


@pytest.fixture
def prometheus(tmp_path: Path, exporter: str, request: pytest.FixtureRequest) -> str:
    """A real Prometheus scraping the KPI exporter."""
    return start_prometheus(tmp_path, [exporter], request)


class _GitHub(BaseHTTPRequestHandler):
    runners: list[dict[str, Any]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != f"Bearer {GITHUB_TOKEN}":
            status, body = 401, {"message": "Bad credentials"}
        elif self.path.startswith("/repos/owner/hub/actions/runners"):
            status, body = 200, {"total_count": 1, "runners": self.runners}
        else:
            status, body = 404, {"message": "Not Found"}
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture
def github() -> Iterator[str]:
    """GitHub's runners API on loopback, with one online runner ``mt5-hub``."""
    _GitHub.runners = [{"id": 1, "name": "mt5-hub", "status": "online"}]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _GitHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def installed(fake_grafana: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The fake Grafana holding the hub: 3 dashboards, 2 rules, DingTalk."""
    monkeypatch.setenv("DINGTALK_URL", "https://oapi.dingtalk.com/robot/send?t=1")
    state = copy.deepcopy(hub_state())
    jobs = dashboard("mt5-jobs", "MT5 jobs")
    # Searched first: a row and a text panel titled like the KPI come before it.
    jobs.model["panels"][:0] = [
        {"id": 10, "type": "row", "title": "Sharpe", "collapsed": False, "panels": []},
        {"id": 11, "type": "text", "title": "Sharpe notes", "options": {}},
    ]
    state.dashboards.append(jobs)
    sharpe = state.dashboards[1].model["panels"][1]
    sharpe["targets"][0]["expr"] = 'mt5_strategy_sharpe{strategy=~"$strategy"}'
    state.dashboards[1] = DesiredDashboard(
        folder_uid="mt5-hub",
        model={
            **state.dashboards[1].model,
            "templating": {
                "list": [
                    {
                        "type": "custom",
                        "name": "strategy",
                        "current": {"text": "All", "value": "$__all"},
                    }
                ]
            },
        },
    )
    config = config_for(fake_grafana.url, fake_grafana_auth(fake_grafana))
    push(state, config)
    return fake_grafana


def fake_grafana_auth(fake: Any) -> tuple[str, str]:
    return (fake.admin_user, fake.admin_password)


def options(prometheus: str, github: str, **changes: Any) -> VerifyOptions:
    base = VerifyOptions(
        prometheus_url=prometheus,
        runner_unit="actions.runner.owner-hub.mt5-hub.service",
        github_token=GITHUB_TOKEN,
        github_repo="owner/hub",
        runner_name="mt5-hub",
        github_api_url=github,
        timeout=5,
    )
    return VerifyOptions(**{**base.__dict__, **changes})


def test_a_healthy_installation_passes(
    installed: Any, prometheus: str, github: str
) -> None:
    calls: list[list[str]] = []

    def systemctl(args: list[str]) -> tuple[int, str]:
        calls.append(args)
        return 0, "active"

    config = config_for(installed.url, fake_grafana_auth(installed))
    report = verify(config, options(prometheus, github), command_runner=systemctl)

    assert report == {
        "runner": {"status": "active", "online": True},
        "grafana": {
            "port": str(installed.port),
            "login_secure": True,
            "dashboards": 3,
            "alert_rules": 2,
        },
        "prometheus": {"targets": "up"},
        "dingtalk_alert": {"test_message": "received"},
        "kpi_visibility": "sharpe_dashboard",
        "problems": [],
        "ok": True,
    }
    assert calls == [
        ["systemctl", "is-active", "actions.runner.owner-hub.mt5-hub.service"]
    ]


def test_each_failure_is_reported_and_the_other_probes_still_run(
    installed: Any,
    tmp_path: Path,
    exporter: str,
    github: str,
    request: pytest.FixtureRequest,
) -> None:
    installed.settings = {
        "auth.anonymous": {"enabled": True},
        "users": {"allow_sign_up": False},
    }
    installed.receiver_test_results = {"mt5-dingtalk": "failed"}
    _GitHub.runners = [{"id": 1, "name": "mt5-hub", "status": "offline"}]
    dead = f"127.0.0.1:{free_port()}"
    prometheus = start_prometheus(tmp_path, [exporter, dead], request)

    config = config_for(installed.url, fake_grafana_auth(installed))
    report = verify(
        config,
        options(prometheus, github),
        command_runner=lambda args: (3, "inactive"),
    )

    assert report["ok"] is False
    assert report["runner"] == {"status": "inactive", "online": False}
    assert report["grafana"]["login_secure"] is False
    assert report["prometheus"] == {"targets": "down"}
    assert report["dingtalk_alert"] == {"test_message": "failed"}
    assert report["kpi_visibility"] == "sharpe_dashboard"
    problems = report["problems"]
    assert problems[:3] == [
        "runner: systemd unit actions.runner.owner-hub.mt5-hub.service is "
        "'inactive', not 'active'",
        "runner: runner 'mt5-hub' is 'offline'",
        "grafana: login is not secure: anonymous access is on (GET /api/search "
        "answered 200)",
    ]
    assert problems[3].startswith(f"prometheus: http://{dead}/metrics is down: ")
    assert problems[4:] == [
        "dingtalk_alert: mt5-dingtalk (mt5-dingtalk): the receiver refused the "
        "test notification"
    ]


def test_cli_prints_the_report_and_exits_5_on_failure(
    installed: Any, prometheus: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mt5dash.verify.run_command", lambda args: (0, "failed"))
    env = {
        "GRAFANA_USER": installed.admin_user,
        "GRAFANA_PASSWORD": installed.admin_password,
        "GRAFANA_TOKEN": "",
        "GITHUB_TOKEN": "",
    }

    result = CliRunner().invoke(
        app,
        [
            "verify",
            "--url",
            installed.url,
            "--prometheus-url",
            prometheus,
            "--runner-unit",
            "runner.service",
        ],
        env=env,
    )

    assert result.exit_code == 5
    report = json.loads(result.stdout)
    assert report["runner"] == {"status": "failed", "online": None}
    assert report["kpi_visibility"] == "sharpe_dashboard"
    assert result.stderr.splitlines()[-2:] == [
        "error: the installation does not pass the acceptance check:",
        "  runner: systemd unit runner.service is 'failed', not 'active'",
    ]


def test_a_systemctl_that_cannot_reach_systemd_is_named_as_such() -> None:
    from mt5dash.verify import _runner

    options = VerifyOptions(prometheus_url="", runner_unit="runner.service")

    value, problems = _runner(
        options, lambda args: (1, "Failed to connect to bus: Host is down")
    )

    assert value == {"status": "unknown", "online": None}
    assert problems == [
        "systemctl could not report unit runner.service: Failed to connect to "
        "bus: Host is down"
    ]
