"""mt5dash: the MT5 hub's Grafana monitoring as code.

Declare datasources, folders, dashboards, alert rules and notifications in
Python; ``build`` compiles them into Grafana's file provisioning.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mt5dash.builder import (
        BuildResult,
        build,
        build_state,
        load_project,
        render_files,
    )
    from mt5dash.desired import DesiredState
    from mt5dash.errors import (
        CompileError,
        ConfigError,
        DeclarationError,
        DeployError,
        LintError,
        Mt5dashError,
        Problem,
        PushError,
        StaleOutputError,
        VerifyError,
    )
    from mt5dash.kpi import (
        KpiBundle,
        data_freshness,
        disk_usage,
        request_latency,
        scheduled_jobs,
        sharpe_ratio,
    )
    from mt5dash.model import (
        AlertExample,
        AlertRule,
        ContactPoint,
        CustomVariable,
        Dashboard,
        Datasource,
        DatasourceVariable,
        DingTalk,
        Folder,
        IntervalVariable,
        Math,
        MuteTiming,
        NotificationPolicy,
        NotificationTemplate,
        Permission,
        Query,
        QueryVariable,
        Reduce,
        Route,
        Row,
        RuleGroup,
        Slack,
        Team,
        Threshold,
        ThresholdExpression,
        TimeInterval,
        TimeRange,
        User,
        Webhook,
    )
    from mt5dash.secrets import EnvSecret, FileSecret, env, from_file

__version__ = "0.1.0"

# Public names are imported on first use, so that the command line (which
# imports this package) starts without loading grafanalib and pydantic models.
_EXPORTS = {
    "AlertExample": "mt5dash.model",
    "AlertRule": "mt5dash.model",
    "BuildResult": "mt5dash.builder",
    "CompileError": "mt5dash.errors",
    "ConfigError": "mt5dash.errors",
    "ContactPoint": "mt5dash.model",
    "CustomVariable": "mt5dash.model",
    "Dashboard": "mt5dash.model",
    "Datasource": "mt5dash.model",
    "DatasourceVariable": "mt5dash.model",
    "DeclarationError": "mt5dash.errors",
    "DeployError": "mt5dash.errors",
    "DesiredState": "mt5dash.desired",
    "DingTalk": "mt5dash.model",
    "EnvSecret": "mt5dash.secrets",
    "FileSecret": "mt5dash.secrets",
    "Folder": "mt5dash.model",
    "IntervalVariable": "mt5dash.model",
    "KpiBundle": "mt5dash.kpi",
    "LintError": "mt5dash.errors",
    "Math": "mt5dash.model",
    "Mt5dashError": "mt5dash.errors",
    "MuteTiming": "mt5dash.model",
    "NotificationPolicy": "mt5dash.model",
    "NotificationTemplate": "mt5dash.model",
    "Permission": "mt5dash.model",
    "Problem": "mt5dash.errors",
    "PushError": "mt5dash.errors",
    "Query": "mt5dash.model",
    "QueryVariable": "mt5dash.model",
    "Reduce": "mt5dash.model",
    "Route": "mt5dash.model",
    "Row": "mt5dash.model",
    "RuleGroup": "mt5dash.model",
    "Slack": "mt5dash.model",
    "StaleOutputError": "mt5dash.errors",
    "Team": "mt5dash.model",
    "Threshold": "mt5dash.model",
    "ThresholdExpression": "mt5dash.model",
    "TimeInterval": "mt5dash.model",
    "TimeRange": "mt5dash.model",
    "User": "mt5dash.model",
    "VerifyError": "mt5dash.errors",
    "Webhook": "mt5dash.model",
    "build": "mt5dash.builder",
    "build_state": "mt5dash.builder",
    "data_freshness": "mt5dash.kpi",
    "disk_usage": "mt5dash.kpi",
    "env": "mt5dash.secrets",
    "from_file": "mt5dash.secrets",
    "load_project": "mt5dash.builder",
    "render_files": "mt5dash.builder",
    "request_latency": "mt5dash.kpi",
    "scheduled_jobs": "mt5dash.kpi",
    "sharpe_ratio": "mt5dash.kpi",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mt5dash' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "AlertExample",
    "AlertRule",
    "BuildResult",
    "CompileError",
    "ConfigError",
    "ContactPoint",
    "CustomVariable",
    "Dashboard",
    "Datasource",
    "DatasourceVariable",
    "DeclarationError",
    "DeployError",
    "DesiredState",
    "DingTalk",
    "EnvSecret",
    "FileSecret",
    "Folder",
    "IntervalVariable",
    "KpiBundle",
    "LintError",
    "Math",
    "Mt5dashError",
    "MuteTiming",
    "NotificationPolicy",
    "NotificationTemplate",
    "Permission",
    "Problem",
    "PushError",
    "Query",
    "QueryVariable",
    "Reduce",
    "Route",
    "Row",
    "RuleGroup",
    "Slack",
    "StaleOutputError",
    "Team",
    "Threshold",
    "ThresholdExpression",
    "TimeInterval",
    "TimeRange",
    "User",
    "VerifyError",
    "Webhook",
    "build",
    "build_state",
    "data_freshness",
    "disk_usage",
    "env",
    "from_file",
    "load_project",
    "render_files",
    "request_latency",
    "scheduled_jobs",
    "sharpe_ratio",
]
