"""A small router: method and path pattern to handler, with the access it needs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mt5dash.testing._http import Request, Response
    from mt5dash.testing._state import State

Handler = Callable[["State", "Request"], "Response"]


class Access(IntEnum):
    """Who may call a route, in Grafana's default role grants."""

    PUBLIC = 0
    SIGNED_IN = 1
    VIEWER = 5
    EDITOR = 2
    ADMIN = 3
    SERVER_ADMIN = 4


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    access: Access
    action: str


class Router:
    """Routes in the order they were added; ``{name}`` matches one segment."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(
        self,
        method: str,
        path: str,
        handler: Handler,
        access: Access = Access.SIGNED_IN,
        action: str = "",
    ) -> None:
        """Add a route; ``action`` is the RBAC action named in a 403 body."""
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
        pattern = re.compile(f"^{regex}/?$")
        self.routes.append(Route(method, pattern, handler, access, action))

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The first route for ``method`` whose pattern matches ``path``."""
        for route in self.routes:
            if route.method != method:
                continue
            found = route.pattern.match(path)
            if found:
                return route, found.groupdict()
        return None
