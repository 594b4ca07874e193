"""A ``DesiredState`` to Grafana's file-provisioning tree.

Grafana runs environment expansion over most values of provisioning YAML, so
every ``$`` in text that is meant literally (Go templates such as
``{{ $labels.x }}``) is written as ``$$``; secrets become ``${VAR}`` or
``$__file{...}`` references that Grafana resolves when it reads the file.
Rule annotations, query models, template and mute timing contents are not
expanded and are written as they are (docs: "Provision alerting resources",
section on template variable interpolation).
"""

from __future__ import annotations

from typing import Any

from mt5dash.compile.grafana_ini import render_grafana_ini
from mt5dash.desired import DesiredState
from mt5dash.durations import format_duration
from mt5dash.output import dump_json, dump_yaml
from mt5dash.secrets import EnvSecret, FileSecret
from mt5dash.settings import Settings

ROOT_FOLDER_DIR = "general"


def escape(value: Any) -> Any:
    """``value`` with literal ``$`` doubled and secrets as references."""
    if isinstance(value, EnvSecret | FileSecret):
        return value.provisioning_ref()
    if isinstance(value, str):
        return value.replace("$", "$$")
    if isinstance(value, dict):
        return {k: escape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escape(v) for v in value]
    return value


def _datasources(state: DesiredState, org: int) -> dict[str, Any]:
    items = []
    for body in state.datasources:
        item = {k: escape(v) for k, v in body.items() if v not in ("", {}, None)}
        item |= {"editable": False, "orgId": org, "version": 1}
        items.append(item)
    return {"apiVersion": 1, "datasources": items, "prune": True}


def _providers(state: DesiredState, settings: Settings) -> dict[str, Any]:
    titles = {f["uid"]: f["title"] for f in state.folders}
    base = settings.grafana.provisioning_path.rstrip("/") + "/dashboards"
    used = sorted({d.folder_uid or "" for d in state.dashboards})
    providers = []
    for uid in used:
        provider = {
            "allowUiUpdates": False,
            "disableDeletion": False,
            "name": uid or ROOT_FOLDER_DIR,
            "options": {"path": f"{base}/{uid or ROOT_FOLDER_DIR}"},
            "orgId": settings.org_id,
            "type": "file",
            "updateIntervalSeconds": 30,
        }
        if uid:
            provider |= {"folder": escape(titles.get(uid, uid)), "folderUid": uid}
        providers.append(provider)
    return {"apiVersion": 1, "providers": providers}


def _file_rule(rule: dict[str, Any]) -> dict[str, Any]:
    annotations = dict(rule["annotations"])
    dashboard = annotations.pop("__dashboardUid__", None)
    panel = annotations.pop("__panelId__", None)
    data = []
    for query in rule["data"]:
        item = {k: query[k] for k in ("datasourceUid", "model", "refId")}
        if query["datasourceUid"] != "__expr__":
            item["relativeTimeRange"] = query["relativeTimeRange"]
        data.append(item)
    out: dict[str, Any] = {
        "annotations": annotations,
        "condition": escape(rule["condition"]),
        "data": data,
        "execErrState": rule["execErrState"],
        "for": rule["for"],
        "isPaused": rule["isPaused"],
        "labels": escape(rule["labels"]),
        "noDataState": rule["noDataState"],
        "title": escape(rule["title"]),
        "uid": rule["uid"],
    }
    if rule["keep_firing_for"] not in ("", "0s"):
        out["keepFiringFor"] = rule["keep_firing_for"]
    if dashboard is not None:
        out |= {"dashboardUid": dashboard, "panelId": int(panel)}
    if rule["notification_settings"]:
        out["notification_settings"] = escape(rule["notification_settings"])
    return out


def _alerting(state: DesiredState, org: int) -> dict[str, bytes]:
    titles = {f["uid"]: f["title"] for f in state.folders}
    files: dict[str, Any] = {}
    if state.rule_groups:
        groups = [
            {
                "folder": escape(titles.get(g.folder_uid, g.folder_uid)),
                "interval": format_duration(g.interval_seconds),
                "name": escape(g.title),
                "orgId": org,
                "rules": [_file_rule(r) for r in g.rules],
            }
            for g in state.rule_groups
        ]
        files["alerting/rules.yaml"] = {"apiVersion": 1, "groups": groups}
    if state.contact_points:
        by_name: dict[str, list[dict[str, Any]]] = {}
        for integration in state.contact_points:
            receiver = {
                "disableResolveMessage": integration["disableResolveMessage"],
                "settings": escape(integration["settings"]),
                "type": integration["type"],
                "uid": integration["uid"],
            }
            by_name.setdefault(integration["name"], []).append(receiver)
        points = [
            {"name": escape(name), "orgId": org, "receivers": receivers}
            for name, receivers in by_name.items()
        ]
        files["alerting/contact-points.yaml"] = {
            "apiVersion": 1,
            "contactPoints": points,
        }
    if state.templates:
        templates = [t | {"orgId": org} for t in state.templates]
        files["alerting/templates.yaml"] = {"apiVersion": 1, "templates": templates}
    if state.mute_timings:
        timings = [m | {"orgId": org} for m in state.mute_timings]
        files["alerting/mute-timings.yaml"] = {"apiVersion": 1, "muteTimes": timings}
    if state.policy is not None:
        policy = escape(state.policy) | {"orgId": org}
        files["alerting/policies.yaml"] = {"apiVersion": 1, "policies": [policy]}
    return {path: dump_yaml(data) for path, data in files.items()}


def render(state: DesiredState, settings: Settings) -> dict[str, bytes]:
    """Every Grafana provisioning file, by path relative to the output folder."""
    org = settings.org_id
    files = {
        "datasources/datasources.yaml": dump_yaml(_datasources(state, org)),
        "dashboards/providers.yaml": dump_yaml(_providers(state, settings)),
        "grafana.ini": render_grafana_ini(settings.grafana),
    }
    for dashboard in state.dashboards:
        folder = dashboard.folder_uid or ROOT_FOLDER_DIR
        files[f"dashboards/{folder}/{dashboard.uid}.json"] = dump_json(dashboard.model)
    files |= _alerting(state, org)
    return files
