"""``mt5dash lint``: checks dashboards, provisioning and rule files for problems
Grafana and Prometheus would not report, or report only at run time.

Each rule has a stable id (``dashboard/api-wrapper``) that names its page
in ``mt5dash/lint/docs/``, shipped with the package (``docs_text``).
"""

from mt5dash.lint.engine import (
    RULES,
    Exclusion,
    LintOptions,
    LintResult,
    Rule,
    run,
)
from mt5dash.lint.findings import Finding, Severity, docs_page, docs_text
from mt5dash.lint.project import collect, lint_project, options_from

__all__ = [
    "RULES",
    "Exclusion",
    "Finding",
    "LintOptions",
    "LintResult",
    "Rule",
    "Severity",
    "collect",
    "docs_page",
    "docs_text",
    "lint_project",
    "options_from",
    "run",
]
