"""Mute timings, by name."""

from __future__ import annotations

from mt5dash.desired import JSON, DesiredState
from mt5dash.push._context import Context

KIND = "mute timing"
PATH = "/v1/provisioning/mute-timings"


def names(state: DesiredState) -> list[str]:
    return [m["name"] for m in state.mute_timings]


def sync(ctx: Context, state: DesiredState) -> None:
    """Create or update each declared mute timing (one request lists them)."""
    if not state.mute_timings:
        return
    http = ctx.conn.http
    live_all = {
        m["name"]: m
        for m in ctx.read(
            "read mute timings", ctx.conn.api.alertingprovisioning.get_mute_timings
        )
        or []
    }

    def one(timing: JSON) -> None:
        name = timing["name"]
        live = live_all.get(name)
        body = {"name": name, "time_intervals": timing.get("time_intervals", [])}
        if live is not None and live.get("version"):
            body["version"] = live["version"]
        ctx.reconcile(
            KIND,
            name,
            None
            if live is None
            else {
                "time_intervals": live.get("time_intervals") or [],
                "provenance": live.get("provenance", ""),
            },
            {
                "time_intervals": body["time_intervals"],
                "provenance": ctx.options.provenance,
            },
            create=lambda: http.POST(PATH, json=body, headers=ctx.headers()),
            update=lambda: http.PUT(f"{PATH}/{name}", json=body, headers=ctx.headers()),
        )

    ctx.each(KIND, state.mute_timings, lambda m: m["name"], one)
