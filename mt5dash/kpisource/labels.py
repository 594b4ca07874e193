"""Label values of published metrics: an empty one is refused."""

from __future__ import annotations

from mt5dash.errors import Problem
from mt5dash.kpisource.errors import PublishError


def check_label_values(obj: str, **values: str) -> None:
    """Raise ``PublishError`` naming every label whose value is empty or blank.

    Prometheus treats a label with an empty value as no label at all, so the
    series would merge with others or lose the name the dashboards show.
    """
    problems = [
        Problem(
            file="",
            obj=obj,
            field=label,
            message=f"the label value {value!r} is empty; give a non-blank value",
        )
        for label, value in values.items()
        if not value.strip()
    ]
    if problems:
        raise PublishError(problems)
