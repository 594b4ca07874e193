"""An HTTP endpoint for the KPI metrics, for hosts without node_exporter.

It serves the files the publishers wrote in the textfile directory, read
again at every scrape, and prometheus_client's default registry (the request
latency histogram and the process's own metrics).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from wsgiref.simple_server import WSGIServer

from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from mt5dash.kpisource import textfile

log = logging.getLogger(__name__)


class TextfileCollector(Collector):
    """The metrics of the files mt5dash wrote in a textfile directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def collect(self) -> Iterator[Metric]:
        return textfile.read_directory(self.directory)


def serve(
    port: int,
    addr: str = "0.0.0.0",
    directory: Path | None = None,
) -> tuple[WSGIServer, threading.Thread]:
    """Start serving ``/metrics`` on ``addr:port`` in a daemon thread.

    With ``directory``, the KPI files in it are served too. Returns the server
    (``shutdown()`` stops it) and its thread.
    """
    registry = REGISTRY
    if directory is not None:
        textfile.check_directory(directory)
        registry = CollectorRegistry()
        registry.register(TextfileCollector(directory))
        registry.register(_Forward(REGISTRY))

    server, thread = start_http_server(port, addr, registry=registry)
    log.info("serving metrics on http://%s:%d/metrics", addr, server.server_port)
    return server, thread


class _Forward(Collector):
    """Another registry's metrics, so two registries are served as one."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Metric]:
        return self.registry.collect()
