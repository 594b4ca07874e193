"""``mt5dash lint``."""

from __future__ import annotations

import enum
from pathlib import Path

import typer

from mt5dash.cli.common import EXIT_OK, EXIT_PROBLEMS, handle_errors, setup_logging
from mt5dash.cli.main import app


class OutputFormat(enum.StrEnum):
    text = "text"
    json = "json"


@app.command()
@handle_errors
def lint(
    paths: list[Path] | None = typer.Argument(
        None, help="Files or folders to lint (default: the project's provisioning)."
    ),
    output: OutputFormat = typer.Option(
        OutputFormat.text, "--format", "-f", help="text: one line per finding; json."
    ),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings too."),
    project: Path = typer.Option(Path("."), "--project", "-p", help="Project folder."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging."),
    explain: str | None = typer.Option(
        None, "--explain", metavar="RULE", help="Print the docs page of RULE and exit."
    ),
) -> None:
    """Check dashboards, provisioning and rule files for problems.

    Exits 1 when there are errors (with --strict, warnings too), 2 when the
    files or folders given hold nothing lint recognises, else 0.
    Each finding names its rule; --explain RULE prints the rule's page.
    """
    import json

    from mt5dash.lint import Severity, lint_project

    if explain is not None:
        _explain(explain)
        return
    setup_logging(verbose)
    result = lint_project(project, paths or [])

    if output is OutputFormat.json:
        typer.echo(json.dumps([f.to_json() for f in result.findings], indent=2))
    else:
        for finding in result.findings:
            typer.echo(str(finding))
    skipped = f", {result.unrecognised} not recognised" if result.unrecognised else ""
    summary = (
        f"{result.files} file(s) linted{skipped}: "
        f"{result.count(Severity.ERROR)} error(s), "
        f"{result.count(Severity.WARNING)} warning(s), "
        f"{result.count(Severity.INFO)} info"
    )
    if result.excluded:
        summary += f"; {len(result.excluded)} excluded by [tool.mt5dash.lint]"
    typer.echo(summary, err=True)
    raise typer.Exit(EXIT_PROBLEMS if result.failed(strict) else EXIT_OK)


def _explain(rule_id: str) -> None:
    from mt5dash.errors import ConfigError
    from mt5dash.lint import RULES, docs_text
    from mt5dash.lint import rules as _rules  # noqa: F401  (registers the rules)

    text = docs_text(rule_id) if rule_id in RULES else None
    if text is None:
        raise ConfigError(
            f"lint --explain: no rule {rule_id!r}; rules: {', '.join(sorted(RULES))}"
        )
    typer.echo(text, nl=False)
