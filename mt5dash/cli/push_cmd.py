"""``mt5dash push``, ``diff``, ``notify test`` and ``verify``.

Data (the report table, the diff, JSON) goes to stdout; log lines and error
messages go to stderr. Exit codes: 0 done, 2 bad options or configuration
(a missing secret among them), 3 push not complete, 5 verify failed, 130
push interrupted by Ctrl-C (the report says what was applied).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from mt5dash.cli.common import handle_errors, setup_logging
from mt5dash.cli.main import app

if TYPE_CHECKING:
    from mt5dash.desired import DesiredState
    from mt5dash.push import ClientConfig, PushReport

notify_app = typer.Typer(help="Notification checks against a live Grafana.")
app.add_typer(notify_app, name="notify")

PROJECT = typer.Option(Path("."), "--project", "-p", help="Project folder.")
URL = typer.Option(
    "", "--url", envvar="GRAFANA_URL", help="Grafana URL (or GRAFANA_URL)."
)
TARGET = typer.Option(
    "", "--target", "-t", help="A target of [tool.mt5dash.targets] (dev, prod)."
)
TOKEN_FILE = typer.Option(
    "", "--token-file", help="File holding a service-account token."
)
INSECURE = typer.Option(
    False,
    "--insecure",
    help="Allow credentials over plain http to a remote host; skip TLS checks.",
)
CA_CERT = typer.Option("", "--ca-cert", help="PEM CA bundle to verify Grafana with.")
TIMEOUT = typer.Option(10.0, "--timeout", help="Seconds to wait for one answer.")
OUTPUT = typer.Option("table", "--output", "-o", help="table or json.")
WORKERS = typer.Option(8, "--workers", "-w", help="Dashboards pushed at once.")
VERBOSE = typer.Option(False, "--verbose", "-v", help="Debug logging.")


def client_config(
    project: Path,
    url: str,
    target: str,
    token_file: str,
    insecure: bool,
    ca_cert: str,
    timeout: float,
) -> ClientConfig:
    """The connection from the options, a named target and the environment."""
    from mt5dash.errors import ConfigError
    from mt5dash.push import ClientConfig
    from mt5dash.push._client import check_timeout
    from mt5dash.settings import load_settings

    check_timeout(timeout)
    options: dict[str, Any] = {"timeout": timeout}
    if target:
        targets = load_settings(project).targets
        if target not in targets:
            known = ", ".join(sorted(targets)) or "none"
            raise ConfigError(
                f"target {target!r} is not in [tool.mt5dash.targets] (targets: {known})"
            )
        chosen = targets[target]
        url = url or chosen.url
        token_file = token_file or chosen.token_file
        options.update(
            insecure=insecure or chosen.insecure,
            ca_cert=ca_cert or chosen.ca_cert,
            datasource_urls=dict(chosen.datasource_urls),
        )
    else:
        options.update(insecure=insecure, ca_cert=ca_cert)
    if not url:
        raise ConfigError("give the Grafana to use: --url URL or --target NAME")
    config = ClientConfig.from_env(url.rstrip("/"), token_file=token_file, **options)
    config.check()
    return config


def load_state(project: Path) -> DesiredState:
    """What the project's declarations say Grafana should hold."""
    from mt5dash.builder import build_state

    return build_state(project)


def project_name(project: Path) -> str:
    """The name marking what the project owns in Grafana."""
    from mt5dash.settings import load_settings, owner_name

    return owner_name(project, load_settings(project))


def _check_output(output: str) -> None:
    if output not in ("table", "json"):
        from mt5dash.errors import ConfigError

        raise ConfigError(f"--output must be table or json, got {output!r}")


