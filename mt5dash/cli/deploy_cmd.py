"""``mt5dash deploy grafana`` and ``mt5dash deploy runner``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from mt5dash.cli.common import handle_errors, setup_logging
from mt5dash.cli.main import app

if TYPE_CHECKING:
    from mt5dash.deploy import DeployLog, Plan

deploy_app = typer.Typer(
    name="deploy",
    help="Deploy the monitoring stack or the CI runner on this host (exit 4 on "
    "failure).",
    no_args_is_help=True,
)
app.add_typer(deploy_app, name="deploy")

PROJECT = typer.Option(Path("."), "--project", "-p", help="Project folder.")
DRY_RUN = typer.Option(
    False, "--dry-run", help="Print the plan (files, commands) and change nothing."
)
VERBOSE = typer.Option(False, "--verbose", "-v", help="Debug logging.")


def _run(
    title: str, make_plan: Callable[[], Plan], deploy_log: DeployLog, dry_run: bool
) -> None:
    """Plan, then print the plan (dry run) or execute it and print the report."""
    from mt5dash.errors import DeployError

    try:
        plan = make_plan()
    except DeployError as exc:
        if not dry_run:
            deploy_log.record(f"{title}.preflight", f"failed: {exc}")
        raise

    if dry_run:
        typer.echo("\n".join(plan.describe()))
        return
    report = plan.execute(deploy_log)
    typer.echo("\n".join(report.lines()))


@deploy_app.command("grafana")
@handle_errors
def grafana(
    project: Path = PROJECT,
    dry_run: bool = DRY_RUN,
    self_signed: bool = typer.Option(
        False, "--self-signed", help="Serve https with a test certificate (made once)."
    ),
    tls_cert: Path | None = typer.Option(
        None, "--tls-cert", help="PEM certificate to serve https with."
    ),
    tls_key: Path | None = typer.Option(
        None, "--tls-key", help="PEM private key of --tls-cert."
    ),
    verbose: bool = VERBOSE,
) -> None:
    """Start Grafana, Prometheus and node_exporter, then push and verify."""
    from mt5dash.deploy import (
        CommandRunner,
        DeployLog,
        TlsOptions,
        plan_grafana,
        wiring,
    )
    from mt5dash.settings import load_settings

    setup_logging(verbose)
    settings = load_settings(project)
    tls = TlsOptions(cert=tls_cert, key=tls_key, self_signed=self_signed)
    _run(
        "grafana",
        lambda: plan_grafana(
            project,
            settings,
            tls=tls,
            commands=CommandRunner(),
            push=wiring.push_project,
            verify=wiring.verify_project,
        ),
        DeployLog(project / settings.deploy.log_file),
        dry_run,
    )


@deploy_app.command("runner")
@handle_errors
def runner(
    project: Path = PROJECT,
    dry_run: bool = DRY_RUN,
    reconfigure: bool = typer.Option(
        False, "--reconfigure", help="Register again although already registered."
    ),
    verbose: bool = VERBOSE,
) -> None:
    """Install the GitHub Actions runner as a systemd service and register it."""
    from mt5dash.deploy import CommandRunner, DeployLog, plan_runner
    from mt5dash.settings import load_settings

    setup_logging(verbose)
    settings = load_settings(project)
    _run(
        "runner",
        lambda: plan_runner(
            project, settings, commands=CommandRunner(), reconfigure=reconfigure
        ),
        DeployLog(project / settings.deploy.log_file),
        dry_run,
    )
