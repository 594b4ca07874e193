"""What every kind's handler shares during one push."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from mt5dash.errors import ConfigError, PushError
from mt5dash.push import _provisioned, secret_digests
from mt5dash.push._client import ApiError, Connection
from mt5dash.push._compare import Change, diff, without
from mt5dash.push._report import (
    CREATED,
    FAILED,
    NOT_APPLIED,
    PLANNED,
    UNCHANGED,
    UPDATED,
    PushReport,
    ResourceResult,
)
from mt5dash.secrets import EnvSecret, FileSecret

log = logging.getLogger("mt5dash.push")
T = TypeVar("T")

# Marks what mt5dash owns and what it last wrote; see the README section
# "Pushing to Grafana" for how drift and prune use them.
OWNER_TAG = "mt5dash"
STAMP_PREFIX = "mt5dash:"
RULE_STAMP = "__mt5dash_hash__"
INVENTORY = "mt5dash-inventory"
PROJECT_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


def check_project(name: str) -> str:
    """``name`` when it can mark what a project owns; ``ConfigError`` if not."""
    if name and not PROJECT_NAME.match(name):
        raise ConfigError(
            f"project name {name!r} cannot mark what the project owns in Grafana: "
            "use 1 to 40 of A-Z, a-z, 0-9, '_', '.', '-'"
        )
    return name


@dataclass(frozen=True)
class PushOptions:
    """How a push behaves; see ``mt5dash.push.push``."""

    dry_run: bool = False
    force: bool = False
    prune: bool = False
    editable: bool = False
    workers: int = 8
    project: str = ""

    @property
    def provenance(self) -> str:
        """The provenance alerting resources end up with."""
        return "" if self.editable else "api"

    @property
    def owner_tag(self) -> str:
        """The tag of the dashboards this project owns (``mt5dash:<project>``)."""
        return f"{OWNER_TAG}:{self.project}" if self.project else OWNER_TAG

    @property
    def inventory(self) -> str:
        """The template holding this project's inventory."""
        return f"{INVENTORY}-{self.project}" if self.project else INVENTORY

    @property
    def rule_owner(self) -> str:
        """What starts the stamp of the rules this project owns (``<project>/``)."""
        return f"{self.project}/" if self.project else ""

    def owns_rule(self, mark: str) -> bool:
        """Whether a rule stamp is this project's (a bare hash: no project's)."""
        if self.project:
            return mark.startswith(self.rule_owner)
        return "/" not in mark


class Aborted(Exception):
    """Grafana stopped answering; nothing more is attempted."""


