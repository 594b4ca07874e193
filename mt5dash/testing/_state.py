"""Everything the fake Grafana holds, in one object guarded by one lock."""

from __future__ import annotations

import itertools
import random
import re
import string
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DEFAULT_CONTACT_POINT = "grafana-default-email"


def now() -> str:
    """The current time as Grafana writes it in API bodies."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_uid() -> str:
    """A generated uid of Grafana's short-uid length (14 characters)."""
    return "".join(random.choices(string.ascii_lowercase + string.digits, k=14))


def default_policy() -> dict[str, Any]:
    """The notification policy tree of a fresh Grafana (and after a reset)."""
    return {
        "receiver": DEFAULT_CONTACT_POINT,
        "group_by": ["grafana_folder", "alertname"],
    }


def default_contact_point() -> dict[str, Any]:
    return {
        "uid": "",
        "name": DEFAULT_CONTACT_POINT,
        "type": "email",
        "settings": {"addresses": "<example@email.com>"},
        "disableResolveMessage": False,
        "provenance": "",
    }


def default_settings() -> dict[str, dict[str, Any]]:
    """The grafana.ini sections that steer the fake, with Grafana's defaults."""
    return {
        "auth.anonymous": {"enabled": False, "org_role": "Viewer"},
        "users": {"allow_sign_up": False, "auto_assign_org_role": "Viewer"},
        "security": {"disable_initial_admin_creation": False},
    }


@dataclass
class State:
    """The fake's data. Handlers run with ``lock`` held, one at a time."""

    version: str
    database_ok: bool = True
    lock: threading.RLock = field(default_factory=threading.RLock)
    settings: dict[str, dict[str, Any]] = field(default_factory=default_settings)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    service_accounts: dict[int, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)
    dashboards: dict[str, dict[str, Any]] = field(default_factory=dict)
    dashboard_versions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    folders: dict[str, dict[str, Any]] = field(default_factory=dict)
    folder_permissions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    datasources: dict[str, dict[str, Any]] = field(default_factory=dict)
    alert_rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    rule_groups: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    contact_points: dict[str, dict[str, Any]] = field(default_factory=dict)
    policy: dict[str, Any] = field(default_factory=default_policy)
    policy_provenance: str = ""
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    mute_timings: dict[str, dict[str, Any]] = field(default_factory=dict)
    teams: dict[int, dict[str, Any]] = field(default_factory=dict)
    receiver_test_results: dict[str, str] = field(default_factory=dict)
    receiver_tests: list[dict[str, Any]] = field(default_factory=list)
    ids: dict[str, itertools.count[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        default = default_contact_point()
        default["uid"] = new_uid()
        self.contact_points[default["uid"]] = default

    @property
    def major(self) -> int:
        """The major Grafana version the fake imitates (11 or 12)."""
        return int(self.version.split(".")[0])

    def next_id(self, kind: str) -> int:
        """The next numeric id of a kind; dashboards and folders share one."""
        counter = self.ids.setdefault(kind, itertools.count(1))
        return next(counter)

    def user_by_login(self, login_or_email: str) -> dict[str, Any] | None:
        for user in self.users.values():
            if login_or_email in (user["login"], user["email"]):
                return user
        return None

    def folder_by_id(self, folder_id: int) -> dict[str, Any] | None:
        for folder in self.folders.values():
            if folder["id"] == folder_id:
                return folder
        return None


def slugify(title: str) -> str:
    """The URL slug Grafana derives from a title: lower case, dashes between words."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug


UID_PATTERN = re.compile(r"^[a-zA-Z0-9\-_]*$")


def uid_problem(uid: str) -> str | None:
    """Grafana's message for a uid it refuses, or None when the uid is fine."""
    if not UID_PATTERN.match(uid):
        return "uid contains illegal characters"
    if len(uid) > 40:
        return "uid too long, max 40 characters"
    return None
