"""Objects Grafana loaded from provisioning files, which the API must leave alone.

``mt5dash deploy grafana`` mounts the built ``provisioning/`` folder and then
pushes the same declarations. Grafana refuses API saves of dashboards from
files (400 "Cannot save provisioned dashboard"), API changes to alert rules
with provenance ``file``, and changes to read-only datasources; contact
points and the rest would be accepted but overwritten at the next reload.
So such an object is compared without mt5dash's own markers (its tag, stamp
and provenance) and never written: equal is ``unchanged``, different is
``failed`` with what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from mt5dash.push._compare import Change

FILE = "file"
NOTE = "provisioned from files"


def refusal(kind: str, name: str) -> str:
    """Why a file-provisioned ``kind`` ``name`` that differs is not written."""
    return (
        f"{kind} {name!r} is provisioned from files, so the push does not "
        "change it: change the declarations, run `mt5dash build` and let "
        "Grafana reload the provisioning files (or restart it)"
    )


def outcome(kind: str, name: str, changes: Iterable[Change]) -> tuple[str, str]:
    """The outcome and message of a file-provisioned object compared."""
    from mt5dash.push._report import FAILED, UNCHANGED

    if list(changes):
        return FAILED, refusal(kind, name)
    return UNCHANGED, NOTE
