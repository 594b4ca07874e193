"""FakeGrafana: the in-process Grafana server, its fault injection and request log."""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from mt5dash.testing import (
    _access,
    _alert_rules,
    _auth,
    _dashboards,
    _datasources,
    _files,
    _folders,
    _notifications,
    _receivers,
)
from mt5dash.testing._http import ApiError, Request, Response, message, phrase
from mt5dash.testing._router import Access, Router
from mt5dash.testing._state import State

logger = logging.getLogger(__name__)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ROLES = ("Viewer", "Editor", "Admin")


def build_router() -> Router:
    """Every route the fake serves, one API area at a time."""
    router = Router()
    for area in (
        _auth,
        _dashboards,
        _folders,
        _datasources,
        _alert_rules,
        _notifications,
        _receivers,
        _access,
    ):
        area.register(router)
    return router


ROUTER = build_router()


@dataclass(frozen=True)
class Call:
    """One request as served, with its query and JSON body for assertions."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int


class FakeGrafana:
    """A Grafana 11/12 imitation over real HTTP on loopback.

    It follows the project's Grafana contract: the same paths, status codes,
    error bodies and version semantics. ``version`` picks the behaviour where
    11.x and 12.x differ. Use it as a context manager or call ``start`` and
    ``stop``.
    """

    def __init__(
        self,
        version: str = "11.6.0",
        admin_user: str = "admin",
        admin_password: str = "admin-pass-123",
        delay: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.state = State(version=version)
        self.admin_user = admin_user
        self.admin_password = admin_password
        self.delay = delay
        self.host = host
        self.port = port
        self.requests: list[tuple[str, str, int]] = []
        self.calls: list[Call] = []
        self._count = 0
        self._failures: dict[int, tuple[int, Any]] = {}
        self._stalls: dict[int, float] = {}
        self._go_away_at: int | None = None
        self._gone = False
        self._log_lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._closing: threading.Thread | None = None
        self.add_user(admin_user, admin_password, role="Admin", is_grafana_admin=True)

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> FakeGrafana:
        """Listen on ``host`` (a free port unless one was given) and serve."""
        if self._closing is not None:
            self._closing.join()
            self._closing = None
        self._server = _Server((self.host, self.port), _Handler)
        self._server.fake = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"fake-grafana-{self.port}",
            daemon=True,
        )
        self._thread.start()
        self._gone = False
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._gone = True
        if self._closing is not None:
            self._closing.join()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeGrafana:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL, ``http://127.0.0.1:<port>``."""
        return f"http://{self.host}:{self.port}"

    # -- identities ----------------------------------------------------------

    def create_token(self, role: str = "Admin") -> str:
        """A service-account token (``glsa_...``) in org 1 with ``role``.

        ``role`` may also be ``None``, Grafana's "no basic role".
        """
        if role not in (*ROLES, "None"):
            raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}, None")
        with self.state.lock:
            account = _auth.create_service_account(self.state, f"sa-{role}", role)
            return _auth.create_token(self.state, account["id"], "test")["key"]

    def add_user(
        self,
        login: str,
        password: str,
        role: str = "Editor",
        is_grafana_admin: bool = False,
    ) -> int:
        """Create a user in org 1 with ``role``; returns its id."""
        if role not in (*ROLES, "None"):
            raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
        with self.state.lock:
            user = _access.create_user(
                self.state, login=login, password=password, email=login, name=login
            )
            user["role"] = role
            user["isGrafanaAdmin"] = is_grafana_admin
            return user["id"]

    def add_datasource(self, read_only: bool = True, **fields: Any) -> dict[str, Any]:
        """Store a data source as file provisioning would (read-only by default).

        ``fields`` are the API body's (``name``, ``type``, ``uid``, ...).
        """
        with self.state.lock:
            return _datasources.add(self.state, fields, read_only=read_only)

    def provision_dashboard(
        self,
        model: dict[str, Any],
        folder_uid: str = "",
        allow_ui_updates: bool = False,
    ) -> dict[str, Any]:
        """Store a dashboard as a file provider would: ``meta.provisioned`` true.

        Without ``allow_ui_updates`` the API then refuses to save or delete it.
        """
        with self.state.lock:
            return _dashboards.provision(
                self.state, model, folder_uid, allow_ui_updates
            )

    def provision_alerting(
        self, document: dict[str, Any], env: dict[str, str] | None = None
    ) -> None:
        """Load one alerting file (``groups``, ``contactPoints``, ``policies``,
        ``templates``, ``muteTimes``) as Grafana does: provenance ``file``.

        ``env`` holds the variables the file's ``$VAR`` references read.
        """
        with self.state.lock:
            _files.load_alerting(self.state, document, env or {})

    def provision_files(
        self, files: dict[str, bytes], env: dict[str, str] | None = None
    ) -> None:
        """Load a provisioning tree (``mt5dash.build.render_files`` output) as
        Grafana does at startup: read-only datasources, provisioned dashboards,
        alerting with provenance ``file``."""
        with self.state.lock:
            _files.load_tree(self.state, files, env or {})

    # -- fault injection -----------------------------------------------------

    def fail_request(self, n: int, status: int = 503, body: Any = None) -> None:
        """Answer the n-th request from now (1-based) with ``status``.

        ``body`` defaults to ``{"message": <reason phrase>}``.
        """
        with self._log_lock:
            self._failures[self._count + n] = (status, body)

    def stall_request(self, n: int, seconds: float) -> None:
        """Hold the n-th request from now ``seconds`` before handling it."""
        with self._log_lock:
            self._stalls[self._count + n] = seconds

    def go_away_after(self, n: int) -> None:
        """After n more requests, refuse connections until ``come_back``."""
        with self._log_lock:
            self._go_away_at = self._count + n
        if n <= 0:
            self._go_away()

    def come_back(self) -> None:
        """Listen again on the same port after ``go_away_after``."""
        with self._log_lock:
            self._go_away_at = None
        if self._server is None:
            self.start()

    def _go_away(self) -> None:
        self._gone = True
        server, self._server = self._server, None
        if server is not None:
            self._closing = threading.Thread(
                target=_close_server, args=(server,), daemon=True
            )
            self._closing.start()

    # -- request log ---------------------------------------------------------

    def writes(self) -> list[tuple[str, str, int]]:
        """The served requests that could change state (POST/PUT/PATCH/DELETE)."""
        with self._log_lock:
            return [r for r in self.requests if r[0] in WRITE_METHODS]

    def _arrive(self) -> tuple[int, float, tuple[int, Any] | None]:
        with self._log_lock:
            self._count += 1
            index = self._count
            return index, self._stalls.pop(index, 0.0), self._failures.pop(index, None)

    def _served(self, index: int, call: Call) -> bool:
        """Log a request before its answer goes out; True when it is the last."""
        with self._log_lock:
            self.requests.append((call.method, call.path, call.status))
            self.calls.append(call)
            return self._go_away_at is not None and index >= self._go_away_at

    # -- direct state, for assertions ----------------------------------------

    @property
    def version(self) -> str:
        return self.state.version

    @property
    def database_ok(self) -> bool:
        """False makes ``GET /api/health`` answer 503 with ``"database": "failing"``."""
        return self.state.database_ok

    @database_ok.setter
    def database_ok(self, value: bool) -> None:
        self.state.database_ok = value

    @property
    def settings(self) -> dict[str, dict[str, Any]]:
        return self.state.settings

    @settings.setter
    def settings(self, value: dict[str, dict[str, Any]]) -> None:
        self.state.settings = value

    @property
    def receiver_test_results(self) -> dict[str, str]:
        return self.state.receiver_test_results

    @receiver_test_results.setter
    def receiver_test_results(self, value: dict[str, str]) -> None:
        self.state.receiver_test_results = value

    @property
    def receiver_tests(self) -> list[dict[str, Any]]:
        return self.state.receiver_tests

    @property
    def dashboards(self) -> dict[str, dict[str, Any]]:
        return self.state.dashboards

    @property
    def dashboard_versions(self) -> dict[str, list[dict[str, Any]]]:
        return self.state.dashboard_versions

    @property
    def folders(self) -> dict[str, dict[str, Any]]:
        return self.state.folders

    @property
    def folder_permissions(self) -> dict[str, list[dict[str, Any]]]:
        return self.state.folder_permissions

    @property
    def datasources(self) -> dict[str, dict[str, Any]]:
        return self.state.datasources

    @property
    def alert_rules(self) -> dict[str, dict[str, Any]]:
        return self.state.alert_rules

    @property
    def rule_groups(self) -> dict[tuple[str, str], dict[str, Any]]:
        return self.state.rule_groups

    @property
    def contact_points(self) -> dict[str, dict[str, Any]]:
        return self.state.contact_points

    @property
    def policy(self) -> dict[str, Any]:
        return self.state.policy

    @property
    def templates(self) -> dict[str, dict[str, Any]]:
        return self.state.templates

    @property
    def mute_timings(self) -> dict[str, dict[str, Any]]:
        return self.state.mute_timings

    @property
    def teams(self) -> dict[int, dict[str, Any]]:
        return self.state.teams

    @property
    def users(self) -> dict[int, dict[str, Any]]:
        return self.state.users

    # -- serving -------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Route, authenticate, authorise and run one request."""
        found = ROUTER.match(request.method, request.path)
        if found is None:
            return Response(404, message("Not found"))
        route, params = found
        request.params = {k: unquote(v) for k, v in params.items()}

        try:
            with self.state.lock:
                if route.access is Access.PUBLIC:
                    request.identity = _auth.try_authenticate(self.state, request)
                else:
                    request.identity = _auth.authenticate(self.state, request)
                    _auth.authorize(request.identity, route.access, route.action)
                return route.handler(self.state, request)
        except ApiError as error:
            return Response(error.status, error.body)
        except Exception:
            logger.exception(
                "fake Grafana failed on %s %s", request.method, request.path
            )
            return Response(500, message("Internal Server Error"))


def _close_server(server: ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    fake: FakeGrafana


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the
    # second waits for the client's delayed ACK (about 40 ms per request).
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("fake Grafana: " + format, *args)

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def _serve(self) -> None:
        fake = self.server.fake
        if fake._gone:
            self.close_connection = True
            return
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        index, stall, failure = fake._arrive()
        time.sleep(fake.delay + stall)

        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            raw_body=raw_body,
        )
        if failure is not None:
            status, body = failure
            response = Response(
                status, message(phrase(status)) if body is None else body
            )
        else:
            response = fake.handle(request)

        call = Call(
            method=request.method,
            path=request.path,
            query=request.query,
            body=_json_or_none(raw_body),
            status=response.status,
        )
        leave = fake._served(index, call)
        self._write(response)
        if leave:
            fake._go_away()

    def _write(self, response: Response) -> None:
        if response.body is None:
            payload = b""
        elif isinstance(response.body, bytes):
            payload = response.body
        else:
            payload = json.dumps(response.body).encode()
        self.send_response(response.status)
        headers = {"Content-Type": "application/json", **response.headers}
        if response.body is None:
            headers.pop("Content-Type")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)


def _json_or_none(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None
