"""Users, org roles, teams and folder permissions (legacy and RBAC APIs)."""

from __future__ import annotations

from typing import Any

from mt5dash.testing._http import ApiError, Request, Response, message
from mt5dash.testing._router import Access, Router
from mt5dash.testing._state import State, now

ROLES = ("None", "Viewer", "Editor", "Admin")
LEVELS = {1: "View", 2: "Edit", 4: "Admin"}
LEVEL_NUMBERS = {name: number for number, name in LEVELS.items()}


def register(router: Router) -> None:
    admin, server = Access.ADMIN, Access.SERVER_ADMIN
    router.add("POST", "/api/admin/users", post_user, server, "users:create")
    router.add(
        "PUT",
        "/api/admin/users/{id}/password",
        put_password,
        server,
        "users.password:write",
    )
    router.add(
        "PUT",
        "/api/admin/users/{id}/permissions",
        put_server_admin,
        server,
        "users.permissions:write",
    )
    router.add("DELETE", "/api/admin/users/{id}", delete_user, server, "users:delete")
    router.add("GET", "/api/users/lookup", lookup_user, server, "users:read")
    router.add("GET", "/api/users/{id}", get_user, server, "users:read")
    router.add("PUT", "/api/users/{id}", put_user, server, "users:write")
    router.add("GET", "/api/org/users", list_org_users, admin, "org.users:read")
    router.add("PATCH", "/api/org/users/{id}", patch_org_user, admin, "org.users:write")

    router.add("POST", "/api/teams", post_team, admin, "teams:create")
    router.add("GET", "/api/teams/search", search_teams, admin, "teams:read")
    router.add("GET", "/api/teams/{id}", get_team, admin, "teams:read")
    router.add("PUT", "/api/teams/{id}", put_team, admin, "teams:write")
    router.add("DELETE", "/api/teams/{id}", delete_team, admin, "teams:delete")
    members = "/api/teams/{id}/members"
    router.add("GET", members, list_members, admin, "teams.permissions:read")
    router.add("POST", members, add_member, admin, "teams.permissions:write")
    router.add(
        "DELETE",
        members + "/{user}",
        remove_member,
        admin,
        "teams.permissions:write",
    )

    legacy = "/api/folders/{uid}/permissions"
    rbac = "/api/access-control/folders/{uid}"
    router.add("GET", legacy, get_legacy_permissions, admin, "folders.permissions:read")
    router.add(
        "POST", legacy, post_legacy_permissions, admin, "folders.permissions:write"
    )
    router.add("GET", rbac, get_rbac_permissions, admin, "folders.permissions:read")
    router.add("POST", rbac, post_rbac_permissions, admin, "folders.permissions:write")
    router.add(
        "POST",
        rbac + "/{kind}/{who}",
        post_rbac_permission,
        admin,
        "folders.permissions:write",
    )


# -- users ----------------------------------------------------------------------


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


def user_body(user: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": user["id"],
        "uid": user["uid"],
        "email": user["email"],
        "name": user["name"],
        "login": user["login"],
        "theme": "",
        "orgId": 1,
        "isGrafanaAdmin": user["isGrafanaAdmin"],
        "isDisabled": user["isDisabled"],
        "isExternal": False,
        "authLabels": [],
        "updatedAt": user["created"],
        "createdAt": user["created"],
        "avatarUrl": "",
    }


def find_user(state: State, raw_id: str) -> dict[str, Any]:
    user = state.users.get(int(raw_id)) if raw_id.isdigit() else None
    if user is None:
        raise ApiError(404, message("user not found"))
    return user


def post_user(state: State, request: Request) -> Response:
    body = request.json_object()
    email = str(body.get("email") or "")
    login = str(body.get("login") or email)
    password = str(body.get("password") or "")
    if not login:
        raise ApiError(400, message("bad request data"))
    if len(password) < 4:
        raise ApiError(400, message("Password is missing or too short"))
    if state.user_by_login(login) or (email and state.user_by_login(email)):
        raise ApiError(
            412,
            message(f"User with email '{email}' or username '{login}' already exists"),
        )
    user = create_user(state, login, password, email, str(body.get("name") or ""))
    return Response(
        200, {"id": user["id"], "uid": user["uid"], "message": "User created"}
    )