class Context:
    """The connection, the options, the report, and the secrets to hide."""

    def __init__(
        self, conn: Connection, options: PushOptions, report: PushReport
    ) -> None:
        self.conn = conn
        self.options = options
        self.report = report
        self.secret_values: set[str] = set(conn.config.secrets)
        # "kind:name" -> field path -> declared secret value; set before pushing.
        self.secret_fields: dict[str, dict[str, str]] = {}
        # "kind:name" -> paths of fields declared as secret references, set or
        # not; their values are masked on both sides of every comparison.
        self.secret_paths: dict[str, set[str]] = {}
        # "kind:name" -> field path -> digest, for what this push wrote or
        # found matching; the inventory phase records them.
        self.secret_digests: dict[str, dict[str, str]] = {}
        # (kind, name) of resources found loaded from provisioning files.
        self.from_files: set[tuple[str, str]] = set()
        self.aborted = threading.Event()
        self.abort_reason = ""
        self.unreachable = ""
        self._writes_lock = threading.Lock()
        self._templates: list[Any] | None = None
        self._templates_lock = threading.Lock()

    # Requests

    def read(self, what: str, fn: Callable[[], T]) -> T:
        if self.aborted.is_set():
            raise Aborted(self.abort_reason)
        return self.conn.call(what, fn)

    def read_optional(self, what: str, fn: Callable[[], T]) -> T | None:
        """Like ``read``, but a 404 answer is ``None``."""
        try:
            return self.read(what, fn)
        except ApiError as error:
            if error.status == 404:
                return None
            raise

    def write(self, what: str, fn: Callable[[], T]) -> T:
        """A request that changes Grafana; never sent in a dry run."""
        assert not self.options.dry_run, "a dry run must not write"
        if self.aborted.is_set():
            raise Aborted(self.abort_reason)
        with self._writes_lock:
            self.report.writes += 1
        return self.conn.call(what, fn)

    def templates(self) -> list[Any]:
        """Grafana's notification templates, read once per push."""
        with self._templates_lock:
            if self._templates is None:
                api = self.conn.api.alertingprovisioning
                self._templates = self.read("read templates", api.get_templates) or []
            return self._templates

    def headers(self) -> dict[str, str]:
        return {"X-Disable-Provenance": "true"} if self.options.editable else {}

    # Results

    def record(
        self,
        kind: str,
        name: str,
        outcome: str,
        changes: Iterable[Change] = (),
        message: str = "",
    ) -> None:
        if self.options.dry_run:
            outcome = PLANNED.get(outcome, outcome)
        result = ResourceResult(
            kind,
            name,
            outcome,
            tuple(self.redact_change(c) for c in changes),
            self.redact(message),
        )
        self.report.add(result)
        log.debug(
            "%s %s %r%s", outcome, kind, name, f": {result.message}" * bool(message)
        )

    def each(
        self,
        kind: str,
        items: list[T],
        name: Callable[[T], str],
        fn: Callable[[T], None],
        *,
        explain: Callable[[T, ApiError], str] | None = None,
        workers: int = 1,
    ) -> None:
        """Run ``fn`` on each item, recording a failure instead of stopping.

        An unreachable Grafana aborts the push: the item and every later one
        are reported as not applied. A 401 stops the push at once.
        """

        def run(item: T) -> None:
            label = name(item)
            if self.aborted.is_set():
                self.record(kind, label, NOT_APPLIED, message=self.abort_reason)
                return
            try:
                fn(item)
            except Aborted:
                self.record(kind, label, NOT_APPLIED, message=self.abort_reason)
            except ApiError as error:
                if error.status == 401:
                    raise self.unauthorized(error) from None
                if error.unreachable:
                    self.abort(error)
                    self.record(kind, label, FAILED, message=str(error))
                    return
                text = explain(item, error) if explain else ""
                self.record(kind, label, FAILED, message=text or describe(error))

        if workers <= 1 or len(items) <= 1:
            for item in items:
                run(item)
            return
        with ThreadPoolExecutor(max_workers=workers) as pool:
            try:
                for future in [pool.submit(run, item) for item in items]:
                    future.result()
            except KeyboardInterrupt:
                # Workers check this before each request, so the pool drains.
                self.interrupt()
                raise

    def reconcile(
        self,
        kind: str,
        name: str,
        live: Any,
        desired: Any,
        *,
        create: Callable[[], object],
        update: Callable[[], object],
        recorded_secrets: dict[str, str] | None = None,
        from_files: bool = False,
    ) -> None:
        """Compare normalised ``live`` (``None``: absent) with ``desired``;
        create, update or leave it, and record which.

        The resource's declared secrets (``secret_fields``) are compared with
        their ``recorded_secrets`` digests; one that does not match, or any
        with ``force``, makes an update even when nothing else differs.
        A resource loaded from provisioning files (``from_files``, or a live
        ``provenance`` of ``file``) is compared without its provenance and
        never written (see ``_provisioned``).
        """
        if isinstance(live, dict) and live.get("provenance") == _provisioned.FILE:
            from_files = True
        hidden = self.secret_paths.get(f"{kind}:{name}", set())
        live, desired = mask_paths(live, hidden), mask_paths(desired, hidden)
        if live is not None and from_files:
            self.record_provisioned(
                kind, name, without(live, "provenance"), without(desired, "provenance")
            )
            return
        key = f"{kind}:{name}"
        stale, digests = secret_digests.compare(
            self.secret_fields.get(key, {}),
            recorded_secrets or {},
            force=self.options.force,
        )
        if live is None:
            if not self.options.dry_run:
                self.write(f"create {kind} {name}", create)
            self._keep_digests(key, digests)
            self.record(kind, name, CREATED)
            return
        changes = diff(live, desired) + stale
        if not changes:
            self._keep_digests(key, digests)
            self.record(kind, name, UNCHANGED)
            return
        if not self.options.dry_run:
            self.write(f"update {kind} {name}", update)
        self._keep_digests(key, digests)
        self.record(kind, name, UPDATED, changes)

    def record_provisioned(self, kind: str, name: str, live: Any, desired: Any) -> None:
        """Compare a file-provisioned resource; record it, never write it."""
        changes = diff(live, desired)
        outcome, message = _provisioned.outcome(kind, name, changes)
        with self._writes_lock:
            self.from_files.add((kind, name))
        self.record(kind, name, outcome, changes, message)

    def _keep_digests(self, key: str, digests: dict[str, str]) -> None:
        if digests and not self.options.dry_run:
            with self._writes_lock:
                self.secret_digests[key] = digests

    def abort(self, error: ApiError | str) -> None:
        """Stop the push: Grafana gave no answer (``error``) or cannot go on."""
        if not self.aborted.is_set():
            # The failure that stopped the push says why; the rest need not.
            self.abort_reason = "not attempted"
            if isinstance(error, ApiError) and error.unreachable:
                self.unreachable = error.reason or str(error)
            else:
                self.abort_reason = f"not attempted: {error}"
            self.aborted.set()

    def interrupt(self) -> None:
        """Stop the push at Ctrl-C: what was not reached is ``interrupted``."""
        self.abort_reason = "interrupted"
        self.aborted.set()

    def resume(self, options: PushOptions) -> None:
        """Send requests again, with ``options`` (after an interrupt)."""
        self.options = options
        self.aborted.clear()

    def unauthorized(self, error: ApiError) -> PushError:
        who = "token" if self.conn.config.token else "user and password"
        return PushError(
            f"Grafana at {self.conn.config.url} refused the credentials "
            f"(401 {self.redact(error.grafana_message)}); check the {who} "
            "(GRAFANA_TOKEN, or GRAFANA_USER and GRAFANA_PASSWORD)"
        )

    # Secrets

    def resolve(
        self,
        value: Any,
        obj: str,
        problems: list[str],
        field: str = "",
        found: dict[str, str] | None = None,
    ) -> Any:
        """``value`` with every secret reference replaced by its value.

        Each secret read is also put in ``found`` under its field path. A
        secret that cannot be read is a problem, except in a dry run, where
        it stands as ``<env:NAME>`` so a diff works without secrets.
        """
        if isinstance(value, EnvSecret | FileSecret):
            try:
                secret = _read_secret(value)
            except ConfigError as exc:
                if self.options.dry_run:
                    log.warning("%s: %s: %s; compared as <%s>", obj, field, exc, value)
                    return f"<{value}>"
                problems.append(f"{obj}: {field}: {exc}")
                return ""
            self.secret_values.add(secret)
            if found is not None:
                found[field] = secret
            return secret
        if isinstance(value, dict):
            return {
                k: self.resolve(v, obj, problems, f"{field}.{k}".lstrip("."), found)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [
                self.resolve(v, obj, problems, f"{field}[{i}]", found)
                for i, v in enumerate(value)
            ]
        return value

    def redact(self, text: str) -> str:
        for secret in self.secret_values:
            if secret:
                text = text.replace(secret, "***")
        return text

    def redact_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {k: self.redact_value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.redact_value(v) for v in value]
        return value

    def redact_change(self, change: Change) -> Change:
        return Change(
            change.path,
            change.kind,
            self.redact_value(change.old),
            self.redact_value(change.new),
        )


SECRET_MASK = "***"


def secret_paths(value: Any, field: str = "") -> set[str]:
    """The dotted paths of ``value``'s secret references (``settings.url``)."""
    if isinstance(value, EnvSecret | FileSecret):
        return {field}
    if isinstance(value, dict):
        found: set[str] = set()
        for key, item in value.items():
            found |= secret_paths(item, f"{field}.{key}".lstrip("."))
        return found
    return set()


def mask_paths(value: Any, paths: set[str]) -> Any:
    """``value`` with the field at each dotted path, where present, as ``***``.

    Applied to Grafana's answer as well as to the declaration: Grafana returns
    some secrets in plain text (a webhook's url, Grafana 11's DingDing url),
    and an old value must not reach a diff.
    """
    if not paths or not isinstance(value, dict):
        return value
    out = dict(value)
    for path in paths:
        head, _, rest = path.partition(".")
        if head not in out:
            continue
        if rest:
            out[head] = mask_paths(out[head], {rest})
        elif out[head] not in (None, ""):
            out[head] = SECRET_MASK
    return out


def _read_secret(ref: EnvSecret | FileSecret) -> str:
    """The secret's value; a variable holding only whitespace counts as empty."""
    if isinstance(ref, EnvSecret):
        value = os.environ.get(ref.name)
        if value is not None and not value.strip():
            raise ConfigError(f"environment variable {ref.name} is empty")
    return ref.resolve()


def describe(error: ApiError) -> str:
    """A failed request as one line: status and Grafana's message."""
    detail = error.grafana_message
    if error.status == 403:
        return (
            f"403 {detail}: the credentials lack the permission; push needs an "
            "org Admin (and a server admin for users)"
        )
    return f"{error.status} {detail}" if error.status else detail
