"""Notification templates, by name."""

from __future__ import annotations

import re

from mt5dash.desired import JSON, DesiredState
from mt5dash.push._context import Context

KIND = "template"
DEFINE = re.compile(r"\{\{\s*define")


def stored_form(name: str, text: str) -> str:
    """The text as Grafana stores and returns it: trimmed, and wrapped in
    ``{{ define "<name>" }}`` (its lines indented by two spaces) when it has
    no define (``NotificationTemplate.Validate`` in Grafana's provisioning
    API definitions)."""
    content = text.strip()
    if DEFINE.search(content):
        return content
    indented = "\n".join("  " + line for line in content.split("\n"))
    return f'{{{{ define "{name}" }}}}\n{indented}\n{{{{ end }}}}'


def names(state: DesiredState) -> list[str]:
    return [t["name"] for t in state.templates]


def sync(ctx: Context, state: DesiredState) -> None:
    """Create or update each declared template (one request lists them all)."""
    api = ctx.conn.api.alertingprovisioning
    if not state.templates:
        return
    live_all = {t["name"]: t for t in ctx.templates()}

    def one(template: JSON) -> None:
        name = template["name"]
        live = live_all.get(name)
        body = {
            "template": template["template"],
            "version": (live or {}).get("version", ""),
        }
        ctx.reconcile(
            KIND,
            name,
            None
            if live is None
            else {
                "template": stored_form(name, live["template"]),
                "provenance": live.get("provenance", ""),
            },
            {
                "template": stored_form(name, template["template"]),
                "provenance": ctx.options.provenance,
            },
            create=lambda: api.create_or_update_template(
                name, body, disable_provenance=ctx.options.editable
            ),
            update=lambda: api.create_or_update_template(
                name, body, disable_provenance=ctx.options.editable
            ),
        )

    ctx.each(KIND, state.templates, lambda t: t["name"], one)
