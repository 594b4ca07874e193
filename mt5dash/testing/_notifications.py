"""Contact points, the notification policy tree, templates and mute timings."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any

from mt5dash.testing import _durations, _go_template, _integrations, _provenance
from mt5dash.testing._http import ApiError, Request, Response, errutil, message
from mt5dash.testing._router import Access, Router
from mt5dash.testing._state import State, default_policy, new_uid, uid_problem

BASE = "/api/v1/provisioning"
# Viewers read and Editors write since Grafana 11; evaluator text of
# pkg/services/ngalert/api/authorization.go (11.1 on), see _alert_rules.py.
READ = (
    "any of alert.provisioning:read, alert.notifications.provisioning:read, "
    "alert.provisioning.secrets:read, alert.notifications:read"
)
WRITE = (
    "any of alert.provisioning:write, alert.notifications.provisioning:write, "
    "all of alert.notifications:write, alert.provisioning.provenance:write"
)


def register(router: Router) -> None:
    points, point = f"{BASE}/contact-points", f"{BASE}/contact-points/{{uid}}"
    router.add("GET", points, list_contact_points, Access.VIEWER, READ)
    router.add("POST", points, post_contact_point, Access.EDITOR, WRITE)
    router.add("PUT", point, put_contact_point, Access.EDITOR, WRITE)
    router.add("DELETE", point, delete_contact_point, Access.EDITOR, WRITE)

    router.add("GET", f"{BASE}/policies", get_policy, Access.VIEWER, READ)
    router.add("PUT", f"{BASE}/policies", put_policy, Access.EDITOR, WRITE)
    router.add("DELETE", f"{BASE}/policies", delete_policy, Access.EDITOR, WRITE)

    templates, template = f"{BASE}/templates", f"{BASE}/templates/{{name}}"
    router.add("GET", templates, list_templates, Access.VIEWER, READ)
    router.add("GET", template, get_template, Access.VIEWER, READ)
    router.add("PUT", template, put_template, Access.EDITOR, WRITE)
    router.add("DELETE", template, delete_template, Access.EDITOR, WRITE)

    timings, timing = f"{BASE}/mute-timings", f"{BASE}/mute-timings/{{name}}"
    router.add("GET", timings, list_mute_timings, Access.VIEWER, READ)
    router.add("GET", timing, get_mute_timing, Access.VIEWER, READ)
    router.add("POST", timings, post_mute_timing, Access.EDITOR, WRITE)
    router.add("PUT", timing, put_mute_timing, Access.EDITOR, WRITE)
    router.add("DELETE", timing, delete_mute_timing, Access.EDITOR, WRITE)


def invalid(reason: str) -> ApiError:
    return ApiError(400, message(f"invalid object specification: {reason}"))


def fingerprint(value: Any) -> str:
    """A version string that changes whenever the content does."""
    raw = json.dumps(value, sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


# -- contact points -------------------------------------------------------------


def contact_point_body(point: dict[str, Any], redact: bool = True) -> dict[str, Any]:
    kind = point["type"]
    settings = point["settings"]
    body = {
        "uid": point["uid"],
        "name": point["name"],
        "type": kind,
        "settings": _integrations.redact(kind, settings) if redact else settings,
        "disableResolveMessage": point["disableResolveMessage"],
    }
    if point["provenance"]:
        body["provenance"] = point["provenance"]
    return copy.deepcopy(body)


def _contact_point(body: Any) -> dict[str, Any]:
    """Check the fields every contact point needs and the settings of its type."""
    if not isinstance(body, dict):
        raise ApiError(400, message("bad request data"))
    name, kind, settings = body.get("name"), body.get("type"), body.get("settings")
    if not name or not kind or not isinstance(settings, dict):
        raise ApiError(400, message("bad request data"))
    return {
        "uid": str(body.get("uid") or ""),
        "name": str(name),
        "type": str(kind),
        "settings": copy.deepcopy(settings),
        "disableResolveMessage": bool(body.get("disableResolveMessage", False)),
    }


def _check_settings(point: dict[str, Any]) -> None:
    """Refuse the settings as grafana/alerting does, naming the integration.

    The uid is the one in the request, so empty on a create: validation runs
    before the uid is generated (pkg/services/ngalert/provisioning/contactpoints.go).
    """
    problem = _integrations.problem(point["type"], point["settings"])
    if problem:
        name = f"{json.dumps(point['name'])} " if point["name"] else ""
        raise invalid(
            f"failed to validate integration {name}(UID {point['uid']}) "
            f"of type {json.dumps(point['type'])}: {problem}"
        )


def _check_uid(uid: str) -> None:
    problem = uid_problem(uid)
    if problem:
        # errors.Join puts a newline, not a colon, after the sentinel's text.
        raise ApiError(
            400,
            message(
                "invalid object specification\n"
                f"cannot create contact point with UID '{uid}': {problem}"
            ),
        )


def list_contact_points(state: State, request: Request) -> Response:
    name = request.arg("name")
    points = [p for p in state.contact_points.values() if not name or p["name"] == name]
    points.sort(key=lambda p: (p["name"], p["uid"]))
    return Response(200, [contact_point_body(p) for p in points])


def post_contact_point(state: State, request: Request) -> Response:
    point = _contact_point(request.json())
    _check_settings(point)
    _check_uid(point["uid"])
    if point["uid"] in state.contact_points:
        raise ApiError(
            409,
            errutil(
                409,
                "alerting.notifications.contact-points.uidInUse",
                f"Receiver UID '{point['uid']}' is already in use",
            ),
        )

    point["uid"] = point["uid"] or new_uid()
    point["provenance"] = _provenance.requested(request)
    state.contact_points[point["uid"]] = point
    # The created object comes back with its secrets taken out of the settings.
    answer = contact_point_body(point, redact=False)
    answer["settings"] = _integrations.without_secrets(point["type"], point["settings"])
    return Response(202, answer)


def put_contact_point(state: State, request: Request) -> Response:
    stored = state.contact_points.get(request.params["uid"])
    if stored is None:
        raise ApiError(404, message("contact point not found"))
    point = _contact_point(request.json())
    point["uid"] = stored["uid"]
    provenance = _provenance.requested(request)
    _provenance.check_notification_change(stored["provenance"], provenance)
    point["settings"] = _integrations.merge_secrets(
        point["type"], point["settings"], stored["settings"]
    )
    _check_settings(point)

    point.update(uid=stored["uid"], provenance=provenance)
    _rename_in_policy(state, stored["name"], point["name"], stored["uid"])
    state.contact_points[stored["uid"]] = point
    return Response(202, message("contactpoint updated"))


def _rename_in_policy(state: State, old: str, new: str, uid: str) -> None:
    """Routes follow a renamed contact point once no integration keeps the name."""
    if old == new:
        return
    if any(p["name"] == old and p["uid"] != uid for p in state.contact_points.values()):
        return
    for route in routes(state.policy):
        if route.get("receiver") == old:
            route["receiver"] = new


def delete_contact_point(state: State, request: Request) -> Response:
    stored = state.contact_points.get(request.params["uid"])
    if stored is None:
        return Response(202, message("contactpoint deleted"))
    _provenance.check_notification_change(
        stored["provenance"], _provenance.requested(request)
    )
    name = stored["name"]
    last = sum(p["name"] == name for p in state.contact_points.values()) == 1
    if last and name in policy_receivers(state.policy):
        raise ApiError(
            409,
            errutil(
                409,
                "alerting.notifications.contact-points.referenced",
                "Contact point is currently referenced by a notification policy.",
            ),
        )
    if last and any(_rule_receiver(r) == name for r in state.alert_rules.values()):
        raise ApiError(
            409,
            errutil(
                409,
                "alerting.notifications.contact-points.used-by-rule",
                "Contact point is currently used in the notification settings of "
                "one or many alert rules.",
            ),
        )

    del state.contact_points[stored["uid"]]
    return Response(202, message("contactpoint deleted"))


def _rule_receiver(rule: dict[str, Any]) -> str | None:
    settings = rule.get("notification_settings") or {}
    return settings.get("receiver") if isinstance(settings, dict) else None


# -- policies --------------------------------------------------------------------


def routes(tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The tree's root and every nested route."""
    yield tree
    for child in tree.get("routes") or []:
        if isinstance(child, dict):
            yield from routes(child)


