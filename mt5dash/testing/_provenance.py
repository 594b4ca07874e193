"""Provenance of alerting objects and Grafana's rules for changing it."""

from __future__ import annotations

from mt5dash.testing._http import ApiError, Request, errutil

NONE = ""
API = "api"
FILE = "file"


def requested(request: Request) -> str:
    """``api``, or none when the ``X-Disable-Provenance`` header is present."""
    if request.header("x-disable-provenance") is not None:
        return NONE
    return API


def check_rule_change(stored: str, wanted: str) -> None:
    """Rules: allowed when equal, when stored is none, or from api to none."""
    if stored in (wanted, NONE) or (stored == API and wanted == NONE):
        return
    _refuse(stored, wanted)


def check_notification_change(stored: str, wanted: str) -> None:
    """Notification resources: anything but provisioned to none is allowed."""
    if stored != NONE and wanted == NONE:
        _refuse(stored, wanted)


def _refuse(stored: str, wanted: str) -> None:
    raise ApiError(
        403,
        errutil(
            403,
            "alerting.notifications.invalidProvenance",
            f"Resource with provenance status '{stored or 'none'}' cannot be managed "
            "via API that handles resources with provenance status "
            f"'{wanted or 'none'}'. You must use appropriate API to manage this "
            "resource",
        ),
    )
