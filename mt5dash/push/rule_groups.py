"""Alert rule groups, each written whole through the provisioning API.

An unchanged group is not written, so Grafana keeps its alert state. Each
rule mt5dash writes carries the annotation ``__mt5dash_hash__``: the project
name and a slash (none without a project name), then the hash of the rule and
its group's interval as written. A rule without it, or whose
content no longer matches it, was changed in Grafana since; its group is
reported as drifted and only overwritten with ``force``. Annotations whose
name starts with ``__`` are kept out of notifications by Grafana.
"""

from __future__ import annotations

from typing import Any

from mt5dash.desired import JSON, DesiredRuleGroup, DesiredState
from mt5dash.push import _provisioned
from mt5dash.push._client import ApiError
from mt5dash.push._compare import (
    Change,
    diff,
    drop_defaults,
    fingerprint,
    plain_durations,
    plain_numbers,
    without,
)
from mt5dash.push._context import RULE_STAMP, Context, describe
from mt5dash.push._report import CREATED, DELETED, DRIFTED, UNCHANGED, UPDATED

KIND = "rule group"
SERVER_KEYS = ("id", "updated", "provenance", "orgID", "folderUID", "ruleGroup")
RULE_DEFAULTS: JSON = {
    "isPaused": False,
    "notification_settings": None,
    "record": None,
    "keep_firing_for": "0s",
    "for": "0s",
    "labels": {},
    "annotations": {},
    "missing_series_evals_to_resolve": None,
}
# Grafana answers an expression's absent time range as zero.
DURATION_KEYS = ("for", "keep_firing_for")
QUERY_DEFAULTS: JSON = {"queryType": "", "relativeTimeRange": {"from": 0, "to": 0}}
MODEL_DEFAULTS: JSON = {"intervalMs": 1000, "maxDataPoints": 43200}


def name_of(group: DesiredRuleGroup) -> str:
    return f"{group.folder_uid}/{group.title}"


def names(state: DesiredState) -> list[str]:
    return [name_of(g) for g in state.rule_groups]


def normalise_rule(rule: JSON) -> JSON:
    """The rule without server-managed fields, defaults and mt5dash's stamp."""
    out = plain_durations(without(rule, *SERVER_KEYS), DURATION_KEYS)
    annotations = without(out.get("annotations") or {}, RULE_STAMP)
    out = drop_defaults({**out, "annotations": annotations}, RULE_DEFAULTS)
    out["data"] = [
        {
            **drop_defaults(query, QUERY_DEFAULTS),
            "model": drop_defaults(query.get("model") or {}, MODEL_DEFAULTS),
        }
        for query in plain_numbers(rule.get("data") or [])
    ]
    return plain_numbers(out)


def rule_stamp(rule: JSON, interval: int) -> str:
    return fingerprint({"interval": interval, "rule": normalise_rule(rule)})


def _compared(rules: list[JSON], interval: int, provenance: str) -> JSON:
    return {
        "interval": interval,
        "rules": [normalise_rule(r) for r in rules],
        "provenance": provenance,
    }


def sync(ctx: Context, state: DesiredState) -> None:
    """Write each group that differs; then prune undeclared mt5dash rules."""
    ctx.each(
        KIND,
        state.rule_groups,
        name_of,
        lambda g: _push_group(ctx, g),
        explain=_explain,
        workers=ctx.options.workers,
    )
    if ctx.options.prune and not ctx.aborted.is_set():
        _prune(ctx, state)


