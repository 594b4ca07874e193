"""Folders: created first, so dashboards and rule groups have a home."""

from __future__ import annotations

from mt5dash.desired import JSON, DesiredState
from mt5dash.push._client import ApiError
from mt5dash.push._context import Context, describe

KIND = "folder"


def names(state: DesiredState) -> list[str]:
    return [f["uid"] for f in state.folders]


def _normalise(folder: JSON) -> JSON:
    out = {"title": folder["title"]}
    if folder.get("parentUid"):
        out["parentUid"] = folder["parentUid"]
    return out


def sync(ctx: Context, state: DesiredState) -> None:
    """Create or rename each declared folder (parents are declared first)."""
    folders = ctx.conn.api.folder

    def one(folder: JSON) -> None:
        uid = folder["uid"]
        live = ctx.read_optional(f"read folder {uid}", lambda: folders.get_folder(uid))
        ctx.reconcile(
            KIND,
            uid,
            None if live is None else _normalise(live),
            _normalise(folder),
            create=lambda: folders.create_folder(
                folder["title"], uid=uid, parent_uid=folder.get("parentUid")
            ),
            update=lambda: folders.update_folder(
                uid, title=folder["title"], version=live["version"]
            ),
        )

    ctx.each(KIND, state.folders, lambda f: f["uid"], one, explain=_explain)


def _explain(folder: JSON, error: ApiError) -> str:
    if error.status == 409:
        return (
            f"409 {error.grafana_message}: a folder with uid {folder['uid']!r} or "
            f"title {folder['title']!r} exists where it cannot be read; "
            "check the credentials' folder permissions"
        )
    if error.status == 412:
        return (
            f"412 {error.grafana_message}: folder {folder['uid']!r} was changed "
            "while pushing; run the push again"
        )
    return describe(error)
