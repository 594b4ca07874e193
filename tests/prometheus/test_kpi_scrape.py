"""The KPI source's metrics, scraped by a real Prometheus under their names."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mt5dash.kpisource import (
    latency,
    names,
    publish_data_age,
    publish_sharpe,
    run_job,
    serve,
)


@pytest.fixture
def latency_endpoint() -> Iterator[str]:
    server, thread = serve(0, "127.0.0.1")
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_every_kpi_metric_reaches_prometheus(
    node_exporter, start_prometheus, latency_endpoint: str, tmp_path: Path
) -> None:
    data = tmp_path / "ticks"
    data.mkdir()
    (data / "EURUSD.csv").write_text("time,bid\n")
    publish_sharpe(node_exporter.textfile_dir, "ma_cross", "EURUSD", [0.01, 0.03])
    publish_data_age(node_exporter.textfile_dir, "ticks", data, "*.csv")
    run_job(node_exporter.textfile_dir, "ticks_download", [sys.executable, "-c", ""])
    latency.observe("orders", 0.04)

    # The heartbeats' 'job' label would become 'exported_job' without
    # honor_labels, as Prometheus sets 'job' to the scrape job's name.
    prometheus = start_prometheus(
        {
            "global": {"scrape_interval": "1s"},
            "scrape_configs": [
                {"job_name": "node", "honor_labels": True, "static_configs": [
                    {"targets": [node_exporter.address]}]},
                {"job_name": "kpi", "honor_labels": True, "static_configs": [
                    {"targets": [latency_endpoint]}]},
            ],
        }
    )  # fmt: skip
    prometheus.wait_targets_up(2)
    prometheus.wait_series("up")

    expected = {
        names.SHARPE_RATIO: {"strategy": "ma_cross", "symbol": "EURUSD"},
        names.DATA_NEWEST_TIMESTAMP: {"source": "ticks"},
        names.DATA_AGE_HOURS: {"source": "ticks"},
        names.JOB_LAST_START: {"job": "ticks_download"},
        names.JOB_LAST_SUCCESS: {"job": "ticks_download"},
        names.JOB_LAST_EXIT_STATUS: {"job": "ticks_download"},
        names.JOB_LAST_DURATION: {"job": "ticks_download"},
        names.REQUEST_DURATION_BUCKET: {"handler": "orders", "le": "0.05"},
        names.FILESYSTEM_AVAIL_BYTES: {},
        names.FILESYSTEM_SIZE_BYTES: {},
    }
    for metric, labels in expected.items():
        prometheus.wait_series(metric)
        series = prometheus.query(metric)
        assert any(labels.items() <= s["metric"].items() for s in series), (
            f"{metric}: no series with {labels} in {series}"
        )
