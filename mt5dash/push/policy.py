"""The notification policy tree: one resource, replaced whole."""

from __future__ import annotations

from typing import Any

from mt5dash.desired import JSON, DesiredState
from mt5dash.push._client import ApiError
from mt5dash.push._compare import plain_durations
from mt5dash.push._context import Context, describe

KIND = "notification policy"
NAME = "root"
TIMINGS = ("group_wait", "group_interval", "repeat_interval")


def names(state: DesiredState) -> list[str]:
    return [NAME] if state.policy is not None else []


def normalise(route: Any) -> Any:
    """The tree without empty values and ``provenance``, which Grafana varies,
    and with its timings in shortest form (Grafana answers ``60s`` as ``1m``)."""
    if isinstance(route, dict):
        out = {}
        for key, value in plain_durations(route, TIMINGS).items():
            if key == "provenance":
                continue
            value = normalise(value)
            if value in (None, "", [], {}, False):
                continue
            out[key] = value
        return out
    if isinstance(route, list):
        return [normalise(v) for v in route]
    return route


def sync(ctx: Context, state: DesiredState) -> None:
    """Replace the tree when it differs from the declared one."""
    if state.policy is None:
        return
    api = ctx.conn.api.alertingprovisioning
    tree = state.policy

    def one(_: JSON) -> None:
        live = ctx.read("read notification policy", api.get_notification_policy_tree)
        ctx.reconcile(
            KIND,
            NAME,
            {**normalise(live), "provenance": live.get("provenance", "")},
            {**normalise(tree), "provenance": ctx.options.provenance},
            create=lambda: None,
            update=lambda: api.set_notification_policy_tree(
                tree, disable_provenance=ctx.options.editable
            ),
        )

    ctx.each(KIND, [tree], lambda _: NAME, one, explain=_explain)


def _explain(tree: JSON, error: ApiError) -> str:
    if error.status == 400:
        return (
            f"400 {error.grafana_message}: the tree refers to a contact point or "
            "mute timing Grafana does not have; declare it or fix the route"
        )
    return describe(error)
