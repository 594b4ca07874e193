"""The declaration model: what users write in ``dashboards/`` and ``alerts/``."""

from mt5dash.model.access import Folder, Permission, Team, User
from mt5dash.model.alerting import (
    AlertExample,
    AlertRule,
    Math,
    Query,
    Reduce,
    RuleGroup,
    Threshold,
    ThresholdExpression,
)
from mt5dash.model.base import Declaration, duration_seconds
from mt5dash.model.dashboard import (
    CustomVariable,
    Dashboard,
    DatasourceVariable,
    IntervalVariable,
    QueryVariable,
    Row,
)
from mt5dash.model.datasource import Datasource
from mt5dash.model.notifications import (
    ContactPoint,
    DingTalk,
    MuteTiming,
    NotificationPolicy,
    NotificationTemplate,
    Route,
    Slack,
    TimeInterval,
    TimeRange,
    Webhook,
)

__all__ = [
    "AlertExample",
    "AlertRule",
    "ContactPoint",
    "CustomVariable",
    "Dashboard",
    "Datasource",
    "DatasourceVariable",
    "Declaration",
    "DingTalk",
    "Folder",
    "IntervalVariable",
    "Math",
    "MuteTiming",
    "NotificationPolicy",
    "NotificationTemplate",
    "Permission",
    "Query",
    "QueryVariable",
    "Reduce",
    "Route",
    "Row",
    "RuleGroup",
    "Slack",
    "Team",
    "Threshold",
    "ThresholdExpression",
    "TimeInterval",
    "TimeRange",
    "User",
    "Webhook",
    "duration_seconds",
]
