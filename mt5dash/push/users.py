"""Users of the organisation: created by a server admin, role set per org.

A password is only ever sent when the user is created: Grafana cannot tell
whether a stored password matches, and users change theirs.
"""

from __future__ import annotations

from mt5dash.desired import JSON, DesiredState
from mt5dash.push._client import ApiError
from mt5dash.push._context import Context, describe

KIND = "user"


def names(state: DesiredState) -> list[str]:
    return [u["login"] for u in state.users]


def org_users(ctx: Context) -> dict[str, JSON]:
    """The organisation's users by login (one request)."""
    answer = ctx.read("read org users", lambda: ctx.conn.http.GET("/org/users"))
    return {u["login"]: u for u in answer or []}


def _compared(user: JSON) -> JSON:
    return {
        "email": user.get("email", ""),
        "name": user.get("name", ""),
        "role": user.get("role", "Viewer"),
    }


def sync(ctx: Context, state: DesiredState) -> None:
    """Create each declared user, or correct its email, name and role."""
    if not state.users:
        return
    http = ctx.conn.http
    live_all = org_users(ctx)

    def create(user: JSON) -> None:
        body = {
            "login": user["login"],
            "email": user.get("email", ""),
            "name": user.get("name", ""),
            "password": user["password"],
        }
        created = http.POST("/admin/users", json=body)
        http.PATCH(f"/org/users/{created['id']}", json={"role": user["role"]})

    def update(user: JSON, live: JSON) -> None:
        user_id = live["userId"]
        http.PUT(
            f"/users/{user_id}",
            json={
                "login": user["login"],
                "email": user.get("email", ""),
                "name": user.get("name", ""),
            },
        )
        if live.get("role") != user.get("role"):
            http.PATCH(f"/org/users/{user_id}", json={"role": user["role"]})

    def one(user: JSON) -> None:
        live = live_all.get(user["login"])
        ctx.reconcile(
            KIND,
            user["login"],
            None if live is None else _compared(live),
            _compared(user),
            create=lambda: create(user),
            update=lambda: update(user, live or {}),
        )

    ctx.each(KIND, state.users, lambda u: u["login"], one, explain=_explain)


def _explain(user: JSON, error: ApiError) -> str:
    if error.status == 412:
        return (
            f"412 {error.grafana_message}: another user already has the login "
            f"{user['login']!r} or the email {user.get('email', '')!r} outside "
            "this organisation; add that user to the organisation or change it"
        )
    if error.status == 403:
        return (
            f"403 {error.grafana_message}: creating users needs a Grafana server "
            "admin (GRAFANA_USER/GRAFANA_PASSWORD of the admin)"
        )
    return describe(error)
