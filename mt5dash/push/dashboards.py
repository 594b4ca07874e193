"""Dashboards: pushed concurrently, guarded against overwriting edits.

mt5dash tags every dashboard it writes with ``mt5dash:<project>`` (plain
``mt5dash`` without a project name) and saves it with the version message
``mt5dash:<hash>``, the hash of the model and folder it wrote. A dashboard
whose newest version carries a different message, or a hash that no longer
matches its content, was changed in Grafana since; it is reported as drifted
and only overwritten with ``force``. One tagged plain ``mt5dash`` by an
earlier version is adopted: rewritten once with the project's tag.
"""

from __future__ import annotations

from typing import Any

from mt5dash.desired import JSON, DesiredDashboard, DesiredState
from mt5dash.push import _provisioned
from mt5dash.push._client import ApiError
from mt5dash.push._compare import Change, diff, fingerprint, without
from mt5dash.push._context import (
    OWNER_TAG,
    STAMP_PREFIX,
    Context,
    describe,
)
from mt5dash.push._report import CREATED, DELETED, DRIFTED, UNCHANGED, UPDATED

KIND = "dashboard"
SERVER_KEYS = ("id", "version")


def names(state: DesiredState) -> list[str]:
    return [d.uid for d in state.dashboards]


def normalise(model: JSON) -> JSON:
    """The model without what Grafana manages itself (``id``, ``version``)."""
    return without(model, *SERVER_KEYS)


def owned_model(model: JSON, tag: str = OWNER_TAG) -> JSON:
    """The model as mt5dash writes it: with the project's owner ``tag``."""
    tags = list(model.get("tags") or [])
    if tag not in tags:
        tags.append(tag)
    return {**normalise(model), "tags": tags}


def unowned(model: JSON, tag: str = OWNER_TAG) -> JSON:
    """The model without what mt5dash adds: ``id``, ``version``, its tags."""
    tags = [t for t in model.get("tags") or [] if t not in (tag, OWNER_TAG)]
    out = without(normalise(model), "tags")
    return {**out, "tags": tags} if tags else out


def stamp(folder_uid: str, model: JSON) -> str:
    """The version message naming exactly what mt5dash saved."""
    return STAMP_PREFIX + fingerprint({"folder": folder_uid, "model": normalise(model)})


def sync(ctx: Context, state: DesiredState) -> None:
    """Push every declared dashboard, ``workers`` at a time; then prune."""
    ctx.each(
        KIND,
        state.dashboards,
        lambda d: d.uid,
        lambda d: _push_one(ctx, d),
        explain=lambda d, e: _explain(ctx, state, d, e),
        workers=ctx.options.workers,
    )
    if ctx.options.prune and not ctx.aborted.is_set():
        _prune(ctx, {d.uid for d in state.dashboards})


def _push_one(ctx: Context, wanted: DesiredDashboard) -> None:
    api = ctx.conn.api.dashboard
    uid = wanted.uid
    folder = wanted.folder_uid or ""
    model = owned_model(wanted.model, ctx.options.owner_tag)
    live = ctx.read_optional(f"read dashboard {uid}", lambda: api.get_dashboard(uid))
    body: dict[str, Any] = {
        "dashboard": model,
        "folderUid": folder,
        "overwrite": False,
        "message": stamp(folder, model),
    }

    if live is None:
        if not ctx.options.dry_run:
            ctx.write(f"create dashboard {uid}", lambda: api.update_dashboard(body))
        ctx.record(KIND, uid, CREATED)
        return

    live_model = normalise(live["dashboard"])
    live_folder = live.get("meta", {}).get("folderUid") or ""
    provisioned = bool(live.get("meta", {}).get("provisioned"))
    tag = ctx.options.owner_tag
    compared = unowned(wanted.model, tag) if provisioned else model
    changes = diff(unowned(live_model, tag) if provisioned else live_model, compared)
    if live_folder != folder:
        changes.insert(0, Change("folderUid", "changed", live_folder, folder))
    if provisioned:
        outcome, message = _provisioned.outcome(KIND, uid, changes)
        ctx.record(KIND, uid, outcome, changes, message)
        return
    if not changes:
        ctx.record(KIND, uid, UNCHANGED)
        return

    version = live["dashboard"].get("version")
    edited = _edited_since_push(ctx, uid, live_folder, live_model, version)
    if edited and not ctx.options.force:
        ctx.record(KIND, uid, DRIFTED, changes, f"{edited}; --force overwrites it")
        return
    body["dashboard"] = {**model, "version": live["dashboard"].get("version")}
    body["overwrite"] = ctx.options.force
    if not ctx.options.dry_run:
        ctx.write(f"update dashboard {uid}", lambda: api.update_dashboard(body))
    ctx.record(KIND, uid, UPDATED, changes)


