"""Loading a provisioning tree as Grafana does at startup (provenance ``file``).

Covers what ``mt5dash build`` writes: ``datasources/*.yaml``, dashboard
providers with their JSON files, and ``alerting/*.yaml``. Values are
interpolated from ``env`` where Grafana interpolates them (contact point
settings and the policy tree; not rule annotations, queries, templates or
mute timings), ``$$`` standing for a literal ``$``.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import PurePosixPath
from typing import Any

import yaml

from mt5dash.testing import (
    _alert_rules,
    _dashboards,
    _datasources,
    _durations,
    _folders,
    _notifications,
    _provenance,
)
from mt5dash.testing._state import State

VARIABLE = re.compile(r"\$\$|\$\{(\w+)\}|\$(\w+)")


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """``value`` with ``$VAR`` and ``${VAR}`` replaced; unset ones become ``""``."""
    if isinstance(value, str):
        return VARIABLE.sub(
            lambda m: "$" if m.group(0) == "$$" else env.get(m[1] or m[2], ""), value
        )
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    return value


def load_tree(state: State, files: dict[str, bytes], env: dict[str, str]) -> None:
    """Provision every file of ``files`` (paths relative to the tree's root)."""
    for path in sorted(p for p in files if _top_yaml(p, "datasources")):
        for source in _yaml(files[path]).get("datasources") or []:
            _datasource(state, interpolate(source, env))
    for path in sorted(p for p in files if _top_yaml(p, "dashboards")):
        for provider in _yaml(files[path]).get("providers") or []:
            _provider(state, provider, files)
    for path in sorted(p for p in files if _top_yaml(p, "alerting")):
        load_alerting(state, _yaml(files[path]), env)


def _top_yaml(path: str, folder: str) -> bool:
    parts = PurePosixPath(path).parts
    return len(parts) == 2 and parts[0] == folder and path.endswith((".yaml", ".yml"))


def _yaml(raw: bytes) -> dict[str, Any]:
    return yaml.safe_load(raw) or {}


def _datasource(state: State, source: dict[str, Any]) -> None:
    existing = next(
        (d for d in state.datasources.values() if d["name"] == source["name"]), None
    )
    if existing is not None:
        del state.datasources[existing["uid"]]
    _datasources.add(state, source, read_only=not source.get("editable", False))


def _provider(state: State, provider: dict[str, Any], files: dict[str, bytes]) -> None:
    """The provider's folder (by uid, else title) and its dashboards.

    The provider's ``options.path`` is matched to the tree by its last part,
    which is how ``mt5dash build`` lays the dashboards out.
    """
    folder_uid = ""
    if provider.get("folder"):
        folder_uid = _folder(state, provider["folder"], provider.get("folderUid", ""))
    where = PurePosixPath(provider["options"]["path"]).name
    for path in sorted(files):
        parts = PurePosixPath(path).parts
        if parts[:2] == ("dashboards", where) and path.endswith(".json"):
            model = json.loads(files[path])
            model.pop("id", None)
            _dashboards.provision(
                state, model, folder_uid, bool(provider.get("allowUiUpdates"))
            )


def _folder(state: State, title: str, uid: str = "") -> str:
    """The uid of the folder ``uid`` or titled ``title``, created when missing."""
    if uid and uid in state.folders:
        return uid
    if not uid:
        for folder in state.folders.values():
            if folder["title"] == title and not folder.get("parentUid"):
                return folder["uid"]
    return _folders.add(state, uid, title)["uid"]


def load_alerting(state: State, document: dict[str, Any], env: dict[str, str]) -> None:
    """Store one alerting file's groups, contact points, policies, templates
    and mute timings with provenance ``file``."""
    for timing in document.get("muteTimes") or []:
        _mute_timing(state, timing)
    for template in document.get("templates") or []:
        _template(state, template)
    for point in document.get("contactPoints") or []:
        for receiver in point.get("receivers") or []:
            _contact_point(state, point["name"], interpolate(receiver, env))
    for tree in document.get("policies") or []:
        tree = {k: v for k, v in interpolate(tree, env).items() if k != "orgId"}
        state.policy = tree
        state.policy_provenance = _provenance.FILE
    for group in document.get("groups") or []:
        _group(state, group)


def _mute_timing(state: State, timing: dict[str, Any]) -> None:
    intervals = copy.deepcopy(timing.get("time_intervals") or [])
    state.mute_timings[timing["name"]] = {
        "name": timing["name"],
        "time_intervals": intervals,
        "provenance": _provenance.FILE,
        "version": _notifications.fingerprint(intervals),
    }


def _template(state: State, template: dict[str, Any]) -> None:
    name = template["name"]
    text = _notifications.normalised_template(name, template["template"])
    state.templates[name] = {
        "name": name,
        "template": text,
        "provenance": _provenance.FILE,
        "version": _notifications.fingerprint([name, text]),
    }


def _contact_point(state: State, name: str, receiver: dict[str, Any]) -> None:
    uid = receiver["uid"]
    state.contact_points[uid] = {
        "uid": uid,
        "name": name,
        "type": receiver["type"],
        "settings": copy.deepcopy(receiver.get("settings") or {}),
        "disableResolveMessage": bool(receiver.get("disableResolveMessage", False)),
        "provenance": _provenance.FILE,
    }


def _group(state: State, group: dict[str, Any]) -> None:
    folder_uid = _folder(state, group["folder"])
    interval = _durations.parse(str(group["interval"])) or 0
    key = (folder_uid, group["name"])
    for rule in group.get("rules") or []:
        raw = _rule_body(rule, folder_uid, group["name"])
        stored = _alert_rules.normalise(state, raw, _provenance.FILE)
        previous = state.alert_rules.get(stored["uid"])
        stored["id"] = previous["id"] if previous else state.next_id("alert-rule")
        state.alert_rules[stored["uid"]] = stored
    state.rule_groups[key] = {
        "title": group["name"],
        "folderUid": folder_uid,
        "interval": interval,
    }


def _rule_body(rule: dict[str, Any], folder_uid: str, group: str) -> dict[str, Any]:
    """A file rule in the provisioning API's shape."""
    body = {
        k: copy.deepcopy(v)
        for k, v in rule.items()
        if k not in ("dashboardUid", "panelId", "keepFiringFor")
    }
    annotations = dict(rule.get("annotations") or {})
    if rule.get("dashboardUid"):
        annotations["__dashboardUid__"] = rule["dashboardUid"]
        annotations["__panelId__"] = str(rule.get("panelId", ""))
    body.update(folderUID=folder_uid, ruleGroup=group, annotations=annotations)
    if "keepFiringFor" in rule:
        body["keep_firing_for"] = rule["keepFiringFor"]
    return body
