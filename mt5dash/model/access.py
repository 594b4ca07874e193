"""Folders, teams, users and who may do what in which folder."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from mt5dash.model.base import Declaration
from mt5dash.secrets import Secret


class Permission(Declaration):
    """One folder permission, given to exactly one team, user or org role."""

    permission: Literal["View", "Edit", "Admin"]
    team: str | None = None
    user: str | None = None
    role: Literal["Viewer", "Editor"] | None = None

    @model_validator(mode="after")
    def _one_grantee(self) -> Permission:
        given = [g for g in (self.team, self.user, self.role) if g is not None]
        if len(given) != 1:
            raise ValueError("set exactly one of team, user or role")
        return self

    @property
    def grantee(self) -> str:
        if self.team is not None:
            return f"team {self.team!r}"
        if self.user is not None:
            return f"user {self.user!r}"
        return f"role {self.role}"


class Folder(Declaration):
    """A dashboard and alert-rule folder, pinned by uid."""

    uid: str
    title: str
    permissions: list[Permission] = Field(default_factory=list)


class Team(Declaration):
    """A Grafana team; ``members`` are user logins."""

    name: str
    email: str = ""
    members: list[str] = Field(default_factory=list)


class User(Declaration):
    """A Grafana user of the hub's organisation.

    ``password`` is the initial password and must be a secret reference.
    """

    login: str
    email: str
    name: str = ""
    role: Literal["Viewer", "Editor", "Admin"] = "Viewer"
    password: Secret | str
