"""Request latency of the hub's services, as a histogram scraped over HTTP.

A service times its requests with ``timed`` (or reports a duration with
``observe``) and exposes them with ``serve``. The histogram lives in
prometheus_client's default registry, so a service that already exposes that
registry needs no ``serve`` of its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Histogram

from mt5dash.kpisource import names

REQUEST_DURATION = Histogram(
    names.REQUEST_DURATION,
    "Duration of the hub's requests, by service and operation.",
    names.REQUEST_DURATION_LABELS,
    buckets=names.REQUEST_DURATION_BUCKETS,
)


def observe(service: str, operation: str, seconds: float) -> None:
    """Record one request of ``operation`` on ``service`` that took ``seconds``."""
    REQUEST_DURATION.labels(service=service, operation=operation).observe(seconds)


@contextmanager
def timed(service: str, operation: str) -> Iterator[None]:
    """Record the duration of the ``with`` block, whether it raises or not."""
    began = time.perf_counter()
    try:
        yield
    finally:
        observe(service, operation, time.perf_counter() - began)