def put_password(state: State, request: Request) -> Response:
    user = find_user(state, request.params["id"])
    password = str(request.json_object().get("password") or "")
    if len(password) < 4:
        raise ApiError(400, message("New password too short"))
    user["password"] = password
    return Response(200, message("User password updated"))


def put_server_admin(state: State, request: Request) -> Response:
    user = find_user(state, request.params["id"])
    user["isGrafanaAdmin"] = bool(request.json_object().get("isGrafanaAdmin"))
    return Response(200, message("User permissions updated"))


def delete_user(state: State, request: Request) -> Response:
    user = find_user(state, request.params["id"])
    del state.users[user["id"]]
    for team in state.teams.values():
        if user["id"] in team["members"]:
            team["members"].remove(user["id"])
    return Response(200, message("User deleted"))


def lookup_user(state: State, request: Request) -> Response:
    user = state.user_by_login(request.arg("loginOrEmail"))
    if user is None:
        raise ApiError(404, message("user not found"))
    return Response(200, user_body(user))


def get_user(state: State, request: Request) -> Response:
    return Response(200, user_body(find_user(state, request.params["id"])))


def put_user(state: State, request: Request) -> Response:
    """Change a user's login, email or name; each must stay unique."""
    user = find_user(state, request.params["id"])
    body = request.json_object()
    changes = {k: str(body[k]) for k in ("login", "email", "name") if body.get(k)}
    for key in ("login", "email"):
        other = state.user_by_login(changes.get(key, ""))
        if other is not None and other["id"] != user["id"]:
            raise ApiError(409, message("User with same login or email already exists"))
    user.update(changes)
    return Response(200, message("User updated"))


def list_org_users(state: State, request: Request) -> Response:
    users = sorted(state.users.values(), key=lambda u: u["login"])
    return Response(
        200,
        [
            {
                "orgId": 1,
                "userId": u["id"],
                "uid": u["uid"],
                "email": u["email"],
                "name": u["name"],
                "login": u["login"],
                "role": u["role"],
                "avatarUrl": "",
                "isDisabled": u["isDisabled"],
            }
            for u in users
        ],
    )


def patch_org_user(state: State, request: Request) -> Response:
    user = find_user(state, request.params["id"])
    role = request.json_object().get("role")
    if role not in ROLES:
        raise ApiError(400, message("Invalid role specified"))
    user["role"] = role
    return Response(200, message("Organization user updated"))


# -- teams ----------------------------------------------------------------------


def find_team(state: State, raw_id: str) -> dict[str, Any]:
    team = state.teams.get(int(raw_id)) if raw_id.isdigit() else None
    if team is None:
        raise ApiError(404, message("Team not found"))
    return team


def team_body(team: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": team["id"],
        "uid": team["uid"],
        "orgId": 1,
        "name": team["name"],
        "email": team["email"],
        "avatarUrl": f"/avatar/{team['uid']}",
        "memberCount": len(team["members"]),
        "permission": 0,
    }


def post_team(state: State, request: Request) -> Response:
    body = request.json_object()
    name = str(body.get("name") or "")
    if not name:
        raise ApiError(400, message("bad request data"))
    if any(t["name"] == name for t in state.teams.values()):
        raise ApiError(409, message("Team name taken"))
    team_id = state.next_id("team")
    team = {
        "id": team_id,
        "uid": f"t{team_id}",
        "name": name,
        "email": str(body.get("email") or ""),
        "members": [],
    }
    state.teams[team_id] = team
    return Response(
        200, {"message": "Team created", "teamId": team_id, "uid": team["uid"]}
    )


def search_teams(state: State, request: Request) -> Response:
    """Teams whose name contains ``query`` or equals ``name``, paged."""
    query, name = request.arg("query").lower(), request.arg("name")
    teams = [
        t
        for t in state.teams.values()
        if query in t["name"].lower() and (not name or t["name"] == name)
    ]
    teams.sort(key=lambda t: t["name"].lower())
    per_page = int(request.arg("perpage", "1000") or 1000)
    page = max(int(request.arg("page", "1") or 1), 1)
    shown = teams[(page - 1) * per_page : page * per_page]
    return Response(
        200,
        {
            "totalCount": len(teams),
            "teams": [team_body(t) for t in shown],
            "page": page,
            "perPage": per_page,
        },
    )


