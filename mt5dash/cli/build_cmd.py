"""``mt5dash build``."""

from __future__ import annotations

from pathlib import Path

import typer

from mt5dash.cli.common import handle_errors, setup_logging
from mt5dash.cli.main import app


@app.command()
@handle_errors
def build(
    project: Path = typer.Option(Path("."), "--project", "-p", help="Project folder."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output folder (default: the project's setting)."
    ),
    check: bool = typer.Option(
        False, "--check", help="Write nothing; exit 1 if the output is stale."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging."),
) -> None:
    """Compile dashboards/ and alerts/ into Grafana provisioning files."""
    from mt5dash.builder import build as run_build

    setup_logging(verbose)
    result = run_build(project, out, check=check)
    for path in result.changed:
        typer.echo(path)
