"""What Grafana should hold, in the shapes of Grafana's HTTP API.

``build`` turns the declarations into one ``DesiredState``. The file writer
turns it into provisioning files and the push compares it with a live Grafana,
so both speak from the same compiled objects. Secret values are never here:
settings that hold a secret hold an ``EnvSecret`` or ``FileSecret`` instead,
resolved by the push.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass(frozen=True)
class DesiredDashboard:
    """A dashboard model (no ``id``, no ``version``) and the folder it lives in."""

    folder_uid: str | None
    model: JSON
    source: str = ""

    @property
    def uid(self) -> str:
        return self.model["uid"]


@dataclass(frozen=True)
class DesiredRuleGroup:
    """A rule group in the provisioning API's form.

    ``rules`` are ``ProvisionedAlertRule`` objects (``orgID``, ``folderUID``,
    ``ruleGroup`` set); ``interval_seconds`` is the evaluation interval.
    """

    folder_uid: str
    title: str
    interval_seconds: int
    rules: list[JSON]
    source: str = ""


@dataclass
class DesiredState:
    """Everything one Grafana organisation should hold, in push order.

    ``contact_points`` are flat integrations as the provisioning API takes
    them (``uid``, ``name``, ``type``, ``settings``, ``disableResolveMessage``);
    integrations of one contact point share its ``name``. ``policy`` is the
    whole notification policy tree (``None`` leaves Grafana's tree alone).
    ``teams`` hold ``name``, ``email`` and ``members`` (user logins);
    ``users`` hold ``login``, ``email``, ``name``, ``role`` and ``password``
    (a secret reference); ``folder_permissions`` map a folder uid to items
    ``{"team": name, "permission": "View|Edit|Admin"}`` or
    ``{"user": login, ...}`` or ``{"role": "Viewer|Editor", ...}``.
    """

    folders: list[JSON] = field(default_factory=list)
    datasources: list[JSON] = field(default_factory=list)
    dashboards: list[DesiredDashboard] = field(default_factory=list)
    templates: list[JSON] = field(default_factory=list)
    contact_points: list[JSON] = field(default_factory=list)
    mute_timings: list[JSON] = field(default_factory=list)
    policy: JSON | None = None
    rule_groups: list[DesiredRuleGroup] = field(default_factory=list)
    teams: list[JSON] = field(default_factory=list)
    users: list[JSON] = field(default_factory=list)
    folder_permissions: dict[str, list[JSON]] = field(default_factory=dict)
