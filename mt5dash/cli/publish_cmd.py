"""``mt5dash publish``: the hub's jobs publish the KPI metrics its dashboards show.

Each command writes one file to node_exporter's textfile directory: by default
``[tool.mt5dash.prometheus] textfile_dir`` of the project in the current
folder, or ``--textfile-dir`` / ``MT5DASH_TEXTFILE_DIR``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from mt5dash.cli.common import handle_errors, setup_logging
from mt5dash.cli.main import app

publish_app = typer.Typer(
    help="Publish the hub's KPI metrics for Prometheus.", no_args_is_help=True
)
app.add_typer(publish_app, name="publish")

TEXTFILE_DIR = typer.Option(
    None,
    "--textfile-dir",
    envvar="MT5DASH_TEXTFILE_DIR",
    help="node_exporter's textfile directory [default: from the project settings]",
)
PROJECT = typer.Option(Path("."), "--project", "-p", help="Folder of the project.")
VERBOSE = typer.Option(False, "--verbose", "-v", help="Log details.")


def _textfile_dir(option: Path | None, project: Path) -> Path:
    if option is not None:
        return option
    from mt5dash.settings import load_settings

    return Path(load_settings(project).prometheus.textfile_dir)


@publish_app.command("sharpe")
@handle_errors
def sharpe(
    strategy: str = typer.Option(..., help="Value of the 'strategy' label."),
    symbol: str = typer.Option(..., help="Value of the 'symbol' label."),
    returns_file: Path = typer.Option(
        ..., help="Per-period returns: one number per line, or CSV with --column."
    ),
    column: str | None = typer.Option(None, help="CSV column holding the returns."),
    periods_per_year: float = typer.Option(252, help="Return periods in a year."),
    risk_free: float = typer.Option(0.0, help="Risk-free return per period."),
    textfile_dir: Path | None = TEXTFILE_DIR,
    project: Path = PROJECT,
    verbose: bool = VERBOSE,
) -> None:
    """Compute a strategy's annualised Sharpe ratio and publish it."""
    from mt5dash.kpisource import publish_sharpe, read_returns

    setup_logging(verbose)
    directory = _textfile_dir(textfile_dir, project)

    returns = read_returns(returns_file, column)
    ratio = publish_sharpe(
        directory,
        strategy,
        symbol,
        returns,
        periods_per_year=periods_per_year,
        risk_free=risk_free,
        source=str(returns_file),
    )
    typer.echo(f"{ratio:.6g}")


@publish_app.command("data-age")
@handle_errors
def data_age(
    path: Path = typer.Option(..., help="Folder of the data source's files."),
    source: str = typer.Option(..., help="Value of the 'source' label."),
    glob: str = typer.Option("*", help="Files to consider; '**/*.csv' recurses."),
    textfile_dir: Path | None = TEXTFILE_DIR,
    project: Path = PROJECT,
    verbose: bool = VERBOSE,
) -> None:
    """Publish when the newest file of a data source was modified; print its age.

    Writes data_newest_timestamp_seconds (alert rules compute the age from
    it, so it keeps growing if this stops running) and data_age_hours. When
    no file matches, exits 1 and keeps only the last timestamp published.
    """
    from mt5dash.kpisource import publish_data_age

    setup_logging(verbose)
    directory = _textfile_dir(textfile_dir, project)

    age = publish_data_age(directory, source, path, glob)
    typer.echo(f"{age:.6g}")


@publish_app.command(
    "job",
    context_settings={"allow_interspersed_args": False},
)
@handle_errors
def job(
    name: str = typer.Option(..., help="Value of the 'job' label."),
    command: list[str] = typer.Argument(..., help="The command to run, after '--'."),
    textfile_dir: Path | None = TEXTFILE_DIR,
    project: Path = PROJECT,
    verbose: bool = VERBOSE,
) -> None:
    """Run a scheduled command, publish its heartbeat, exit with its exit status."""
    from mt5dash.kpisource import run_job

    setup_logging(verbose)
    directory = _textfile_dir(textfile_dir, project)

    run = run_job(directory, name, command)
    raise typer.Exit(run.exit_status)


@publish_app.command("serve")
@handle_errors
def serve(
    port: int = typer.Option(9101, help="Port to listen on."),
    addr: str = typer.Option("0.0.0.0", help="Address to listen on."),
    textfile_dir: Path | None = TEXTFILE_DIR,
    project: Path = PROJECT,
    verbose: bool = VERBOSE,
) -> None:
    """Serve the published KPI metrics on /metrics until interrupted."""
    import threading

    from mt5dash.kpisource import serve as start

    setup_logging(verbose)
    directory = _textfile_dir(textfile_dir, project)

    server, _ = start(port, addr, directory)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