def get_team(state: State, request: Request) -> Response:
    return Response(200, team_body(find_team(state, request.params["id"])))


def put_team(state: State, request: Request) -> Response:
    team = find_team(state, request.params["id"])
    body = request.json_object()
    name = str(body.get("name") or "")
    if not name:
        raise ApiError(400, message("bad request data"))
    if any(t["name"] == name and t["id"] != team["id"] for t in state.teams.values()):
        raise ApiError(409, message("Team name taken"))
    team.update(name=name, email=str(body.get("email") or ""))
    return Response(200, message("Team updated"))


def delete_team(state: State, request: Request) -> Response:
    team = find_team(state, request.params["id"])
    del state.teams[team["id"]]
    for items in state.folder_permissions.values():
        items[:] = [i for i in items if i.get("teamId") != team["id"]]
    return Response(200, message("Team deleted"))


def list_members(state: State, request: Request) -> Response:
    team = find_team(state, request.params["id"])
    members = [state.users[i] for i in team["members"] if i in state.users]
    return Response(
        200,
        [
            {
                "orgId": 1,
                "teamId": team["id"],
                "teamUID": team["uid"],
                "userId": u["id"],
                "userUID": u["uid"],
                "login": u["login"],
                "email": u["email"],
                "name": u["name"],
                "avatarUrl": "",
                "labels": [],
                "permission": 0,
            }
            for u in members
        ],
    )


def add_member(state: State, request: Request) -> Response:
    team = find_team(state, request.params["id"])
    user_id = request.json_object().get("userId")
    if not isinstance(user_id, int) or user_id not in state.users:
        raise ApiError(404, message("User not found"))
    if user_id in team["members"]:
        raise ApiError(400, message("User is already added to this team"))
    team["members"].append(user_id)
    return Response(200, message("Member added to Team"))


def remove_member(state: State, request: Request) -> Response:
    team = find_team(state, request.params["id"])
    raw = request.params["user"]
    user_id = int(raw) if raw.isdigit() else -1
    if user_id not in team["members"]:
        raise ApiError(404, message("Team member not found"))
    team["members"].remove(user_id)
    return Response(200, message("Team Member removed"))


# -- folder permissions ----------------------------------------------------------


def default_permissions(creator_id: int) -> list[dict[str, Any]]:
    """A new folder's ACL: its creator is Admin, Editors edit, Viewers view."""
    items: list[dict[str, Any]] = []
    if creator_id > 0:
        items.append({"userId": creator_id, "permission": 4})
    items += [
        {"role": "Editor", "permission": 2},
        {"role": "Viewer", "permission": 1},
    ]
    return items


def _folder(state: State, uid: str) -> dict[str, Any]:
    folder = state.folders.get(uid)
    if folder is None:
        raise ApiError(404, {"status": "not-found", "message": "folder not found"})
    return folder


def _acl(state: State, uid: str) -> list[dict[str, Any]]:
    return state.folder_permissions.setdefault(uid, default_permissions(0))


def _check_item(state: State, item: Any) -> dict[str, Any]:
    """One ACL entry: exactly one of role, teamId or userId, and a known level."""
    if not isinstance(item, dict):
        raise ApiError(400, message("bad request data"))
    keys = [k for k in ("role", "teamId", "userId") if item.get(k)]
    if len(keys) != 1 or item.get("permission") not in LEVELS:
        raise ApiError(400, message("Permission is not valid"))
    key = keys[0]
    if key == "role" and item["role"] not in ROLES[1:]:
        raise ApiError(400, message("Invalid role specified"))
    if key == "teamId" and item["teamId"] not in state.teams:
        raise ApiError(404, message("Team not found"))
    if key == "userId" and item["userId"] not in state.users:
        raise ApiError(404, message("User not found"))
    return {key: item[key], "permission": item["permission"]}


