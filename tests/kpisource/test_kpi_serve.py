"""The HTTP endpoint: the latency histogram and the published files."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from mt5dash.kpisource import latency, publish_sharpe, serve


@pytest.fixture
def endpoint(textfile_dir: Path) -> Iterator[str]:
    server, thread = serve(0, "127.0.0.1", textfile_dir)
    yield f"http://127.0.0.1:{server.server_port}/metrics"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_latency_histogram_counts_requests_in_buckets(endpoint: str) -> None:
    latency.observe("serve_test_orders", 0.03)
    latency.observe("serve_test_orders", 0.2)
    with latency.timed("serve_test_orders"):
        pass

    found = scrape(endpoint)
    labels = (("handler", "serve_test_orders"),)

    def bucket(le: str) -> float:
        return found[("mt5_request_duration_seconds_bucket", (*labels, ("le", le)))]

    assert found[("mt5_request_duration_seconds_count", labels)] == 3.0
    assert bucket("0.025") == 1.0
    assert bucket("0.05") == 2.0
    assert bucket("0.25") == 3.0
    assert bucket("+Inf") == 3.0


def test_timed_block_is_recorded_when_it_raises(endpoint: str) -> None:
    with pytest.raises(RuntimeError), latency.timed("serve_test_failing"):
        raise RuntimeError("broker down")

    labels = (("handler", "serve_test_failing"),)
    assert scrape(endpoint)[("mt5_request_duration_seconds_count", labels)] == 1.0


def test_published_files_are_served_together(endpoint: str, textfile_dir: Path) -> None:
    publish_sharpe(textfile_dir, "ma", "EURUSD", [0.01, 0.03], periods_per_year=4)
    publish_sharpe(textfile_dir, "ma", "XAUUSD", [-0.01, -0.03], periods_per_year=4)

    found = scrape(endpoint)
    assert found[
        ("sharpe_ratio_last", (("strategy", "ma"), ("symbol", "EURUSD")))
    ] == pytest.approx(2.8284271247)
    assert found[
        ("sharpe_ratio_last", (("strategy", "ma"), ("symbol", "XAUUSD")))
    ] == pytest.approx(-2.8284271247)


@pytest.fixture
def serve_command(textfile_dir: Path) -> Iterator[str]:
    """``mt5dash publish serve`` running as its own process; its /metrics URL."""
    script = Path(sys.executable).with_name("mt5dash")
    if not script.exists():
        pytest.skip("the mt5dash command is not installed (pip install -e .)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [str(script), "publish", "serve", "--port", str(port), "--addr",
         "127.0.0.1", "--textfile-dir", str(textfile_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}/metrics"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_command_serves_what_was_published(
    serve_command: str, textfile_dir: Path
) -> None:
    publish_sharpe(textfile_dir, "ma", "EURUSD", [0.01, 0.03], periods_per_year=4)

    deadline = time.monotonic() + 20
    while True:
        try:
            found = scrape(serve_command)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    key = ("sharpe_ratio_last", (("strategy", "ma"), ("symbol", "EURUSD")))
    assert found[key] == pytest.approx(2.8284271247)
