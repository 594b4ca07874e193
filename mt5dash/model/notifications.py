"""Contact points, notification templates, the policy tree and mute timings."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from mt5dash.model.base import Declaration
from mt5dash.secrets import Secret

MATCHER_RE = re.compile(
    r'^\s*(?P<label>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>=~|!~|!=|=)\s*"?(?P<value>.*?)"?\s*$'
)


class DingTalk(Declaration):
    """A DingTalk robot (Grafana's ``dingding`` integration).

    ``url`` is the robot webhook with its ``access_token``: a secret.
    ``msg_type`` link shows a title and a short text; actionCard shows
    Markdown text with a button.
    """

    type: Literal["dingding"] = "dingding"
    uid: str
    url: Secret | str
    msg_type: Literal["link", "actionCard"] = "link"
    title: str = ""
    message: str = ""
    disable_resolve_message: bool = False


class Slack(Declaration):
    """A Slack integration: an incoming ``url``, or a bot ``token`` and a
    ``recipient`` (channel or user id)."""

    type: Literal["slack"] = "slack"
    uid: str
    url: Secret | str | None = None
    token: Secret | str | None = None
    recipient: str = ""
    username: str = ""
    icon_emoji: str = ""
    icon_url: str = ""
    mention_channel: Literal["", "here", "channel"] = ""
    mention_users: list[str] = Field(default_factory=list)
    mention_groups: list[str] = Field(default_factory=list)
    title: str = ""
    text: str = ""
    disable_resolve_message: bool = False

    @model_validator(mode="after")
    def _url_or_token(self) -> Slack:
        if self.url is None and (self.token is None or not self.recipient):
            raise ValueError("give url, or token and recipient")
        return self


class Webhook(Declaration):
    """A generic webhook; the credentials are secrets."""

    type: Literal["webhook"] = "webhook"
    uid: str
    url: Secret | str
    http_method: Literal["POST", "PUT"] = "POST"
    username: str = ""
    password: Secret | str | None = None
    authorization_scheme: str = ""
    authorization_credentials: Secret | str | None = None
    max_alerts: int = Field(default=0, ge=0)
    title: str = ""
    message: str = ""
    disable_resolve_message: bool = False


Integration = Annotated[DingTalk | Slack | Webhook, Field(discriminator="type")]


class ContactPoint(Declaration):
    """A named contact point; policies and rules route to its ``name``."""

    name: str
    integrations: list[Integration] = Field(min_length=1)


class NotificationTemplate(Declaration):
    """A notification template group: Go templates with ``define`` blocks."""

    name: str
    template: str


def parse_matcher(text: str) -> tuple[str, str, str]:
    """``severity = "critical"`` as ``("severity", "=", "critical")``."""
    match = MATCHER_RE.match(text)
    if match is None:
        raise ValueError(
            f"{text!r} is not a matcher such as 'severity = critical' "
            "(operators =, !=, =~, !~)"
        )
    return match.group("label"), match.group("op"), match.group("value")


class Route(Declaration):
    """A branch of the policy tree, matched on alert labels.

    Unset timings and ``group_by`` are inherited from the parent.
    """

    receiver: str | None = None
    matchers: list[str] = Field(default_factory=list)
    group_by: list[str] | None = None
    continue_: bool = Field(default=False, alias="continue")
    group_wait: str | None = None
    group_interval: str | None = None
    repeat_interval: str | None = None
    mute_timings: list[str] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)

    @field_validator("matchers")
    @classmethod
    def _matchers(cls, matchers: list[str]) -> list[str]:
        for matcher in matchers:
            parse_matcher(matcher)
        return matchers


class NotificationPolicy(Declaration):
    """The root of the notification policy tree (one per organisation)."""

    receiver: str
    group_by: list[str] = Field(default_factory=lambda: ["grafana_folder", "alertname"])
    group_wait: str = "30s"
    group_interval: str = "5m"
    repeat_interval: str = "4h"
    routes: list[Route] = Field(default_factory=list)


class TimeRange(Declaration):
    """A time of day range, ``HH:MM`` to ``HH:MM``."""

    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    end: str = Field(pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")


class TimeInterval(Declaration):
    """When a mute timing applies; every field left empty means always."""

    times: list[TimeRange] = Field(default_factory=list)
    weekdays: list[str] = Field(default_factory=list)
    days_of_month: list[str] = Field(default_factory=list)
    months: list[str] = Field(default_factory=list)
    years: list[str] = Field(default_factory=list)
    location: str = ""


class MuteTiming(Declaration):
    """A named schedule during which routes that name it send nothing."""

    name: str
    time_intervals: list[TimeInterval] = Field(min_length=1)
