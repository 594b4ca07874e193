"""Users, teams and folder permissions."""

from __future__ import annotations

from typing import Any

from mt5dash.testing._router import Router
from mt5dash.testing._state import State, now


def register(router: Router) -> None:
    pass


def create_user(
    state: State, login: str, password: str, email: str, name: str
) -> dict[str, Any]:
    """Add a user to org 1 with the ``auto_assign_org_role`` role."""
    user_id = state.next_id("user")
    user = {
        "id": user_id,
        "uid": f"u{user_id}",
        "login": login,
        "email": email or login,
        "name": name or login,
        "password": password,
        "role": state.settings.get("users", {}).get("auto_assign_org_role", "Viewer"),
        "isGrafanaAdmin": False,
        "isDisabled": False,
        "created": now(),
    }
    state.users[user_id] = user
    return user
