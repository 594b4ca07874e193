"""The connection to one Grafana: credentials, TLS, timeouts and retries.

Every request goes through ``Connection.call`` so that transient answers
(429, 502, 503, 504, connection errors, timeouts) are retried with backoff
and every other failure becomes one ``ApiError`` that names the status and
Grafana's message, never the credentials.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from mt5dash.errors import ConfigError

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRY_STATUSES = frozenset({429, 502, 503, 504})


class ApiError(Exception):
    """A request Grafana answered with an error, or that never got an answer.

    ``status`` is 0 when no answer came (connection refused, reset, timeout),
    and ``reason`` then says why in a few words. ``body`` is Grafana's decoded
    JSON answer, or its text.
    """

    def __init__(self, status: int, body: Any, message: str, reason: str = "") -> None:
        self.status = status
        self.body = body
        self.reason = reason
        super().__init__(message)

    @property
    def unreachable(self) -> bool:
        return self.status == 0

    @property
    def grafana_status(self) -> str:
        """The ``status`` word of dashboard and folder errors (``name-exists``)."""
        return self.body.get("status", "") if isinstance(self.body, dict) else ""

    @property
    def grafana_message(self) -> str:
        if isinstance(self.body, dict):
            return str(self.body.get("message", "")) or str(self)
        return str(self.body or self)


def check_timeout(timeout: float) -> None:
    """Refuse a request timeout that is not a positive number of seconds."""
    if not 0 < timeout < math.inf:
        raise ConfigError(
            f"--timeout must be a positive number of seconds, got {timeout:g}"
        )


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ClientConfig:
    """Where a Grafana is and how to authenticate to it.

    Give either ``token`` (a service-account token) or ``user`` and
    ``password``. ``insecure`` allows credentials over plain http to a host
    that is not loopback and turns off TLS verification; ``ca_cert`` is a
    PEM bundle to verify the server with instead of the system's.
    ``datasource_urls`` replace the ``url`` of datasources by uid, so one
    set of declarations can point dev and prod at their own Prometheus.
    """

    url: str
    token: str = field(default="", repr=False)
    user: str = ""
    password: str = field(default="", repr=False)
    ca_cert: str = ""
    insecure: bool = False
    timeout: float = 10.0
    retries: int = 4
    backoff: float = 0.25
    org_id: int | None = None
    datasource_urls: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(
        cls,
        url: str,
        *,
        token_file: str = "",
        environ: dict[str, str] | None = None,
        **options: Any,
    ) -> ClientConfig:
        """Take credentials from ``--token-file``, ``GRAFANA_TOKEN`` or
        ``GRAFANA_USER`` + ``GRAFANA_PASSWORD``, in that order."""
        env = os.environ if environ is None else environ
        token = ""
        if token_file:
            try:
                token = Path(token_file).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(
                    f"token file {token_file} cannot be read: {exc.strerror}"
                ) from None
            if not token:
                raise ConfigError(f"token file {token_file} is empty")
        token = token or env.get("GRAFANA_TOKEN", "")
        user = "" if token else env.get("GRAFANA_USER", "")
        password = "" if token else env.get("GRAFANA_PASSWORD", "")
        if not token and not (user and password):
            raise ConfigError(
                "no Grafana credentials: set GRAFANA_TOKEN (a service-account "
                "token), or GRAFANA_USER and GRAFANA_PASSWORD, or pass --token-file"
            )
        return cls(url=url, token=token, user=user, password=password, **options)

    def check(self) -> None:
        """Refuse a URL that would expose the credentials."""
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(
                f"Grafana URL {self.url!r} is not valid: expected "
                "http://host:port or https://host:port"
            )
        if parts.username or parts.password:
            raise ConfigError(
                "the Grafana URL must not hold credentials; use GRAFANA_TOKEN "
                "or GRAFANA_USER and GRAFANA_PASSWORD"
            )
        plain = parts.scheme == "http" and not _is_loopback(parts.hostname)
        if plain and not self.insecure:
            raise ConfigError(
                f"refusing to send credentials over plain http to {parts.hostname}: "
                "use https, or pass --insecure (or insecure = true in the target) "
                "if the network is trusted"
            )
        check_timeout(self.timeout)
        if self.ca_cert and not Path(self.ca_cert).is_file():
            raise ConfigError(f"CA certificate file {self.ca_cert} does not exist")

    @property
    def secrets(self) -> list[str]:
        return [s for s in (self.token, self.password) if s]


class Connection:
    """A grafana-client ``GrafanaApi`` with retries, timeouts and error mapping."""

    def __init__(self, config: ClientConfig, *, pool_size: int = 10) -> None:
        from grafana_client import GrafanaApi

        config.check()
        self.config = config
        parts = urlsplit(config.url)
        credential: Any = config.token or (config.user, config.password)
        verify: bool | str = True
        if config.ca_cert:
            verify = config.ca_cert
        elif config.insecure and parts.scheme == "https":
            verify = False
        self.api = GrafanaApi(
            credential,
            host=parts.hostname,
            port=parts.port,
            url_path_prefix=parts.path.strip("/") + "/"
            if parts.path.strip("/")
            else "",
            protocol=parts.scheme,
            verify=verify,
            timeout=config.timeout,
            organization_id=config.org_id,
            session_pool_size=pool_size,
        )
        self.requests = 0

    @property
    def http(self) -> Any:
        """grafana-client's generic client: ``http.GET("/folders")``."""
        return self.api.client

    def call(self, what: str, fn: Callable[[], T]) -> T:
        """Run one request, retrying transient failures; ``what`` names it in logs."""
        attempt = 0
        while True:
            attempt += 1
            self.requests += 1
            try:
                return fn()
            except Exception as exc:
                error = self._as_api_error(exc)
                transient = error.status in RETRY_STATUSES or error.unreachable
                if not transient or attempt > self.config.retries:
                    raise error from None
                pause = self.config.backoff * 2 ** (attempt - 1)
                log.debug("%s: %s; retry %d in %.2fs", what, error, attempt, pause)
                time.sleep(pause)

    def _as_api_error(self, exc: Exception) -> ApiError:
        from grafana_client.client import GrafanaException

        if isinstance(exc, ApiError):
            return exc
        if isinstance(exc, GrafanaException):
            status = exc.status_code or 0
            body = exc.response
            message = _scrub(str(exc), self.config.secrets)
            if status == 0:
                return self._unreachable(_reason(message), body)
            return ApiError(status, body, message)
        if isinstance(exc, OSError):
            return self._unreachable(_scrub(_reason(str(exc)), self.config.secrets))
        raise exc

    def _unreachable(self, reason: str, body: Any = None) -> ApiError:
        message = f"no answer from {self.config.url}: {reason}"
        return ApiError(0, body, message, reason)


def _reason(text: str) -> str:
    """The last, most specific clause of a connection error's message."""
    for marker in ("Connection refused", "timed out", "Connection reset"):
        if marker in text:
            return marker.lower()
    return text.rsplit(": ", 1)[-1][:200]


def _scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text
