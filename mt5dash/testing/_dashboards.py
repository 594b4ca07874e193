"""Dashboards: save, read, delete, versions, and the search API."""

from __future__ import annotations

import copy
from typing import Any

from mt5dash.testing._folders import folder_url
from mt5dash.testing._http import (
    ApiError,
    Identity,
    Request,
    Response,
    message,
    status_body,
)
from mt5dash.testing._router import Access, Router
from mt5dash.testing._state import State, new_uid, now, slugify, uid_problem

NOT_FOUND = message("Dashboard not found")
SAVE_ACTION = "any of dashboards:create, dashboards:write"


def register(router: Router) -> None:
    router.add("POST", "/api/dashboards/db", post_dashboard, Access.EDITOR, SAVE_ACTION)
    router.add("GET", "/api/dashboards/uid/{uid}", get_dashboard)
    router.add(
        "DELETE",
        "/api/dashboards/uid/{uid}",
        delete_dashboard,
        Access.EDITOR,
        "dashboards:delete",
    )
    router.add("GET", "/api/dashboards/uid/{uid}/versions", list_versions)
    router.add("GET", "/api/dashboards/uid/{uid}/versions/{version}", get_version)
    router.add("GET", "/api/search", search)


def dashboard_url(uid: str, title: str) -> str:
    return f"/d/{uid}/{slugify(title)}"


def refresh_meta(state: State, stored: dict[str, Any]) -> dict[str, Any]:
    """The stored meta with the folder's current title and URL."""
    meta = stored["meta"]
    folder = state.folders.get(meta["folderUid"])
    meta["folderId"] = folder["id"] if folder else 0
    meta["folderTitle"] = folder["title"] if folder else "General"
    meta["folderUrl"] = folder_url(folder) if folder else ""
    return meta


# -- save -----------------------------------------------------------------------


def post_dashboard(state: State, request: Request) -> Response:
    """Save a dashboard with the checks of Grafana's save command, in its order."""
    body = request.json_object()
    model = body.get("dashboard")
    model = copy.deepcopy(model) if isinstance(model, dict) else {}
    overwrite = bool(body.get("overwrite"))
    folder_uid = _folder_uid(state, body)
    note = str(body.get("message") or "")

    uid = _check_model(state, model, note)
    title = str(model["title"]).strip()

    existing = _existing(state, model, uid)
    if existing is not None:
        _check_version(existing, model, overwrite)
        _check_plugin(existing, overwrite)
    same_title = _same_title(state, title, folder_uid, existing)
    if same_title is not None:
        if not overwrite:
            raise ApiError(
                412,
                status_body(
                    "name-exists",
                    "A dashboard with the same name in the folder already exists",
                ),
            )
        # Grafana 11 lets an overwrite take the place of the same-titled one.
        existing = same_title
    if (
        existing is not None
        and existing["meta"]["provisioned"]
        and not existing["meta"].get("allowUiUpdates")
    ):
        raise ApiError(400, message("Cannot save provisioned dashboard"))

    stored = _store(state, request.identity, model, existing, uid, folder_uid, note)
    meta = stored["meta"]
    return Response(
        200,
        {
            "id": stored["dashboard"]["id"],
            "uid": stored["dashboard"]["uid"],
            "url": meta["url"],
            "status": "success",
            "version": meta["version"],
            "slug": meta["slug"],
            "folderUid": meta["folderUid"],
        },
    )


def _check_model(state: State, model: dict[str, Any], note: str) -> str:
    """Refuse a bad title, message or uid as Grafana does; return the uid."""
    title = str(model.get("title") or "").strip()
    if not title:
        raise ApiError(
            400, status_body("empty-name", "Dashboard title cannot be empty")
        )
    if len(title) > 5000:
        raise ApiError(
            400,
            status_body(
                "title-too-long",
                "Dashboard title cannot contain more than 5 000 characters",
            ),
        )
    if len(note) > 500:
        raise ApiError(400, message("message too long, max 500 characters"))
    uid = str(model.get("uid") or "")
    problem = uid_problem(uid)
    if problem:
        raise ApiError(400, message(problem))
    if uid in state.folders:
        raise ApiError(400, message("Dashboard cannot be changed to a folder"))
    return uid


def _folder_uid(state: State, body: dict[str, Any]) -> str:
    """The target folder's uid; "" is the root. ``folderId`` is the legacy form."""
    folder_uid = str(body.get("folderUid") or "")
    folder_id = body.get("folderId")
    if not folder_uid and isinstance(folder_id, int) and folder_id > 0:
        folder = state.folder_by_id(folder_id)
        if folder is None:
            raise ApiError(400, message("folder not found"))
        folder_uid = folder["uid"]
    if folder_uid and folder_uid not in state.folders:
        raise ApiError(400, message("folder not found"))
    return folder_uid