def _push_group(ctx: Context, group: DesiredRuleGroup) -> None:
    api = ctx.conn.api.alertingprovisioning
    name = name_of(group)
    interval = group.interval_seconds
    rules = [_stamped(r, group, ctx.options.rule_owner) for r in group.rules]
    body = {
        "title": group.title,
        "folderUid": group.folder_uid,
        "interval": interval,
        "rules": rules,
    }
    live = ctx.read_optional(
        f"read rule group {name}",
        lambda: api.get_rule_group(group.folder_uid, group.title),
    )
    live_rules = (live or {}).get("rules") or []

    def put() -> Any:
        return api.update_rule_group(
            group.folder_uid, group.title, body, ctx.options.editable
        )

    if not live_rules:
        if not ctx.options.dry_run:
            ctx.write(f"create rule group {name}", put)
        ctx.record(KIND, name, CREATED)
        return

    live_interval = int(live.get("interval") or 0)
    provenance = live_rules[0].get("provenance", "")
    if any(r.get("provenance") == _provisioned.FILE for r in live_rules):
        ctx.record_provisioned(
            KIND,
            name,
            without(_compared(live_rules, live_interval, ""), "provenance"),
            without(_compared(rules, interval, ""), "provenance"),
        )
        return
    changes = diff(
        _compared(live_rules, live_interval, provenance),
        _compared(rules, interval, ctx.options.provenance),
    )
    changes += _adopted(ctx, live_rules)
    if not changes:
        ctx.record(KIND, name, UNCHANGED)
        return
    edited = _edited_since_push(live_rules, live_interval)
    if edited and not ctx.options.force:
        ctx.record(KIND, name, DRIFTED, changes, f"{edited}; --force overwrites it")
        return
    if not ctx.options.dry_run:
        ctx.write(f"update rule group {name}", put)
    ctx.record(KIND, name, UPDATED, changes)


def _stamped(rule: JSON, group: DesiredRuleGroup, owner: str) -> JSON:
    annotations = dict(rule.get("annotations") or {})
    annotations[RULE_STAMP] = owner + rule_stamp(rule, group.interval_seconds)
    return {
        **rule,
        "folderUID": group.folder_uid,
        "ruleGroup": group.title,
        "annotations": annotations,
    }


def _adopted(ctx: Context, live_rules: list[JSON]) -> list[Change]:
    """The ownership change of rules stamped by a version without project
    names: rewritten once with this project's stamp, so its prune finds them."""
    if not ctx.options.project:
        return []
    for rule in live_rules:
        mark = (rule.get("annotations") or {}).get(RULE_STAMP)
        if mark is not None and "/" not in mark:
            project = ctx.options.project
            return [Change("owner", "changed", "(no project)", project)]
    return []


def _edited_since_push(live_rules: list[JSON], interval: int) -> str:
    for rule in live_rules:
        mark = (rule.get("annotations") or {}).get(RULE_STAMP)
        title = rule.get("title", rule.get("uid"))
        if mark is None:
            return f"rule {title!r} was not created by mt5dash"
        if mark.rsplit("/", 1)[-1] != rule_stamp(rule, interval):
            return f"rule {title!r} was changed in Grafana since mt5dash pushed it"
    return ""


def _prune(ctx: Context, state: DesiredState) -> None:
    api = ctx.conn.api.alertingprovisioning
    declared = {(g.folder_uid, g.title) for g in state.rule_groups}
    live = ctx.read("read alert rules", api.get_alertrules_all) or []
    stale: dict[str, list[str]] = {}
    for rule in live:
        mark = (rule.get("annotations") or {}).get(RULE_STAMP)
        if mark is None or not ctx.options.owns_rule(mark):
            continue
        if rule.get("provenance") == _provisioned.FILE:
            continue
        key = (rule.get("folderUID", ""), rule.get("ruleGroup", ""))
        if key not in declared:
            stale.setdefault(f"{key[0]}/{key[1]}", []).append(rule["uid"])

    def one(name: str) -> None:
        if not ctx.options.dry_run:
            for uid in stale[name]:
                ctx.write(
                    f"delete alert rule {uid}", lambda u=uid: api.delete_alertrule(u)
                )
        ctx.record(KIND, name, DELETED)

    ctx.each(KIND, sorted(stale), lambda n: n, one)


def _explain(group: DesiredRuleGroup, error: ApiError) -> str:
    name = name_of(group)
    if error.status == 409:
        return (
            f"409 {error.grafana_message}: a rule of group {name!r} has a uid or "
            "title already used in another group; rename it or delete the other"
        )
    if error.status == 400 and "provenance" in error.grafana_message.lower():
        return (
            f"400 {error.grafana_message}: group {name!r} comes from a "
            "provisioning file on the Grafana host; change the file, not the API"
        )
    return describe(error)
