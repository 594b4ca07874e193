"""Deploying the monitoring stack and the CI runner of the hub.

``plan_grafana`` and ``plan_runner`` check their inputs and return a
``Plan``: ``Plan.describe()`` is the dry run, ``Plan.execute(log)`` does it,
recording each step in the deployment log. Commands run through a
``CommandRunner``; push and verify are passed in as callables.
"""

from mt5dash.deploy.commands import CommandRunner, Result
from mt5dash.deploy.grafana import GrafanaAccess, TlsOptions, plan_grafana
from mt5dash.deploy.runner import plan_runner
from mt5dash.deploy.steps import DeployLog, Plan, Report, Step

__all__ = [
    "CommandRunner",
    "DeployLog",
    "GrafanaAccess",
    "Plan",
    "Report",
    "Result",
    "Step",
    "TlsOptions",
    "plan_grafana",
    "plan_runner",
]
