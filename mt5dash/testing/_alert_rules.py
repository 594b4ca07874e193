"""Alert rules and rule groups of the alerting provisioning API."""

from __future__ import annotations

import copy
from typing import Any

from mt5dash.testing import _durations, _provenance
from mt5dash.testing._http import ApiError, Request, Response, errutil, message
from mt5dash.testing._router import Access, Router
from mt5dash.testing._state import State, new_uid, now, uid_problem

BASE = "/api/v1/provisioning"
# Since Grafana 11 the provisioning routes also accept the regular alerting
# permissions, so Viewers read and Editors write (grafana/grafana PR #85022).
# Messages print the evaluators of pkg/services/ngalert/api/authorization.go
# (11.1 on) as pkg/services/accesscontrol/evaluator.go words them.
_ANY_WRITE = "any of alert.provisioning:write, alert.rules.provisioning:write, all of"
READ = (
    "any of alert.provisioning:read, alert.rules.provisioning:read, "
    "alert.provisioning.secrets:read, all of alert.rules:read, folders:read"
)
CREATE = f"{_ANY_WRITE} alert.rules:create, alert.provisioning.provenance:write"
UPDATE = f"{_ANY_WRITE} alert.rules:write, alert.provisioning.provenance:write"
DELETE = f"{_ANY_WRITE} alert.rules:delete, alert.provisioning.provenance:write"
GROUP_WRITE = (
    f"{_ANY_WRITE} alert.rules:read, folders:read, "
    "alert.provisioning.provenance:write, "
    "any of alert.rules:write, alert.rules:create, alert.rules:delete"
)
GROUP_DELETE = (
    f"{_ANY_WRITE} alert.rules:delete, alert.rules:read, folders:read, "
    "alert.provisioning.provenance:write"
)
EXPRESSION_UIDS = ("__expr__", "-100")
NO_DATA_STATES = ("NoData", "Alerting", "OK", "KeepLast")
ERROR_STATES = ("Error", "Alerting", "OK", "KeepLast")
DEFAULT_INTERVAL = 60
SCHEDULER_INTERVAL = 10


def register(router: Router) -> None:
    rules, one = f"{BASE}/alert-rules", f"{BASE}/alert-rules/{{uid}}"
    group = f"{BASE}/folder/{{folder}}/rule-groups/{{group}}"
    router.add("GET", rules, list_rules, Access.VIEWER, READ)
    router.add("POST", rules, post_rule, Access.EDITOR, CREATE)
    router.add("GET", one, get_rule, Access.VIEWER, READ)
    router.add("PUT", one, put_rule, Access.EDITOR, UPDATE)
    router.add("DELETE", one, delete_rule, Access.EDITOR, DELETE)
    router.add("GET", group, get_group, Access.VIEWER, READ)
    router.add("PUT", group, put_group, Access.EDITOR, GROUP_WRITE)
    router.add("DELETE", group, delete_group, Access.EDITOR, GROUP_DELETE)


def invalid(reason: str) -> ApiError:
    return ApiError(400, message(f"invalid alert rule: {reason}"))


# -- validation ---------------------------------------------------------------


def normalise(state: State, body: Any, provenance: str) -> dict[str, Any]:
    """Check one rule body as Grafana does and return it in stored form."""
    if not isinstance(body, dict):
        raise ApiError(400, message("bad request data"))
    rule = copy.deepcopy(body)
    title = str(rule.get("title") or "")
    if not title:
        raise invalid("title is empty")
    if len(title) > 190:
        raise invalid("title is longer than 190 characters")
    group = str(rule.get("ruleGroup") or "")
    if not group or len(group) > 190:
        raise invalid("rule group name must be between 1 and 190 characters")
    if not rule.get("folderUID"):
        raise invalid("folderUID must be set")
    uid = str(rule.get("uid") or "")
    problem = uid_problem(uid)
    if problem:
        raise invalid(problem)

    data = rule.get("data")
    if not isinstance(data, list) or not data:
        raise invalid("no queries or expressions are found")
    _check_queries(rule, data)
    _check_states(rule)
    _check_annotations(rule)
    wait = _durations.parse(str(rule.get("for") or "0s"))
    if wait is None:
        raise ApiError(400, message("bad request data"))

    rule.update(
        uid=uid or new_uid(),
        orgID=1,
        title=title,
        ruleGroup=group,
        noDataState=rule.get("noDataState") or "NoData",
        execErrState=rule.get("execErrState") or "Alerting",
        isPaused=bool(rule.get("isPaused", False)),
        provenance=provenance,
        updated=now(),
    )
    rule["for"] = _durations.prometheus(wait)
    if "keep_firing_for" in rule:
        keep = _durations.parse(str(rule.get("keep_firing_for") or "0s"))
        if keep is None:
            raise ApiError(400, message("bad request data"))
        rule["keep_firing_for"] = _durations.prometheus(keep)
    rule.setdefault("notification_settings", None)
    rule.setdefault("record", None)
    return rule


