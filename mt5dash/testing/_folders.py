"""Folders: create, read, list, update, delete (with their dashboards)."""

from __future__ import annotations

from typing import Any

from mt5dash.testing import _access
from mt5dash.testing._http import (
    ApiError,
    Request,
    Response,
    errutil,
    message,
    status_body,
)
from mt5dash.testing._router import Access, Router
from mt5dash.testing._state import State, new_uid, now, slugify, uid_problem

NOT_FOUND = status_body("not-found", "folder not found")


def register(router: Router) -> None:
    router.add("GET", "/api/folders", list_folders)
    router.add("POST", "/api/folders", post_folder, Access.EDITOR, "folders:create")
    router.add("GET", "/api/folders/{uid}", get_folder)
    router.add("PUT", "/api/folders/{uid}", put_folder, Access.EDITOR, "folders:write")
    router.add(
        "DELETE", "/api/folders/{uid}", delete_folder, Access.EDITOR, "folders:delete"
    )


def folder_url(folder: dict[str, Any]) -> str:
    return f"/dashboards/f/{folder['uid']}/{slugify(folder['title'])}"


def folder_body(state: State, folder: dict[str, Any]) -> dict[str, Any]:
    """The folder as ``GET /api/folders/:uid`` answers it."""
    body = {
        "id": folder["id"],
        "uid": folder["uid"],
        "orgId": 1,
        "title": folder["title"],
        "url": folder_url(folder),
        "hasAcl": False,
        "canSave": True,
        "canEdit": True,
        "canAdmin": True,
        "canDelete": True,
        "createdBy": folder["createdBy"],
        "created": folder["created"],
        "updatedBy": folder["updatedBy"],
        "updated": folder["updated"],
        "version": folder["version"],
    }
    if folder.get("parentUid"):
        body["parentUid"] = folder["parentUid"]
    return body


def find(state: State, uid: str) -> dict[str, Any]:
    folder = state.folders.get(uid)
    if folder is None:
        raise ApiError(404, NOT_FOUND)
    return folder


def list_folders(state: State, request: Request) -> Response:
    """Folders directly under ``parentUid`` (the root when absent), by title."""
    parent = request.arg("parentUid") or None
    children = [
        f for f in state.folders.values() if (f.get("parentUid") or None) == parent
    ]
    children.sort(key=lambda f: f["title"].lower())
    limit = int(request.arg("limit", "1000") or 1000)
    page = max(int(request.arg("page", "1") or 1), 1)
    children = children[(page - 1) * limit : page * limit]
    return Response(
        200, [{"id": f["id"], "uid": f["uid"], "title": f["title"]} for f in children]
    )


def post_folder(state: State, request: Request) -> Response:
    body = request.json_object()
    title = str(body.get("title") or "").strip()
    uid = str(body.get("uid") or "")
    parent = str(body.get("parentUid") or "") or None

    if not title:
        raise ApiError(400, message("folder title cannot be empty"))
    if uid == "general":
        raise ApiError(400, message("invalid uid for folder provided"))
    problem = uid_problem(uid)
    if problem:
        raise ApiError(400, message(problem))
    if uid and (uid in state.folders or uid in state.dashboards):
        raise ApiError(
            409, message("a folder/dashboard with the same uid already exists")
        )
    if parent is not None and parent not in state.folders:
        raise ApiError(404, NOT_FOUND)

    who = request.identity.login if request.identity else ""
    creator = request.identity.user_id if request.identity else 0
    folder = add(state, uid, title, parent, who, creator)
    return Response(200, folder_body(state, folder))


def add(
    state: State,
    uid: str,
    title: str,
    parent: str | None = None,
    who: str = "",
    creator: int = 0,
) -> dict[str, Any]:
    """Store a new folder (a generated uid when ``uid`` is empty)."""
    stamp = now()
    folder = {
        "id": state.next_id("dashboard"),
        "uid": uid or new_uid(),
        "title": title,
        "parentUid": parent,
        "version": 1,
        "created": stamp,
        "updated": stamp,
        "createdBy": who,
        "updatedBy": who,
    }
    state.folders[folder["uid"]] = folder
    state.folder_permissions[folder["uid"]] = _access.default_permissions(creator)
    return folder


def get_folder(state: State, request: Request) -> Response:
    return Response(200, folder_body(state, find(state, request.params["uid"])))


def put_folder(state: State, request: Request) -> Response:
    folder = find(state, request.params["uid"])
    body = request.json_object()
    title = str(body.get("title") or "").strip()

    if not body.get("overwrite") and body.get("version") != folder["version"]:
        raise ApiError(
            412,
            status_body(
                "version-mismatch", "the folder has been changed by someone else"
            ),
        )
    if not title:
        raise ApiError(400, message("folder title cannot be empty"))

    folder["title"] = title
    folder["version"] += 1
    folder["updated"] = now()
    folder["updatedBy"] = request.identity.login if request.identity else ""
    return Response(200, folder_body(state, folder))


def subtree(state: State, uid: str) -> list[str]:
    """The folder's uid and the uids of every folder nested under it."""
    uids = [uid]
    for child in [
        f["uid"] for f in state.folders.values() if f.get("parentUid") == uid
    ]:
        uids += subtree(state, child)
    return uids


def delete_folder(state: State, request: Request) -> Response:
    folder = find(state, request.params["uid"])
    uids = set(subtree(state, folder["uid"]))
    rules = [r for r in state.alert_rules.values() if r["folderUID"] in uids]
    if rules and request.arg("forceDeleteRules") != "true":
        # folder.ErrFolderNotEmpty, answered through response.ErrOrFallback
        # (pkg/services/folder/model.go, pkg/api/apierrors/folder.go).
        raise ApiError(
            400,
            errutil(
                400,
                "folder.not-empty",
                "Folder cannot be deleted: folder is not empty",
            ),
        )

    for rule in rules:
        del state.alert_rules[rule["uid"]]
    for key in [k for k in state.rule_groups if k[0] in uids]:
        del state.rule_groups[key]
    for uid in [
        u for u, d in state.dashboards.items() if d["meta"]["folderUid"] in uids
    ]:
        del state.dashboards[uid]
        state.dashboard_versions.pop(uid, None)
    for uid in uids:
        del state.folders[uid]
        state.folder_permissions.pop(uid, None)
    return Response(200, message("Folder deleted", id=folder["id"]))