def _existing(state: State, model: dict[str, Any], uid: str) -> dict[str, Any] | None:
    """The stored dashboard this save updates, found by id or uid."""
    by_uid = state.dashboards.get(uid) if uid else None
    dashboard_id = model.get("id")
    if not isinstance(dashboard_id, int) or dashboard_id <= 0:
        return by_uid
    by_id = next(
        (d for d in state.dashboards.values() if d["dashboard"]["id"] == dashboard_id),
        None,
    )
    if by_id is None:
        raise ApiError(404, status_body("not-found", "Dashboard not found"))
    if by_uid is not None and by_uid is not by_id:
        raise ApiError(400, message("A dashboard with the same uid already exists"))
    return by_id


def _check_version(
    existing: dict[str, Any], model: dict[str, Any], overwrite: bool
) -> None:
    if overwrite or model.get("version") == existing["meta"]["version"]:
        return
    raise ApiError(
        412,
        status_body(
            "version-mismatch", "The dashboard has been changed by someone else"
        ),
    )


def _check_plugin(existing: dict[str, Any], overwrite: bool) -> None:
    """A plugin's dashboard changes only with overwrite; ``meta.pluginId`` marks it.

    Grafana names the plugin by its display name when the plugin is installed
    (pkg/api/apierrors/dashboard.go); the fake has no plugins, so the id shows.
    """
    plugin = existing["meta"].get("pluginId")
    if plugin and not overwrite:
        raise ApiError(
            412,
            status_body(
                "plugin-dashboard", f"The dashboard belongs to plugin {plugin}."
            ),
        )