def _check_queries(rule: dict[str, Any], data: list[Any]) -> None:
    ref_ids = [str(q.get("refId", "")) for q in data if isinstance(q, dict)]
    if len(ref_ids) != len(data):
        raise ApiError(400, message("bad request data"))
    condition = str(rule.get("condition") or "")
    if not rule.get("record"):
        if not condition:
            raise invalid("condition is required")
        if condition not in ref_ids:
            raise ApiError(
                400,
                errutil(
                    400,
                    "alerting.alert-rule.conditionNotExist",
                    f"Condition {condition} does not exist, must be one of "
                    f"[{' '.join(ref_ids)}]",
                ),
            )
    for query in data:
        if str(query.get("datasourceUid", "")) in EXPRESSION_UIDS:
            continue
        span = query.get("relativeTimeRange") or {}
        start, end = span.get("from") or 0, span.get("to") or 0
        if not isinstance(start, int) or not isinstance(end, int):
            raise ApiError(400, message("bad request data"))
        if start <= end:
            raise ApiError(
                400,
                errutil(
                    400,
                    "alerting.alert-rule.invalidRelativeTime",
                    f"Invalid alert rule query {query['refId']}: invalid relative "
                    f"time range [From: {_durations.go(start)}, "
                    f"To: {_durations.go(end)}]",
                ),
            )


def _check_states(rule: dict[str, Any]) -> None:
    no_data = rule.get("noDataState") or "NoData"
    if no_data not in NO_DATA_STATES:
        raise invalid(f"unknown NoData state option {no_data}")
    exec_err = rule.get("execErrState") or "Alerting"
    if exec_err not in ERROR_STATES:
        raise invalid(f"unknown Error state option {exec_err}")


def _check_annotations(rule: dict[str, Any]) -> None:
    annotations = rule.get("annotations") or {}
    has_dashboard = "__dashboardUid__" in annotations
    has_panel = "__panelId__" in annotations
    if has_dashboard != has_panel:
        raise invalid(
            "both annotations __dashboardUid__ and __panelId__ must be specified"
        )
    if has_panel and not str(annotations["__panelId__"]).isdigit():
        raise invalid("annotation __panelId__ must be an integer")


def _check_folder(state: State, folder_uid: str) -> None:
    if folder_uid not in state.folders:
        raise invalid("folder does not exist")


def _check_unique_title(state: State, rule: dict[str, Any], others: set[str]) -> None:
    """Grafana 11 wants titles unique per folder; 12 dropped the rule."""
    if state.major >= 12:
        return
    for other in state.alert_rules.values():
        if other["uid"] in others or other["uid"] == rule["uid"]:
            continue
        if other["folderUID"] == rule["folderUID"] and other["title"] == rule["title"]:
            raise ApiError(
                400,
                errutil(
                    400,
                    "alerting.alert-rule.conflict",
                    f"Failed to save alert rule '{rule['uid']}' in organization 1 "
                    "due to conflict: rule title under the same organisation and "
                    "folder should be unique",
                ),
            )


# -- rules ----------------------------------------------------------------------