def _legacy_item(
    state: State, folder: dict[str, Any], item: dict[str, Any]
) -> dict[str, Any]:
    user = state.users.get(item.get("userId", 0)) or {}
    team = state.teams.get(item.get("teamId", 0)) or {}
    return {
        "folderId": folder["id"],
        "folderUid": folder["uid"],
        "uid": folder["uid"],
        "title": folder["title"],
        "userId": item.get("userId", 0),
        "userLogin": user.get("login", ""),
        "teamId": item.get("teamId", 0),
        "teamUid": team.get("uid", ""),
        "team": team.get("name", ""),
        "role": item.get("role", ""),
        "permission": item["permission"],
        "permissionName": LEVELS[item["permission"]],
        "inherited": False,
        "isFolder": True,
    }


def get_legacy_permissions(state: State, request: Request) -> Response:
    folder = _folder(state, request.params["uid"])
    items = _acl(state, folder["uid"])
    return Response(200, [_legacy_item(state, folder, i) for i in items])


def post_legacy_permissions(state: State, request: Request) -> Response:
    """Replace the folder's whole ACL with the items given."""
    folder = _folder(state, request.params["uid"])
    items = request.json_object().get("items")
    if not isinstance(items, list):
        raise ApiError(400, message("bad request data"))
    checked = [_check_item(state, item) for item in items]
    state.folder_permissions[folder["uid"]] = checked
    return Response(
        200,
        {
            "message": "Folder permissions updated",
            "id": folder["id"],
            "title": folder["title"],
        },
    )


def _rbac_item(state: State, item: dict[str, Any]) -> dict[str, Any]:
    user = state.users.get(item.get("userId", 0)) or {}
    team = state.teams.get(item.get("teamId", 0)) or {}
    level = LEVELS[item["permission"]]
    return {
        "id": 0,
        "roleName": "managed:folders:permissions",
        "isManaged": True,
        "isInherited": False,
        "isServiceAccount": False,
        "userId": item.get("userId", 0),
        "userLogin": user.get("login", ""),
        "userUid": user.get("uid", ""),
        "teamId": item.get("teamId", 0),
        "team": team.get("name", ""),
        "teamUid": team.get("uid", ""),
        "builtInRole": item.get("role", ""),
        "actions": [],
        "permission": level,
    }


def get_rbac_permissions(state: State, request: Request) -> Response:
    folder = _folder(state, request.params["uid"])
    return Response(200, [_rbac_item(state, i) for i in _acl(state, folder["uid"])])


def _set_level(state: State, uid: str, key: str, value: Any, level: str) -> None:
    """Give one user, team or role a level on the folder; "" takes it away."""
    if level not in ("", *LEVEL_NUMBERS):
        raise ApiError(400, message(f"invalid permission {level!r}"))
    items = [i for i in _acl(state, uid) if i.get(key) != value]
    if level:
        items.append(
            _check_item(state, {key: value, "permission": LEVEL_NUMBERS[level]})
        )
    state.folder_permissions[uid] = items


RBAC_KINDS = {"users": "userId", "teams": "teamId", "builtInRoles": "role"}


def post_rbac_permission(state: State, request: Request) -> Response:
    folder = _folder(state, request.params["uid"])
    key = RBAC_KINDS.get(request.params["kind"])
    if key is None:
        return Response(404, message("Not found"))
    who: Any = request.params["who"]
    if key != "role":
        who = int(who) if who.isdigit() else -1
    level = request.json_object().get("permission", "")
    _set_level(state, folder["uid"], key, who, str(level))
    return Response(200, message("Permission updated"))


def post_rbac_permissions(state: State, request: Request) -> Response:
    """Set several levels at once; entries not named keep theirs."""
    folder = _folder(state, request.params["uid"])
    permissions = request.json_object().get("permissions")
    if not isinstance(permissions, list):
        raise ApiError(400, message("bad request data"))
    for entry in permissions:
        key = next(
            (k for k in ("userId", "teamId", "builtInRole") if entry.get(k)), None
        )
        if key is None:
            raise ApiError(400, message("bad request data"))
        stored_key = "role" if key == "builtInRole" else key
        _set_level(
            state,
            folder["uid"],
            stored_key,
            entry[key],
            str(entry.get("permission", "")),
        )
    return Response(200, message("Permissions updated"))