def _same_title(
    state: State, title: str, folder_uid: str, existing: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Another dashboard of that title in the folder; Grafana 12 allows those."""
    if state.major >= 12:
        return None
    for stored in state.dashboards.values():
        if stored is existing:
            continue
        if stored["dashboard"]["title"] == title and (
            stored["meta"]["folderUid"] == folder_uid
        ):
            return stored
    return None


def _store(
    state: State,
    identity: Identity | None,
    model: dict[str, Any],
    existing: dict[str, Any] | None,
    uid: str,
    folder_uid: str,
    note: str,
) -> dict[str, Any]:
    who = identity.login if identity else ""
    stamp = now()
    if existing is not None:
        old_uid = existing["dashboard"]["uid"]
        uid = uid if uid and existing["dashboard"]["id"] == model.get("id") else old_uid
        dashboard_id = existing["dashboard"]["id"]
        version = existing["meta"]["version"] + 1
        created, created_by = existing["meta"]["created"], existing["meta"]["createdBy"]
        history = state.dashboard_versions.pop(old_uid, [])
        del state.dashboards[old_uid]
    else:
        uid = uid or new_uid()
        dashboard_id = state.next_id("dashboard")
        version = 1
        created, created_by = stamp, who
        history = []

    title = str(model["title"]).strip()
    model.update(id=dashboard_id, uid=uid, version=version, title=title)
    stored = {
        "dashboard": model,
        "meta": {
            "type": "db",
            "canSave": True,
            "canEdit": True,
            "canAdmin": True,
            "canStar": True,
            "canDelete": True,
            "slug": slugify(title),
            "url": dashboard_url(uid, title),
            "expires": "0001-01-01T00:00:00Z",
            "created": created,
            "updated": stamp,
            "updatedBy": who,
            "createdBy": created_by,
            "version": version,
            "hasAcl": False,
            "isFolder": False,
            "folderUid": folder_uid,
            "provisioned": False,
            "provisionedExternalId": "",
        },
    }
    if existing is not None:
        for key in ("provisioned", "provisionedExternalId", "allowUiUpdates"):
            if key in existing["meta"]:
                stored["meta"][key] = existing["meta"][key]
    refresh_meta(state, stored)
    state.dashboards[uid] = stored
    history.append(
        {
            "id": state.next_id("dashboard-version"),
            "dashboardId": dashboard_id,
            "uid": uid,
            "parentVersion": version - 1,
            "restoredFrom": 0,
            "version": version,
            "created": stamp,
            "createdBy": who,
            "message": note,
            "data": copy.deepcopy(model),
        }
    )
    state.dashboard_versions[uid] = history
    return stored


def provision(
    state: State, model: dict[str, Any], folder_uid: str, allow_ui_updates: bool
) -> dict[str, Any]:
    """Store a dashboard the way file provisioning does (overwrite, provisioned)."""
    model = copy.deepcopy(model)
    uid = str(model.get("uid") or "")
    existing = state.dashboards.get(uid) if uid else None
    identity = Identity(login="", user_id=0, role="Admin")
    stored = _store(state, identity, model, existing, uid, folder_uid, "")
    stored["meta"].update(
        provisioned=True,
        provisionedExternalId=f"{stored['dashboard']['uid']}.json",
        allowUiUpdates=allow_ui_updates,
    )
    return stored


# -- read and delete ----------------------------------------------------------------


def find(state: State, uid: str) -> dict[str, Any]:
    stored = state.dashboards.get(uid)
    if stored is None:
        raise ApiError(404, NOT_FOUND)
    return stored


def get_dashboard(state: State, request: Request) -> Response:
    stored = find(state, request.params["uid"])
    refresh_meta(state, stored)
    return Response(200, copy.deepcopy(stored))


def delete_dashboard(state: State, request: Request) -> Response:
    stored = find(state, request.params["uid"])
    if stored["meta"]["provisioned"]:
        raise ApiError(400, message("provisioned dashboard cannot be deleted"))
    uid, title = stored["dashboard"]["uid"], stored["dashboard"]["title"]
    del state.dashboards[uid]
    state.dashboard_versions.pop(uid, None)
    return Response(
        200,
        {
            "title": title,
            "message": f"Dashboard {title} deleted",
            "id": stored["dashboard"]["id"],
        },
    )


def list_versions(state: State, request: Request) -> Response:
    """The saved versions, newest first; Grafana 12 wraps them in an object.

    The wrapper with ``continueToken`` is in Grafana 12 (GetDashboardVersions in
    pkg/api/dashboard.go); the 11.x minor that introduced it is not settled, so
    11 answers the bare list. Like Grafana, the list shows the first version's
    message as "Initial save" and a restored one's as "Restored from version
    N", whatever message was saved; ``.../versions/N`` keeps the saved one.
    """
    find(state, request.params["uid"])
    history = state.dashboard_versions.get(request.params["uid"], [])
    versions = [_listed(entry) for entry in reversed(history)]
    start = int(request.arg("start", "0") or 0)
    limit = int(request.arg("limit", "0") or 0)
    versions = versions[start:]
    if limit > 0:
        versions = versions[:limit]
    if state.major >= 12:
        return Response(200, {"versions": versions, "continueToken": ""})
    return Response(200, versions)


def _listed(entry: dict[str, Any]) -> dict[str, Any]:
    listed = copy.deepcopy(entry)
    if entry["restoredFrom"]:
        listed["message"] = f"Restored from version {entry['restoredFrom']}"
    elif entry["parentVersion"] == 0:
        listed["message"] = "Initial save"
    return listed


def get_version(state: State, request: Request) -> Response:
    find(state, request.params["uid"])
    wanted = request.params["version"]
    for entry in state.dashboard_versions.get(request.params["uid"], []):
        if str(entry["version"]) == wanted:
            return Response(200, copy.deepcopy(entry))
    raise ApiError(404, message("Dashboard version not found"))


# -- search -----------------------------------------------------------------------


def search(state: State, request: Request) -> Response:
    """Folders and dashboards matching every filter given, sorted by title."""
    kind = request.arg("type")
    query = request.arg("query").lower()
    tags = request.query.get("tag", [])
    dashboard_uids = request.args("dashboardUIDs")
    folder_uids = ["" if u == "general" else u for u in request.args("folderUIDs")]

    hits: list[dict[str, Any]] = []
    if kind in ("", "dash-folder") and not tags:
        hits += [_folder_hit(f) for f in state.folders.values()]
    if kind in ("", "dash-db"):
        hits += [_dashboard_hit(state, d) for d in state.dashboards.values()]

    def keep(hit: dict[str, Any]) -> bool:
        if query and query not in hit["title"].lower():
            return False
        if not all(tag in hit["tags"] for tag in tags):
            return False
        if dashboard_uids and hit["uid"] not in dashboard_uids:
            return False
        return not folder_uids or hit.get("folderUid", "") in folder_uids

    hits = sorted(filter(keep, hits), key=lambda h: (h["title"].lower(), h["uid"]))
    limit = int(request.arg("limit", "1000") or 1000)
    page = max(int(request.arg("page", "1") or 1), 1)
    return Response(200, hits[(page - 1) * limit : page * limit])


def _folder_hit(folder: dict[str, Any]) -> dict[str, Any]:
    hit = {
        "id": folder["id"],
        "uid": folder["uid"],
        "orgId": 1,
        "title": folder["title"],
        "uri": f"db/{slugify(folder['title'])}",
        "url": folder_url(folder),
        "slug": "",
        "type": "dash-folder",
        "tags": [],
        "isStarred": False,
        "sortMeta": 0,
    }
    if folder.get("parentUid"):
        hit["folderUid"] = folder["parentUid"]
    return hit


def _dashboard_hit(state: State, stored: dict[str, Any]) -> dict[str, Any]:
    model, meta = stored["dashboard"], refresh_meta(state, stored)
    hit = {
        "id": model["id"],
        "uid": model["uid"],
        "orgId": 1,
        "title": model["title"],
        "uri": f"db/{meta['slug']}",
        "url": meta["url"],
        "slug": "",
        "type": "dash-db",
        "tags": list(model.get("tags") or []),
        "isStarred": False,
        "sortMeta": 0,
    }
    if meta["folderUid"]:
        hit.update(
            folderId=meta["folderId"],
            folderUid=meta["folderUid"],
            folderTitle=meta["folderTitle"],
            folderUrl=meta["folderUrl"],
        )
    return hit
