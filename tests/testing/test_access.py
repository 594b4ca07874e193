"""Teams, users and folder permissions (contract §2.8)."""

from __future__ import annotations


def test_team_create_answers_team_created(grafana, http):
    status, body = http("POST", "/api/teams", {"name": grafana.unique("team")})
    assert (status, body["message"]) == (200, "Team created")
    assert isinstance(body["teamId"], int)


def test_team_name_taken_is_409(grafana, http):
    name = grafana.unique("team")
    http("POST", "/api/teams", {"name": name})
    assert http("POST", "/api/teams", {"name": name}) == (
        409,
        {"message": "Team name taken"},
    )


def test_team_search_by_exact_name(grafana, http):
    name = grafana.unique("team")
    http("POST", "/api/teams", {"name": name})
    http("POST", "/api/teams", {"name": name + "-longer"})
    status, body = http("GET", f"/api/teams/search?name={name}")
    assert status == 200
    assert [t["name"] for t in body["teams"]] == [name]
    assert body["totalCount"] == 1


def test_members_add_list_remove(grafana, http):
    team = http("POST", "/api/teams", {"name": grafana.unique("team")})[1]["teamId"]
    login = grafana.unique("member")
    user = grafana.add_user(login, "member-pass-1", role="Viewer")
    members = f"/api/teams/{team}/members"
    assert http("POST", members, {"userId": user}) == (
        200,
        {"message": "Member added to Team"},
    )
    assert [m["login"] for m in http("GET", members)[1]] == [login]
    assert http("DELETE", f"{members}/{user}")[0] == 200
    assert http("GET", members)[1] == []


def test_member_added_twice_is_400(grafana, http):
    team = http("POST", "/api/teams", {"name": grafana.unique("team")})[1]["teamId"]
    user = grafana.add_user(grafana.unique("member"), "member-pass-1", role="Viewer")
    http("POST", f"/api/teams/{team}/members", {"userId": user})
    assert http("POST", f"/api/teams/{team}/members", {"userId": user}) == (
        400,
        {"message": "User is already added to this team"},
    )


def test_admin_creates_a_user_and_finds_it(grafana, http):
    login = grafana.unique("user")
    body = {"login": login, "email": f"{login}@example.com", "password": "pass-1234"}
    status, answer = http("POST", "/api/admin/users", body)
    assert (status, answer["message"]) == (200, "User created")
    found = http("GET", f"/api/users/lookup?loginOrEmail={login}")
    assert (found[0], found[1]["id"]) == (200, answer["id"])


def test_existing_user_is_412(grafana, http):
    login = grafana.unique("user")
    body = {"login": login, "email": f"{login}@example.com", "password": "pass-1234"}
    http("POST", "/api/admin/users", body)
    assert http("POST", "/api/admin/users", body) == (
        412,
        {
            "message": f"User with email '{login}@example.com' or username "
            f"'{login}' already exists"
        },
    )


def test_role_change_takes_effect(grafana, http):
    login = grafana.unique("user")
    user = grafana.add_user(login, "pass-1234", role="Viewer")
    as_user = (login, "pass-1234")
    assert http("POST", "/api/folders", {"title": login}, auth=as_user)[0] == 403
    assert http("PATCH", f"/api/org/users/{user}", {"role": "Editor"})[0] == 200
    assert http("POST", "/api/folders", {"title": login}, auth=as_user)[0] == 200


def test_legacy_folder_permissions_replace_the_acl(grafana, http):
    uid = grafana.unique("team")
    http("POST", "/api/folders", {"uid": uid, "title": uid})
    team = http("POST", "/api/teams", {"name": grafana.unique("team")})[1]["teamId"]
    items = [{"role": "Viewer", "permission": 1}, {"teamId": team, "permission": 2}]
    status, body = http("POST", f"/api/folders/{uid}/permissions", {"items": items})
    assert (status, body["message"]) == (200, "Folder permissions updated")
    acl = http("GET", f"/api/folders/{uid}/permissions")[1]
    assert sorted((a["role"], a["teamId"], a["permission"]) for a in acl) == sorted(
        [("Viewer", 0, 1), ("", team, 2)]
    )


def test_rbac_folder_permission_for_a_team(grafana, http):
    uid = grafana.unique("team")
    http("POST", "/api/folders", {"uid": uid, "title": uid})
    team = http("POST", "/api/teams", {"name": grafana.unique("team")})[1]["teamId"]
    path = f"/api/access-control/folders/{uid}/teams/{team}"
    assert http("POST", path, {"permission": "Edit"})[0] == 200
    listed = http("GET", f"/api/access-control/folders/{uid}")[1]
    assert [p["permission"] for p in listed if p["teamId"] == team] == ["Edit"]


def test_rbac_empty_permission_removes_it(grafana, http):
    uid = grafana.unique("team")
    http("POST", "/api/folders", {"uid": uid, "title": uid})
    path = f"/api/access-control/folders/{uid}/builtInRoles/Viewer"
    http("POST", path, {"permission": ""})
    listed = http("GET", f"/api/access-control/folders/{uid}")[1]
    assert [p for p in listed if p["builtInRole"] == "Viewer"] == []


def test_team_update_renames_it(grafana, http):
    team = http("POST", "/api/teams", {"name": grafana.unique("team")})[1]["teamId"]
    renamed = grafana.unique("renamed")
    assert http("PUT", f"/api/teams/{team}", {"name": renamed}) == (
        200,
        {"message": "Team updated"},
    )
    assert http("GET", f"/api/teams/{team}")[1]["name"] == renamed


def test_user_update_changes_the_email(grafana, http):
    login = grafana.unique("user")
    user = grafana.add_user(login, "pass-1234", role="Viewer")
    body = {"login": login, "email": f"{login}@example.org", "name": "N"}
    assert http("PUT", f"/api/users/{user}", body) == (200, {"message": "User updated"})
    found = http("GET", f"/api/users/lookup?loginOrEmail={login}@example.org")[1]
    assert found["id"] == user
