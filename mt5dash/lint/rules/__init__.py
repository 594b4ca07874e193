"""Lint rules, one module per rule or small family; importing registers them."""

from mt5dash.lint.rules import (  # noqa: F401
    alerting,
    dashboard,
    datasources,
    dingtalk,
    panels,
    promql_rules,
    provisioning,
    variables,
)
