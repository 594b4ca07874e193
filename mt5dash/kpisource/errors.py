"""The error of the KPI source: a metric that cannot be computed or written."""

from __future__ import annotations

import dataclasses

from mt5dash.errors import Problem, ProblemsError


class PublishError(ProblemsError):
    """KPI metrics cannot be computed or written; nothing was published."""

    headline = "problem(s) while publishing KPI metrics"

    @classmethod
    def one(
        cls, message: str, *, file: str = "", obj: str = "", field: str = ""
    ) -> PublishError:
        """An error made of a single problem."""
        return cls([Problem(file=file, obj=obj, field=field, message=message)])

    def located(self, file: str, obj: str) -> PublishError:
        """The same problems, with ``file`` and ``obj`` where they were unknown."""
        return PublishError(
            dataclasses.replace(p, file=p.file or file, obj=p.obj or obj)
            for p in self.problems
        )