@app.command()
@handle_errors
def push(
    project: Path = PROJECT,
    url: str = URL,
    target: str = TARGET,
    token_file: str = TOKEN_FILE,
    insecure: bool = INSECURE,
    ca_cert: str = CA_CERT,
    timeout: float = TIMEOUT,
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Compare and show the diff; write nothing."
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help="Overwrite dashboards and rules edited in Grafana; resend all secrets.",
    ),
    prune: bool = typer.Option(
        False, "--prune", help="Delete what mt5dash pushed and no longer declares."
    ),
    editable: bool = typer.Option(
        False, "--editable", help="Leave alerting resources editable in the UI."
    ),
    allow_empty: bool = typer.Option(
        False,
        "--allow-empty",
        help="Let --prune run with declarations that hold nothing to keep.",
    ),
    workers: int = WORKERS,
    output: str = OUTPUT,
    verbose: bool = VERBOSE,
) -> None:
    """Make a live Grafana hold what the declarations say."""
    from mt5dash.errors import PushError
    from mt5dash.push import push as run_push

    setup_logging(verbose)
    _check_output(output)
    config = client_config(project, url, target, token_file, insecure, ca_cert, timeout)
    state = load_state(project)
    name = project_name(project)
    try:
        report = run_push(
            state,
            config,
            dry_run=dry_run,
            force=force,
            prune=prune,
            editable=editable,
            workers=workers,
            allow_empty=allow_empty,
            project=name,
        )
    except PushError as exc:
        partial = getattr(exc, "report", None)
        if partial is not None:
            show_report(partial, output)
        raise
    except KeyboardInterrupt:
        # Before the first phase: secrets were being read, nothing was sent.
        typer.echo("error: interrupted by Ctrl-C; nothing was sent", err=True)
        raise typer.Exit(130) from None
    if dry_run and output == "table":
        typer.echo(render_diff(report), nl=False)
    else:
        show_report(report, output)


@app.command()
@handle_errors
def diff(
    project: Path = PROJECT,
    url: str = URL,
    target: str = TARGET,
    token_file: str = TOKEN_FILE,
    insecure: bool = INSECURE,
    ca_cert: str = CA_CERT,
    timeout: float = TIMEOUT,
    prune: bool = typer.Option(
        False, "--prune", help="Also show what --prune would delete."
    ),
    exit_code: bool = typer.Option(
        False, "--exit-code", help="Exit 1 when Grafana differs from the declarations."
    ),
    output: str = OUTPUT,
    verbose: bool = VERBOSE,
) -> None:
    """Show how the live Grafana differs from the declarations; write nothing."""
    from mt5dash.push import push as run_push

    setup_logging(verbose)
    _check_output(output)
    config = client_config(project, url, target, token_file, insecure, ca_cert, timeout)
    state = load_state(project)
    report = run_push(
        state, config, dry_run=True, prune=prune, project=project_name(project)
    )
    if output == "json":
        typer.echo(
            json.dumps(report.to_json(), indent=2, sort_keys=True, ensure_ascii=False)
        )
    else:
        typer.echo(render_diff(report), nl=False)
    if exit_code and any(r.outcome != "unchanged" for r in report.results):
        raise typer.Exit(1)


def render_diff(report: PushReport) -> str:
    """The differences, one block per resource that is not unchanged."""
    marks = {"to create": "+", "to update": "~", "to delete": "-", "drifted": "!"}
    lines = []
    for result in report.results:
        if result.outcome == "unchanged":
            continue
        mark = marks.get(result.outcome, "x")
        note = f": {result.message}" if result.message else ""
        lines.append(f"{mark} {result.kind} {result.name!r} ({result.outcome}){note}")
        lines += [f"    {change}" for change in result.changes]
    unchanged = len(report.by_outcome("unchanged"))
    counts = [
        f"{n} {outcome}"
        for outcome in SUMMARY_ORDER
        if (n := len(report.by_outcome(outcome)))
    ]
    lines.append(f"{', '.join(counts) or 'no differences'}; {unchanged} unchanged")
    return "\n".join(lines) + "\n"


SUMMARY_ORDER = (
    "to update",
    "to create",
    "to delete",
    "drifted",
    "failed",
    "not applied",
)


def show_report(report: PushReport, output: str) -> None:
    """The report as JSON, or as a table (changes listed under each row)."""
    if output == "json":
        typer.echo(
            json.dumps(report.to_json(), indent=2, sort_keys=True, ensure_ascii=False)
        )
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"push to {report.url}", title_justify="left")
    for column in ("kind", "name", "outcome", "details"):
        table.add_column(column, overflow="fold")
    for result in report.results:
        details = [result.message] if result.message else []
        details += [str(c) for c in result.changes]
        table.add_row(result.kind, result.name, result.outcome, "\n".join(details))
    console = Console(soft_wrap=False, width=None if _is_tty() else 160)
    console.print(table)
    console.print(report.summary(), markup=False, highlight=False)