def policy_receivers(tree: dict[str, Any]) -> set[str]:
    return {r["receiver"] for r in routes(tree) if r.get("receiver")}


def policy_mute_timings(tree: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for route in routes(tree):
        names.update(route.get("mute_time_intervals") or [])
        names.update(route.get("active_time_intervals") or [])
    return names


def get_policy(state: State, request: Request) -> Response:
    tree = copy.deepcopy(state.policy)
    if state.policy_provenance:
        tree["provenance"] = state.policy_provenance
    return Response(200, tree)


def put_policy(state: State, request: Request) -> Response:
    """Replace the whole tree; every receiver and mute timing must exist."""
    tree = request.json_object()
    tree.pop("provenance", None)
    provenance = _provenance.requested(request)
    _provenance.check_notification_change(state.policy_provenance, provenance)
    if not tree.get("receiver"):
        raise invalid("root route must specify a default receiver")
    if tree.get("mute_time_intervals"):
        raise invalid("root route must not have any mute time intervals")
    names = {p["name"] for p in state.contact_points.values()}
    for receiver in sorted(policy_receivers(tree) - names):
        raise invalid(f"receiver '{receiver}' does not exist")
    for timing in sorted(policy_mute_timings(tree) - set(state.mute_timings)):
        raise invalid(f"mute time interval '{timing}' does not exist")

    state.policy = _timings_as_stored(tree)
    state.policy_provenance = provenance
    return Response(202, message("policies updated"))


TIMINGS = ("group_wait", "group_interval", "repeat_interval")


def _timings_as_stored(route: dict[str, Any]) -> dict[str, Any]:
    """The route with its timings as Grafana prints them back (``60s`` -> ``1m``);
    a timing that is no duration is refused."""
    out = copy.deepcopy(route)
    for key in TIMINGS:
        if out.get(key):
            seconds = _durations.parse(str(out[key]))
            if seconds is None:
                raise ApiError(400, message("bad request data"))
            out[key] = _durations.prometheus(seconds)
    if isinstance(out.get("routes"), list):
        out["routes"] = [_timings_as_stored(r) for r in out["routes"]]
    return out


def delete_policy(state: State, request: Request) -> Response:
    """Reset the tree to Grafana's default and unlock it."""
    state.policy = default_policy()
    state.policy_provenance = _provenance.NONE
    return Response(202, default_policy())


# -- templates --------------------------------------------------------------------

DEFINE = re.compile(r"\{\{\s*define")


def normalised_template(name: str, text: str) -> str:
    """The content Grafana parses: trimmed, wrapped in a define when it has none.

    Grafana also stores and answers this wrapped text: Validate rewrites the
    request's copy in place and UpsertTemplate saves that copy
    (pkg/services/ngalert/api/tooling/definitions/provisioning_templates.go,
    pkg/services/ngalert/provisioning/templates.go); so does the fake.
    """
    content = text.strip()
    if DEFINE.search(content):
        return content
    indented = "\n".join("  " + line for line in content.split("\n"))
    return f'{{{{ define "{name}" }}}}\n{indented}\n{{{{ end }}}}'


def template_body(template: dict[str, Any]) -> dict[str, Any]:
    return dict(template)


def list_templates(state: State, request: Request) -> Response:
    found = sorted(state.templates.values(), key=lambda t: t["name"])
    return Response(200, [template_body(t) for t in found])


def get_template(state: State, request: Request) -> Response:
    template = state.templates.get(request.params["name"])
    if template is None:
        raise ApiError(404, message("template not found"))
    return Response(200, template_body(template))


def put_template(state: State, request: Request) -> Response:
    name = request.params["name"]
    body = request.json_object()
    text = body.get("template")
    if not isinstance(text, str) or not text:
        raise invalid("template must have content")
    problem = _go_template.problem(name, normalised_template(name, text))
    if problem:
        # A fixed message; the parser's error rides in "extra"
        # (MakeErrTemplateInvalid in pkg/services/ngalert/provisioning/errors.go).
        body = errutil(
            400,
            "alerting.notifications.templates.invalidFormat",
            "Template is in invalid format. Correct the payload and try again.",
        )
        body["extra"] = {"Error": f"invalid template: {problem}"}
        raise ApiError(400, body)
    stored = state.templates.get(name)
    provenance = _provenance.requested(request)
    if stored is not None:
        _provenance.check_notification_change(stored["provenance"], provenance)
        _check_version(stored, body)

    text = normalised_template(name, text)
    template = {"name": name, "template": text, "provenance": provenance}
    template["version"] = fingerprint([name, text])
    state.templates[name] = template
    return Response(202, template_body(template))


def _check_version(stored: dict[str, Any], body: dict[str, Any]) -> None:
    version = body.get("version")
    if version and version != stored["version"]:
        raise ApiError(
            409,
            errutil(
                409,
                "alerting.notifications.conflict",
                "provided version does not match current version",
            ),
        )


def delete_template(state: State, request: Request) -> Response:
    stored = state.templates.get(request.params["name"])
    if stored is not None:
        _provenance.check_notification_change(
            stored["provenance"], _provenance.requested(request)
        )
        del state.templates[stored["name"]]
    return Response(204)


# -- mute timings -------------------------------------------------------------------

CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


def _mute_timing(body: Any, name: str | None = None) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(400, message("bad request data"))
    name = name or body.get("name")
    if not name:
        raise invalid("missing name")
    intervals = body.get("time_intervals") or []
    if not isinstance(intervals, list):
        raise ApiError(400, message("bad request data"))
    for interval in intervals:
        for span in interval.get("times") or []:
            for key in ("start_time", "end_time"):
                if not CLOCK.match(str(span.get(key, ""))):
                    raise invalid(f"invalid time of day: {span.get(key)!r}")
    return {"name": str(name), "time_intervals": copy.deepcopy(intervals)}


def list_mute_timings(state: State, request: Request) -> Response:
    found = sorted(state.mute_timings.values(), key=lambda t: t["name"])
    return Response(200, [dict(t) for t in found])


def get_mute_timing(state: State, request: Request) -> Response:
    timing = state.mute_timings.get(request.params["name"])
    if timing is None:
        raise ApiError(404, message("mute timing not found"))
    return Response(200, dict(timing))


def post_mute_timing(state: State, request: Request) -> Response:
    timing = _mute_timing(request.json())
    if timing["name"] in state.mute_timings:
        raise ApiError(
            400,
            errutil(
                400,
                "alerting.notifications.time-intervals.nameExists",
                "Time interval with this name already exists. Use a different name "
                "or update the existing one.",
            ),
        )
    timing["provenance"] = _provenance.requested(request)
    timing["version"] = fingerprint(timing["time_intervals"])
    state.mute_timings[timing["name"]] = timing
    return Response(201, dict(timing))


def put_mute_timing(state: State, request: Request) -> Response:
    stored = state.mute_timings.get(request.params["name"])
    if stored is None:
        raise ApiError(404, message("mute timing not found"))
    body = request.json()
    timing = _mute_timing(body, stored["name"])
    provenance = _provenance.requested(request)
    _provenance.check_notification_change(stored["provenance"], provenance)
    _check_version(stored, body)

    timing["provenance"] = provenance
    timing["version"] = fingerprint(timing["time_intervals"])
    state.mute_timings[stored["name"]] = timing
    return Response(202, dict(timing))


def delete_mute_timing(state: State, request: Request) -> Response:
    stored = state.mute_timings.get(request.params["name"])
    if stored is None:
        return Response(204)
    _provenance.check_notification_change(
        stored["provenance"], _provenance.requested(request)
    )
    if stored["name"] in policy_mute_timings(state.policy):
        raise ApiError(
            409,
            errutil(
                409,
                "alerting.notifications.time-intervals.used",
                "Time interval is used by one or many notification policies",
            ),
        )
    del state.mute_timings[stored["name"]]
    return Response(204)
