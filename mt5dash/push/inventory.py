"""What mt5dash owns among notification resources, kept in Grafana itself.

Contact points, templates and mute timings carry no tag or label, so
mt5dash records the names it pushed in one notification template per project,
``mt5dash-inventory-<project>`` (``mt5dash-inventory`` without a project
name), whose body is a Go-template comment holding JSON.
``--prune`` deletes only what that record lists and the declarations no
longer hold; a contact point or mute timing the notification policy still
uses is kept and reported as failed with the route to change.

The record also holds, under ``secrets``, the salted digest of each secret
field of the contact points and datasources mt5dash pushed (see
``secret_digests``), so a rotated secret is sent again.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from mt5dash.desired import DesiredState
from mt5dash.push import _provisioned, templates
from mt5dash.push._client import ApiError
from mt5dash.push._context import Context, describe
from mt5dash.push._report import DELETED, FAILED

NAME = "mt5dash-inventory"
MARK = "{{/* mt5dash inventory "
END = " */}}"
KINDS = ("contact_points", "mute_timings", "templates")
LABELS = {
    "contact_points": "contact point",
    "mute_timings": "mute timing",
    "templates": "template",
}


def render(owned: dict[str, Any], name: str = NAME) -> str:
    record: dict[str, Any] = {k: sorted(set(owned.get(k, []))) for k in KINDS}
    # A flat list: nested JSON objects would put "}}" inside the template.
    secrets = owned.get("secrets") or {}
    if secrets:
        record["secrets"] = sorted(
            f"{key} {path} {value}"
            for key, fields in secrets.items()
            for path, value in fields.items()
        )
    comment = MARK + json.dumps(record, sort_keys=True) + END
    # Already in the form Grafana stores, so what it answers compares equal.
    return templates.stored_form(name, comment)


def parse(text: str) -> dict[str, Any]:
    """The record: names per kind, and ``secrets``: "kind:name" -> path -> digest."""
    start = text.find(MARK)
    end = text.find(END, start)
    try:
        record = json.loads(text[start + len(MARK) : end]) if start >= 0 else {}
    except ValueError:
        record = {}
    owned: dict[str, Any] = {k: list(record.get(k, [])) for k in KINDS}
    secrets: dict[str, dict[str, str]] = {}
    for entry in record.get("secrets") or []:
        parts = str(entry).rsplit(" ", 2)
        if len(parts) == 3:
            secrets.setdefault(parts[0], {})[parts[1]] = parts[2]
    owned["secrets"] = secrets
    return owned


def recorded_secrets(ctx: Context, key: str) -> dict[str, str]:
    """The digests recorded for resource ``key`` ("contact point:uid")."""
    stored = _find(ctx, {t.get("name"): t for t in ctx.templates()})
    if stored is None:
        return {}
    return parse(stored.get("template") or "")["secrets"].get(key, {})


def _find(ctx: Context, templates: dict[str, Any]) -> dict[str, Any] | None:
    """The project's inventory template; else, for a project that has none
    yet, the one versions without project names kept (adopted, then
    deleted, by the first push that records the project's own)."""
    found = templates.get(ctx.options.inventory)
    if found is None and ctx.options.project:
        found = templates.get(NAME)
    return found


def declared(
    state: DesiredState, from_files: Collection[tuple[str, str]] = ()
) -> dict[str, list[str]]:
    """The declared names per kind, less those provisioning files hold."""
    return {
        "contact_points": sorted(
            {
                c["name"]
                for c in state.contact_points
                if ("contact point", c["uid"]) not in from_files
            }
        ),
        "mute_timings": sorted(
            m["name"]
            for m in state.mute_timings
            if ("mute timing", m["name"]) not in from_files
        ),
        "templates": sorted(
            t["name"]
            for t in state.templates
            if ("template", t["name"]) not in from_files
        ),
    }


def sync(ctx: Context, state: DesiredState) -> None:
    """Prune owned notification resources no longer declared; update the record."""
    api = ctx.conn.api.alertingprovisioning
    templates = {
        t["name"]: t for t in ctx.read("read templates", api.get_templates) or []
    }
    name = ctx.options.inventory
    stored = templates.get(name)
    adopted = _find(ctx, templates) if stored is None else None
    owned = parse((stored or adopted or {}).get("template") or "")
    wanted = declared(state, ctx.from_files)
    kept = {k: [n for n in owned[k] if n not in wanted[k]] for k in KINDS}

    if ctx.options.prune and any(kept.values()):
        kept = _prune(ctx, kept, templates)
    record: dict[str, Any] = {k: wanted[k] + kept[k] for k in KINDS}
    record["secrets"] = _secrets(ctx, owned["secrets"])
    if not any(record.values()) and stored is None:
        return
    text = render(record, name)
    if (stored or {}).get("template") != text and not ctx.options.dry_run:
        body = {"template": text, "version": (stored or {}).get("version", "")}
        ctx.write(
            "record the inventory",
            lambda: api.create_or_update_template(
                name, body, disable_provenance=ctx.options.editable
            ),
        )
    if adopted is not None and not ctx.options.dry_run:
        ctx.write("delete the inventory without a project name", _delete(ctx))


def _delete(ctx: Context) -> Any:
    api = ctx.conn.api.alertingprovisioning
    return lambda: api.delete_template(NAME)


def _secrets(ctx: Context, recorded: dict[str, Any]) -> dict[str, Any]:
    """Digests of declared secrets: this push's, else the recorded ones (a
    resource not written keeps its old digest, so its secret is sent again)."""
    declared = {key for key, fields in ctx.secret_fields.items() if fields}
    kept = {key: recorded[key] for key in declared if key in recorded}
    kept.update({k: v for k, v in ctx.secret_digests.items() if k in declared})
    return {key: dict(sorted(kept[key].items())) for key in sorted(kept)}


def _prune(
    ctx: Context, stale: dict[str, list[str]], templates: dict[str, Any]
) -> dict[str, list[str]]:
    """Delete stale resources; the names that must stay owned."""
    api = ctx.conn.api.alertingprovisioning
    http = ctx.conn.http
    tree = ctx.read("read notification policy", api.get_notification_policy_tree)
    receivers, timings = _used(tree or {})
    # What provisioning files hold is theirs to remove, never prune's.
    points = [
        p
        for p in ctx.read("read contact points", api.get_contactpoints) or []
        if p.get("provenance") != _provisioned.FILE
    ]
    live_timings = {
        m["name"]
        for m in ctx.read("read mute timings", api.get_mute_timings) or []
        if m.get("provenance") != _provisioned.FILE
    }
    templates = {
        name: t
        for name, t in templates.items()
        if t.get("provenance") != _provisioned.FILE
    }
    remaining: dict[str, list[str]] = {k: [] for k in KINDS}

    def delete(kind: str, name: str, requests: list[Any], used: bool) -> None:
        label = LABELS[kind]
        if used:
            remaining[kind].append(name)
            ctx.record(
                label,
                name,
                FAILED,
                message=(
                    f"not deleted: the notification policy still routes to "
                    f"{label} {name!r}; change that route first"
                ),
            )
            return
        try:
            if not ctx.options.dry_run:
                for request in requests:
                    ctx.write(f"delete {label} {name}", request)
        except ApiError as error:
            if error.status == 401 or error.unreachable:
                raise
            remaining[kind].append(name)
            ctx.record(label, name, FAILED, message=describe(error))
            return
        ctx.record(label, name, DELETED)

    for name in stale["contact_points"]:
        uids = [p["uid"] for p in points if p["name"] == name]
        if not uids:
            continue
        requests = [lambda u=u: api.delete_contactpoint(u) for u in uids]
        delete("contact_points", name, requests, name in receivers)
    for name in stale["mute_timings"]:
        if name in live_timings:
            request = lambda n=name: http.DELETE(f"/v1/provisioning/mute-timings/{n}")  # noqa: E731
            delete("mute_timings", name, [request], name in timings)
    for name in stale["templates"]:
        if name in templates:
            delete("templates", name, [lambda n=name: api.delete_template(n)], False)
    return remaining


def _used(route: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The receivers and mute timings a policy tree refers to."""
    receivers = {route["receiver"]} if route.get("receiver") else set()
    timings = set(route.get("mute_time_intervals") or [])
    timings |= set(route.get("active_time_intervals") or [])
    for child in route.get("routes") or []:
        more_receivers, more_timings = _used(child)
        receivers |= more_receivers
        timings |= more_timings
    return receivers, timings