def shown(rule: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(rule)


def list_rules(state: State, request: Request) -> Response:
    rules = sorted(state.alert_rules.values(), key=lambda r: r["uid"])
    return Response(200, [shown(r) for r in rules])


def get_rule(state: State, request: Request) -> Response:
    rule = state.alert_rules.get(request.params["uid"])
    if rule is None:
        return Response(404)
    return Response(200, shown(rule))


def post_rule(state: State, request: Request) -> Response:
    """Create a rule; its group's interval is kept, or 60 s for a new group."""
    provenance = _provenance.requested(request)
    rule = normalise(state, request.json(), provenance)
    _check_folder(state, rule["folderUID"])
    if rule["uid"] in state.alert_rules:
        raise ApiError(
            409,
            errutil(
                409,
                "alerting.alert-rule.conflict",
                f"Failed to save alert rule '{rule['uid']}' in organization 1 due "
                "to conflict: rule UID under the same organisation should be unique",
            ),
        )
    _check_unique_title(state, rule, set())

    rule["id"] = state.next_id("alert-rule")
    state.alert_rules[rule["uid"]] = rule
    _ensure_group(state, rule)
    return Response(201, shown(rule))


def put_rule(state: State, request: Request) -> Response:
    stored = state.alert_rules.get(request.params["uid"])
    if stored is None:
        return Response(404)
    provenance = _provenance.requested(request)
    _provenance.check_rule_change(stored["provenance"], provenance)
    body = request.json()
    if isinstance(body, dict):
        body["uid"] = stored["uid"]
    rule = normalise(state, body, provenance)
    _check_folder(state, rule["folderUID"])
    _check_unique_title(state, rule, set())

    rule["id"] = stored["id"]
    state.alert_rules[rule["uid"]] = rule
    _ensure_group(state, rule)
    _drop_empty_groups(state)
    return Response(200, shown(rule))


def delete_rule(state: State, request: Request) -> Response:
    stored = state.alert_rules.get(request.params["uid"])
    if stored is not None:
        _provenance.check_rule_change(
            stored["provenance"], _provenance.requested(request)
        )
        del state.alert_rules[stored["uid"]]
        _drop_empty_groups(state)
    return Response(204)


def _ensure_group(state: State, rule: dict[str, Any]) -> None:
    """A rule's group keeps its interval; a new group gets the 60 s default."""
    key = (rule["folderUID"], rule["ruleGroup"])
    group = {"title": key[1], "folderUid": key[0], "interval": DEFAULT_INTERVAL}
    state.rule_groups.setdefault(key, group)


def _drop_empty_groups(state: State) -> None:
    used = {(r["folderUID"], r["ruleGroup"]) for r in state.alert_rules.values()}
    for key in [k for k in state.rule_groups if k not in used]:
        del state.rule_groups[key]


# -- rule groups ------------------------------------------------------------------


def group_body(state: State, key: tuple[str, str]) -> dict[str, Any]:
    """The group as ``GET .../rule-groups/:group`` answers it."""
    group = state.rule_groups[key]
    rules = [
        r for r in state.alert_rules.values() if (r["folderUID"], r["ruleGroup"]) == key
    ]
    return {
        "title": group["title"],
        "folderUid": group["folderUid"],
        "interval": group["interval"],
        "rules": [shown(r) for r in sorted(rules, key=lambda r: r["id"])],
    }


def get_group(state: State, request: Request) -> Response:
    key = (request.params["folder"], request.params["group"])
    if key not in state.rule_groups:
        raise ApiError(
            404,
            errutil(404, "alerting.alert-rule.notFound", "rule group not found"),
        )
    return Response(200, group_body(state, key))


def put_group(state: State, request: Request) -> Response:
    """Replace the whole group: rules left out of the body are deleted."""
    folder_uid, title = request.params["folder"], request.params["group"]
    body = request.json_object()
    provenance = _provenance.requested(request)
    interval = body.get("interval", 0)
    if not isinstance(interval, int):
        raise ApiError(400, message("bad request data"))
    if interval <= 0 or interval % SCHEDULER_INTERVAL:
        raise ApiError(
            400,
            message(
                # The scheduler interval prints as bare seconds; see
                # ValidateRuleGroupInterval in pkg/services/ngalert/models.
                f"invalid alert rule: interval ({_durations.go(interval)}) should be "
                "non-zero and divided exactly by scheduler interval: "
                f"{SCHEDULER_INTERVAL}"
            ),
        )
    # No folder check here: ReplaceRuleGroup, unlike rule create and update,
    # never looks the folder up (pkg/services/ngalert/provisioning/alert_rules.go).

    key = (folder_uid, title)
    current = {
        r["uid"]: r
        for r in state.alert_rules.values()
        if (r["folderUID"], r["ruleGroup"]) == key
    }
    submitted = body.get("rules") or []
    if not submitted:
        # An absent or empty list converts to no rules at all, which Grafana
        # reads as "keep the rules, change the interval" (calcDelta in
        # pkg/services/ngalert/provisioning/alert_rules.go): nothing is deleted.
        state.rule_groups.setdefault(key, {"title": title, "folderUid": folder_uid})
        state.rule_groups[key]["interval"] = interval
        _drop_empty_groups(state)
        body = {"title": title, "folderUid": folder_uid, "interval": interval}
        return Response(200, {**body, "rules": []})
    for stored in current.values():
        _provenance.check_rule_change(stored["provenance"], provenance)
    rules = []
    for raw in submitted:
        if isinstance(raw, dict):
            raw = {**raw, "folderUID": folder_uid, "ruleGroup": title}
        rule = normalise(state, raw, provenance)
        elsewhere = state.alert_rules.get(rule["uid"])
        if elsewhere is not None and rule["uid"] not in current:
            _provenance.check_rule_change(elsewhere["provenance"], provenance)
        rules.append(rule)
    uids = {r["uid"] for r in rules}
    for rule in rules:
        _check_unique_title(state, rule, uids | set(current))

    for uid in current:
        del state.alert_rules[uid]
    for rule in rules:
        previous = state.alert_rules.pop(rule["uid"], None) or current.get(rule["uid"])
        rule["id"] = previous["id"] if previous else state.next_id("alert-rule")
        state.alert_rules[rule["uid"]] = rule
    state.rule_groups[key] = {
        "title": title,
        "folderUid": folder_uid,
        "interval": interval,
    }
    return Response(200, group_body(state, key))


def delete_group(state: State, request: Request) -> Response:
    key = (request.params["folder"], request.params["group"])
    if key not in state.rule_groups:
        raise ApiError(
            404,
            errutil(404, "alerting.alert-rule.notFound", "rule group not found"),
        )
    provenance = _provenance.requested(request)
    members = [
        r for r in state.alert_rules.values() if (r["folderUID"], r["ruleGroup"]) == key
    ]
    for rule in members:
        _provenance.check_rule_change(rule["provenance"], provenance)
    for rule in members:
        del state.alert_rules[rule["uid"]]
    del state.rule_groups[key]
    return Response(204)
