"""Request latency of the hub's services, as a histogram scraped over HTTP.

A service times each request with ``timed("orders")`` (or reports a duration
with ``observe``), by the handler that served it, and exposes the histogram
with ``mt5dash.kpisource.serve``. The histogram lives in
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
    "Duration of the hub's requests, by handler.",
    names.REQUEST_DURATION_LABELS,
    buckets=names.REQUEST_DURATION_BUCKETS,
)


def observe(handler: str, seconds: float) -> None:
    """Record one request served by ``handler`` (such as ``orders``) in ``seconds``."""
    REQUEST_DURATION.labels(handler=handler).observe(seconds)


@contextmanager
def timed(handler: str) -> Iterator[None]:
    """Record the duration of the ``with`` block, whether it raises or not."""
    began = time.perf_counter()
    try:
        yield
    finally:
        observe(handler, time.perf_counter() - began)
