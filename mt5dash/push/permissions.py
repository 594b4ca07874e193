"""Folder permissions: the declared list replaces the folder's whole list."""

from __future__ import annotations

from mt5dash.desired import JSON, DesiredState
from mt5dash.push._client import ApiError
from mt5dash.push._context import Context
from mt5dash.push.teams import find_team
from mt5dash.push.users import org_users

KIND = "folder permissions"
LEVELS = {"View": 1, "Edit": 2, "Admin": 4}
NAMES = {v: k for k, v in LEVELS.items()}


def names(state: DesiredState) -> list[str]:
    return sorted(state.folder_permissions)


def _subject(item: JSON) -> str:
    for key in ("team", "user", "role"):
        if item.get(key):
            return f"{key}:{item[key]}"
    return "?"


def _live_items(answer: list[JSON]) -> dict[str, str]:
    """The folder's own permissions as ``{"team:ops": "Edit"}``."""
    out = {}
    for item in answer:
        if item.get("inherited"):
            continue
        level = NAMES.get(item.get("permission", 0), str(item.get("permission")))
        if item.get("team"):
            subject = f"team:{item['team']}"
        elif item.get("userLogin"):
            subject = f"user:{item['userLogin']}"
        elif item.get("role"):
            subject = f"role:{item['role']}"
        else:
            continue
        out[subject] = level
    return dict(sorted(out.items()))


def sync(ctx: Context, state: DesiredState) -> None:
    """Replace each declared folder's permissions when they differ."""
    if not state.folder_permissions:
        return
    http = ctx.conn.http
    users: dict[str, JSON] = {}

    def body(items: list[JSON]) -> JSON:
        out = []
        for item in items:
            entry: JSON = {"permission": LEVELS[item["permission"]]}
            if item.get("team"):
                team = find_team(ctx, item["team"])
                if team is None:
                    raise ApiError(404, None, f"team {item['team']!r} does not exist")
                entry["teamId"] = team["id"]
            elif item.get("user"):
                if not users:
                    users.update(org_users(ctx))
                if item["user"] not in users:
                    raise ApiError(404, None, f"user {item['user']!r} does not exist")
                entry["userId"] = users[item["user"]]["userId"]
            else:
                entry["role"] = item["role"]
            out.append(entry)
        return {"items": out}

    def one(uid: str) -> None:
        items = state.folder_permissions[uid]
        live = ctx.read_optional(
            f"read permissions of folder {uid}",
            lambda: http.GET(f"/folders/{uid}/permissions"),
        )
        if live is None and not ctx.options.dry_run:
            raise ApiError(404, None, f"folder {uid!r} does not exist")
        want = dict(sorted((_subject(i), i["permission"]) for i in items))
        ctx.reconcile(
            KIND,
            uid,
            _live_items(live or []),
            want,
            create=lambda: None,
            update=lambda: http.POST(f"/folders/{uid}/permissions", json=body(items)),
        )

    ctx.each(KIND, sorted(state.folder_permissions), lambda uid: uid, one)
