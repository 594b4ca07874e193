"""Teams and their members (members after users, so every login exists)."""

from __future__ import annotations

from typing import Any

from mt5dash.desired import JSON, DesiredState
from mt5dash.push._client import ApiError
from mt5dash.push._compare import Change
from mt5dash.push._context import Context, describe
from mt5dash.push._report import UNCHANGED, UPDATED
from mt5dash.push.users import org_users

KIND = "team"
MEMBERS = "team members"


def names(state: DesiredState) -> list[str]:
    return [t["name"] for t in state.teams]


def find_team(ctx: Context, name: str) -> JSON | None:
    answer = ctx.read(
        f"find team {name}",
        lambda: ctx.conn.http.GET("/teams/search", params={"name": name}),
    )
    teams = [t for t in (answer or {}).get("teams", []) if t.get("name") == name]
    return teams[0] if teams else None


def sync(ctx: Context, state: DesiredState) -> None:
    """Create each declared team or correct its email."""
    http = ctx.conn.http

    def one(team: JSON) -> None:
        live = find_team(ctx, team["name"])
        body = {"name": team["name"], "email": team.get("email", "")}
        ctx.reconcile(
            KIND,
            team["name"],
            None if live is None else {"email": live.get("email", "")},
            {"email": body["email"]},
            create=lambda: http.POST("/teams", json=body),
            update=lambda: http.PUT(f"/teams/{(live or {}).get('id')}", json=body),
        )

    ctx.each(KIND, state.teams, lambda t: t["name"], one, explain=_explain)


def sync_members(ctx: Context, state: DesiredState) -> None:
    """Make each declared team's members exactly the declared logins."""
    teams = [t for t in state.teams if "members" in t]
    if not teams:
        return
    http = ctx.conn.http
    users = org_users(ctx)

    def one(team: JSON) -> None:
        name = team["name"]
        live = find_team(ctx, name)
        if live is None:
            # Only in a dry run: the team is created by this same push.
            changes = _member_changes([], sorted(team["members"]))
            ctx.record(MEMBERS, name, UPDATED if changes else UNCHANGED, changes)
            return
        team_id = live["id"]
        members = ctx.read(
            f"read members of team {name}",
            lambda: http.GET(f"/teams/{team_id}/members"),
        )
        have = sorted(m["login"] for m in members or [])
        want = sorted(team["members"])
        changes = _member_changes(have, want)
        if not changes:
            ctx.record(MEMBERS, name, UNCHANGED)
            return
        unknown = [login for login in want if login not in users]
        if unknown and not ctx.options.dry_run:
            raise ApiError(404, None, f"unknown user(s) {', '.join(unknown)}")
        if not ctx.options.dry_run:
            for login in sorted(set(want) - set(have)):
                user_id = users[login]["userId"]
                ctx.write(
                    f"add {login} to team {name}",
                    lambda u=user_id: http.POST(
                        f"/teams/{team_id}/members", json={"userId": u}
                    ),
                )
            for member in members or []:
                if member["login"] not in want:
                    ctx.write(
                        f"remove {member['login']} from team {name}",
                        lambda m=member: http.DELETE(
                            f"/teams/{team_id}/members/{m['userId']}"
                        ),
                    )
        ctx.record(MEMBERS, name, UPDATED, changes)

    ctx.each(MEMBERS, teams, lambda t: t["name"], one)


def _member_changes(have: list[str], want: list[str]) -> list[Change]:
    changes: list[Any] = []
    changes += [
        Change(f"members[{u!r}]", "added", None, u) for u in want if u not in have
    ]
    changes += [Change(f"members[{u!r}]", "removed", u) for u in have if u not in want]
    return changes


def _explain(team: JSON, error: ApiError) -> str:
    if error.status == 409:
        return (
            f"409 {error.grafana_message}: a team named {team['name']!r} exists "
            "but cannot be seen with these credentials"
        )
    return describe(error)
