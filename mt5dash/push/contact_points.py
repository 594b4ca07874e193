"""Contact points: one integration per uid, secrets resolved at push time.

Grafana answers secret settings as ``[REDACTED]``; a declared secret under
such a key compares equal, so re-pushing makes no false difference. Whether
a declared secret changed is told by its digest in the inventory instead.
"""

from __future__ import annotations

from mt5dash.desired import JSON, DesiredState
from mt5dash.push import inventory
from mt5dash.push._client import ApiError
from mt5dash.push._compare import mask_redacted
from mt5dash.push._context import Context, describe

KIND = "contact point"


def names(state: DesiredState) -> list[str]:
    return [c["uid"] for c in state.contact_points]


def _compared(point: JSON, settings: JSON, provenance: str) -> JSON:
    return {
        "name": point["name"],
        "type": point["type"],
        "settings": settings,
        "disableResolveMessage": bool(point.get("disableResolveMessage", False)),
        "provenance": provenance,
    }


def sync(ctx: Context, state: DesiredState) -> None:
    """Create or update each declared integration by uid."""
    api = ctx.conn.api.alertingprovisioning
    if not state.contact_points:
        return
    live_all = {
        c["uid"]: c
        for c in ctx.read("read contact points", api.get_contactpoints) or []
        if c.get("uid")
    }

    def one(point: JSON) -> None:
        uid = point["uid"]
        live = live_all.get(uid)
        body = {
            "uid": uid,
            "name": point["name"],
            "type": point["type"],
            "settings": point["settings"],
            "disableResolveMessage": bool(point.get("disableResolveMessage", False)),
        }
        desired_settings = point["settings"]
        live_compared = None
        if live is not None:
            live_settings = live.get("settings") or {}
            desired_settings = mask_redacted(point["settings"], live_settings)
            shown = {k: live_settings.get(k) for k in desired_settings}
            live_compared = _compared(live, shown, live.get("provenance", ""))
        ctx.reconcile(
            KIND,
            uid,
            live_compared,
            _compared(point, desired_settings, ctx.options.provenance),
            create=lambda: api.create_contactpoint(
                body, disable_provenance=ctx.options.editable
            ),
            update=lambda: api.update_contactpoint(
                uid, body, disable_provenance=ctx.options.editable
            ),
            recorded_secrets=_recorded(ctx, uid),
        )

    ctx.each(KIND, state.contact_points, lambda c: c["uid"], one, explain=_explain)


def _recorded(ctx: Context, uid: str) -> dict[str, str]:
    key = f"{KIND}:{uid}"
    return inventory.recorded_secrets(ctx, key) if ctx.secret_fields.get(key) else {}


def _explain(point: JSON, error: ApiError) -> str:
    uid = point["uid"]
    if error.status == 409:
        return (
            f"409 {error.grafana_message}: the uid {uid!r} is already used by "
            "another contact point; give this integration another uid"
        )
    if error.status == 403 and "provenance" in error.grafana_message.lower():
        return (
            f"403 {error.grafana_message}: contact point {uid!r} is locked as "
            "provisioned and cannot be made editable through the API; push "
            "without --editable, or delete it in Grafana first"
        )
    return describe(error)