def _is_tty() -> bool:
    import sys

    return sys.stdout.isatty()


@notify_app.command("test")
@handle_errors
def notify_test(
    contact_point: list[str] = typer.Option(
        [], "--contact-point", "-c", help="Only this contact point (repeatable)."
    ),
    project: Path = PROJECT,
    url: str = URL,
    target: str = TARGET,
    token_file: str = TOKEN_FILE,
    insecure: bool = INSECURE,
    ca_cert: str = CA_CERT,
    timeout: float = TIMEOUT,
    output: str = OUTPUT,
    verbose: bool = VERBOSE,
) -> None:
    """Send a test message through Grafana's contact points; say what arrived."""
    from mt5dash.errors import PushError
    from mt5dash.push.notify import test_contact_points

    setup_logging(verbose)
    _check_output(output)
    config = client_config(project, url, target, token_file, insecure, ca_cert, timeout)
    results = test_contact_points(config, list(contact_point) or None)
    if output == "json":
        typer.echo(
            json.dumps([r.to_json() for r in results], indent=2, ensure_ascii=False)
        )
    else:
        for r in results:
            reason = f": {r.error}" if r.error else ""
            typer.echo(f"{r.contact_point} {r.type} {r.uid}: {r.status}{reason}")
    failed = [r for r in results if r.status != "delivered"]
    if failed:
        names = ", ".join(f"{r.contact_point} ({r.uid})" for r in failed)
        raise PushError(f"{len(failed)} integration(s) failed the test: {names}")


@app.command()
@handle_errors
def verify(
    project: Path = PROJECT,
    url: str = URL,
    target: str = TARGET,
    token_file: str = TOKEN_FILE,
    insecure: bool = INSECURE,
    ca_cert: str = CA_CERT,
    timeout: float = TIMEOUT,
    prometheus_url: str = typer.Option(
        "",
        "--prometheus-url",
        help="Prometheus to check (default: the target's, else the deployed one).",
    ),
    runner_unit: str = typer.Option(
        "",
        "--runner-unit",
        help="The runner's systemd unit (default: the one deploy installs).",
    ),
    github_repo: str = typer.Option(
        "", "--github-repo", help="owner/name the runner is registered to."
    ),
    runner_name: str = typer.Option(
        "", "--runner-name", help="The runner's name (default: the deploy setting)."
    ),
    github_api_url: str = typer.Option(
        "https://api.github.com", "--github-api-url", help="GitHub's API."
    ),
    kpi_dashboard: str = typer.Option(
        "", "--kpi-dashboard", help="uid of the KPI dashboard (default: search)."
    ),
    kpi_panel: str = typer.Option(
        "Sharpe", "--kpi-panel", help="Title (part) of the KPI panel to query."
    ),
    verbose: bool = VERBOSE,
) -> None:
    """Print the installation's acceptance report as JSON; exit 5 unless all hold.

    A GitHub token in GITHUB_TOKEN makes the check include the runner being
    online in GitHub's API.
    """
    import os

    from mt5dash.settings import load_settings
    from mt5dash.verify import VerifyOptions, check
    from mt5dash.verify import verify as run_verify

    setup_logging(verbose)
    config = client_config(project, url, target, token_file, insecure, ca_cert, timeout)
    settings = load_settings(project)
    if not prometheus_url and target:
        prometheus_url = settings.targets[target].prometheus_url
    # On the hub's host, the deployed Prometheus and runner are the defaults.
    prometheus_url = (
        prometheus_url or f"http://127.0.0.1:{settings.deploy.prometheus_port}"
    )
    if not runner_unit:
        from mt5dash.deploy.systemd import unit_name

        runner_unit = unit_name(settings)
    options = VerifyOptions(
        prometheus_url=prometheus_url,
        runner_unit=runner_unit,
        github_token=os.environ.get("GITHUB_TOKEN", ""),
        github_repo=github_repo,
        runner_name=runner_name or settings.deploy.runner_name,
        github_api_url=github_api_url,
        kpi_dashboard=kpi_dashboard,
        kpi_panel=kpi_panel,
        timeout=timeout,
    )
    report = run_verify(config, options)
    typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    check(report)