def _edited_since_push(
    ctx: Context, uid: str, folder: str, model: JSON, version: Any
) -> str:
    """Why the live dashboard is not what mt5dash last wrote ('' if it is).

    The saved message is read from the version itself: Grafana's version list
    shows the first version's as "Initial save" whatever was saved.
    """
    tags = model.get("tags") or []
    # The plain tag is what versions without project names wrote: adopted.
    if ctx.options.owner_tag not in tags and OWNER_TAG not in tags:
        return f"it was not created by mt5dash (no {ctx.options.owner_tag!r} tag)"
    saved = ctx.read_optional(
        f"read version {version} of dashboard {uid}",
        lambda: ctx.conn.http.GET(f"/dashboards/uid/{uid}/versions/{version}"),
    )
    message = str((saved or {}).get("message") or "")
    if message == stamp(folder, model):
        return ""
    if message.startswith(STAMP_PREFIX):
        return "it was changed in Grafana since mt5dash pushed it"
    who = (saved or {}).get("createdBy") or "someone"
    return f"it was changed in Grafana since mt5dash pushed it (last saved by {who})"


def _prune(ctx: Context, declared: set[str]) -> None:
    api = ctx.conn.api.dashboard
    hits = ctx.read(
        f"search dashboards tagged {ctx.options.owner_tag}",
        lambda: ctx.conn.http.GET(
            "/search",
            params={"type": "dash-db", "tag": ctx.options.owner_tag, "limit": 5000},
        ),
    )
    stale = sorted(h["uid"] for h in hits if h["uid"] not in declared)

    def one(uid: str) -> None:
        live = ctx.read(f"read dashboard {uid}", lambda: api.get_dashboard(uid))
        if (live.get("meta") or {}).get("provisioned"):
            return  # the provisioning files own it, tag or not
        if not ctx.options.dry_run:
            ctx.write(f"delete dashboard {uid}", lambda: api.delete_dashboard(uid))
        ctx.record(KIND, uid, DELETED)

    ctx.each(KIND, stale, lambda uid: uid, one)


def _explain(
    ctx: Context, state: DesiredState, wanted: DesiredDashboard, error: ApiError
) -> str:
    uid = wanted.uid
    title = wanted.model.get("title", "")
    folder = wanted.folder_uid or "general"
    if error.grafana_status == "name-exists":
        other = _same_title(ctx, wanted)
        return (
            f"412 name-exists: Grafana refuses title {title!r} for dashboard "
            f"{uid!r} in folder {folder!r} because dashboard {other!r} there "
            "already has that title (Grafana 11 wants titles unique per "
            "folder); rename one of them or move one to another folder"
        )
    if error.grafana_status == "version-mismatch":
        return (
            f"412 version-mismatch: dashboard {uid!r} was saved by someone else "
            "while pushing; run the push again to see the difference"
        )
    if error.status == 400 and "folder not found" in error.grafana_message:
        return (
            f"400 folder not found: dashboard {uid!r} is in folder {folder!r}, "
            "which is neither declared nor in Grafana; declare the folder"
        )
    if error.status == 400 and "provisioned" in error.grafana_message:
        return (
            f"400 {error.grafana_message}: dashboard {uid!r} comes from a "
            "provisioning file on the Grafana host; change the file, not the API"
        )
    return describe(error)


def _same_title(ctx: Context, wanted: DesiredDashboard) -> str:
    """The uid of the other dashboard with the same title in the same folder."""
    title = wanted.model.get("title", "")
    folder = wanted.folder_uid or ""
    try:
        hits = ctx.conn.call(
            f"search dashboards titled {title}",
            lambda: ctx.conn.http.GET(
                "/search", params={"type": "dash-db", "query": title}
            ),
        )
    except ApiError:
        hits = []
    for hit in hits:
        same_folder = (hit.get("folderUid") or "") == folder
        if hit.get("title") == title and same_folder and hit["uid"] != wanted.uid:
            return hit["uid"]
    return "(unknown uid)"
