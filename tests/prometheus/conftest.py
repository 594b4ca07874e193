"""A real Prometheus and node_exporter for tests, started on free loopback ports.

Processes are shared by the tests of a module and stopped by a finalizer
after them, whatever their outcome. Every wait is bounded and says what it
waited for when it gives up, with the tail of the process's log.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

STARTUP_TIMEOUT_S = 30.0
POLL_S = 0.2


def binary(name: str) -> str:
    """The path of ``name``, skipping the test when it is not installed."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package '{name}')")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def free_address() -> Callable[[], str]:
    """A ``127.0.0.1:<port>`` that nothing listens on right now."""
    return lambda: f"127.0.0.1:{free_port()}"


def http_get(url: str, timeout: float = 5.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


@pytest.fixture
def promtool() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``promtool`` with arguments in a folder; output as text, bounded."""
    path = binary("promtool")

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [path, *args], cwd=cwd, capture_output=True, text=True, timeout=60
        )

    return run


@pytest.fixture
def write_tree(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write files given by relative path into a new folder and return it."""

    def write(files: dict[str, str]) -> Path:
        root = tmp_path / "tree"
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        return root

    return write


@dataclass
class Process:
    """A started binary, its log file and a way to stop it."""

    name: str
    popen: subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 20) -> str:
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)

    def wait_until(self, ready: Callable[[], bool], what: str) -> None:
        """Poll ``ready`` until it holds, the process exits, or the time is up."""
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                pytest.fail(
                    f"{self.name} exited with {self.popen.returncode} while "
                    f"waiting for {what}:\n{self.log_tail()}"
                )
            try:
                if ready():
                    return
            except OSError:
                pass
            time.sleep(POLL_S)
        pytest.fail(
            f"{self.name}: {what} not reached in {STARTUP_TIMEOUT_S:.0f}s:\n"
            f"{self.log_tail()}"
        )


@pytest.fixture(scope="module")
def start_process(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str, list[str]], Process]:
    """Start a binary with its output in a log file; stopped after the module."""

    def start(name: str, args: list[str]) -> Process:
        log = tmp_path_factory.mktemp("logs") / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        process = Process(name, popen, log)
        request.addfinalizer(process.stop)
        return process

    return start


@dataclass
class NodeExporter:
    """A running node_exporter reading the textfile directory ``textfile_dir``."""

    address: str
    textfile_dir: Path
    process: Process

    def metrics(self) -> str:
        return http_get(f"http://{self.address}/metrics").decode()


@pytest.fixture(scope="module")
def node_exporter(
    start_process: Callable[[str, list[str]], Process],
    tmp_path_factory: pytest.TempPathFactory,
) -> NodeExporter:
    """node_exporter on a free loopback port with an empty textfile directory."""
    path = binary("prometheus-node-exporter")
    textfile_dir = tmp_path_factory.mktemp("textfile")
    address = f"127.0.0.1:{free_port()}"

    process = start_process(
        "node_exporter",
        [
            path,
            f"--web.listen-address={address}",
            f"--collector.textfile.directory={textfile_dir}",
            # Collectors that need systemd or hardware only log errors here.
            "--no-collector.systemd",
        ],
    )
    exporter = NodeExporter(address, textfile_dir, process)
    process.wait_until(lambda: "node_exporter_build_info" in exporter.metrics(),
                       "/metrics to answer")  # fmt: skip
    return exporter


@dataclass
class Prometheus:
    """A running Prometheus and the calls of its HTTP API the tests need."""

    url: str
    config: dict[str, Any]
    process: Process
    folder: Path = field(repr=False)

    def api(self, path: str, **params: str | list[str]) -> Any:
        """The ``data`` of an API answer; a failed call fails the test."""
        query = urllib.parse.urlencode(params, doseq=True)
        try:
            body = json.loads(http_get(f"{self.url}/api/v1/{path}?{query}"))
        except urllib.error.HTTPError as exc:
            body = json.loads(exc.read() or b"{}")
        if body.get("status") != "success":
            raise AssertionError(
                f"Prometheus {path} {params}: {body.get('errorType')}: "
                f"{body.get('error')}"
            )
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        """The series an instant query returns now (a scalar is one series)."""
        data = self.api("query", query=expr)
        if data["resultType"] in ("scalar", "string"):
            return [{"metric": {}, "value": data["result"]}]
        return data["result"]

    def label_values(self, label: str, match: str = "") -> list[str]:
        params = {"match[]": [match]} if match else {}
        return self.api(f"label/{urllib.parse.quote(label)}/values", **params)

    def active_targets(self) -> list[dict[str, Any]]:
        return self.api("targets", state="active")["activeTargets"]

    def wait_targets_up(self, count: int) -> None:
        """Wait until ``count`` targets are scraped and all of them are up."""

        def all_up() -> bool:
            targets = self.active_targets()
            return len(targets) == count and all(t["health"] == "up" for t in targets)

        self.process.wait_until(all_up, f"{count} targets up")

    def wait_series(self, expr: str) -> None:
        """Wait until ``expr`` returns at least one series."""
        self.process.wait_until(lambda: bool(self.query(expr)), f"series of {expr}")


@pytest.fixture(scope="module")
def start_prometheus(
    start_process: Callable[[str, list[str]], Process],
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[..., Prometheus]:
    """Start Prometheus with a configuration and its other files (rule files).

    ``files`` maps paths relative to the configuration's folder to contents,
    so relative ``rule_files`` entries find them. ``address`` is where it
    listens (a free loopback port by default), for configurations that
    scrape Prometheus itself.
    """
    path = binary("prometheus")

    def start(
        config: dict[str, Any],
        files: dict[str, str] | None = None,
        address: str | None = None,
    ) -> Prometheus:
        folder = tmp_path_factory.mktemp("prometheus")
        for name, text in (files or {}).items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
        config_file = folder / "prometheus.yml"
        config_file.write_text(yaml.safe_dump(config, sort_keys=True))
        address = address or f"127.0.0.1:{free_port()}"

        process = start_process(
            "prometheus",
            [
                path,
                f"--config.file={config_file}",
                f"--storage.tsdb.path={folder / 'data'}",
                f"--web.listen-address={address}",
            ],
        )
        server = Prometheus(f"http://{address}", config, process, folder)
        process.wait_until(
            lambda: http_get(f"{server.url}/-/ready") is not None, "/-/ready"
        )
        return server

    return start
