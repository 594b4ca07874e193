"""Datasources, with the target's URL per uid and secrets resolved.

Grafana never returns ``secureJsonData``; it only lists which secure keys
are set (``secureJsonFields``). A declared secure key that is set in
Grafana compares equal; whether its value changed is told by its digest in
the inventory, and a changed one is sent again.
"""

from __future__ import annotations

from mt5dash.desired import JSON, DesiredState
from mt5dash.push import inventory
from mt5dash.push._client import ApiError
from mt5dash.push._context import Context, describe

KIND = "datasource"
DEFAULTS = {
    "access": "proxy",
    "basicAuth": False,
    "basicAuthUser": "",
    "user": "",
    "database": "",
    "withCredentials": False,
    "isDefault": False,
    "jsonData": {},
    "orgId": 1,
}


def names(state: DesiredState) -> list[str]:
    return [d["uid"] for d in state.datasources]


def _compared(source: JSON) -> JSON:
    """The declared fields, with secure keys shown as set or not."""
    out = {k: v for k, v in source.items() if k not in ("secureJsonData", "version")}
    out = {k: v for k, v in out.items() if not (k in DEFAULTS and DEFAULTS[k] == v)}
    secure = sorted(source.get("secureJsonData") or {})
    if secure:
        out["secureJsonFields"] = secure
    return out


def _live_compared(live: JSON, declared: JSON) -> JSON:
    keys = set(declared) | set(DEFAULTS)
    out = {k: live[k] for k in keys if k in live and k != "secureJsonData"}
    out = {k: v for k, v in out.items() if not (k in DEFAULTS and DEFAULTS[k] == v)}
    secure = sorted(k for k, on in (live.get("secureJsonFields") or {}).items() if on)
    if secure:
        out["secureJsonFields"] = secure
    return out


def sync(ctx: Context, state: DesiredState) -> None:
    """Create or update each declared datasource by uid."""
    api = ctx.conn.api.datasource

    def one(source: JSON) -> None:
        uid = source["uid"]
        live = ctx.read_optional(
            f"read datasource {uid}", lambda: api.get_datasource_by_uid(uid)
        )
        body = without_none(source)
        declared = _compared(body)
        ctx.reconcile(
            KIND,
            uid,
            None if live is None else _live_compared(live, declared),
            declared,
            create=lambda: api.create_datasource(body),
            update=lambda: api.update_datasource_by_uid(uid, body),
            recorded_secrets=_recorded(ctx, uid),
            from_files=bool((live or {}).get("readOnly")),
        )

    ctx.each(KIND, state.datasources, lambda d: d["uid"], one, explain=_explain)


def _recorded(ctx: Context, uid: str) -> dict[str, str]:
    key = f"{KIND}:{uid}"
    return inventory.recorded_secrets(ctx, key) if ctx.secret_fields.get(key) else {}


def without_none(source: JSON) -> JSON:
    return {k: v for k, v in source.items() if v is not None}


def _explain(source: JSON, error: ApiError) -> str:
    uid, name = source["uid"], source.get("name", "")
    if error.status == 409:
        return (
            f"409 {error.grafana_message}: another datasource already uses the "
            f"name {name!r} or the uid {uid!r}; rename or delete it in Grafana"
        )
    if error.status == 403 and "read-only" in error.grafana_message:
        return (
            f"403 {error.grafana_message}: datasource {uid!r} comes from a "
            "provisioning file on the Grafana host; change the file, not the API"
        )
    return describe(error)
