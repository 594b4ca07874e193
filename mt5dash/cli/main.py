"""The ``mt5dash`` application: every command module registers itself here.

Command modules import only typer at module level; the library behind a
command is imported when that command runs, so ``mt5dash --help`` stays fast.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="mt5dash",
    help="The MT5 hub's Grafana monitoring as code.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain help: loading rich costs more than the 150 ms budget
)

# Each module adds its commands to ``app`` when imported.
COMMAND_MODULES = [
    "mt5dash.cli.build_cmd",
    "mt5dash.cli.publish_cmd",
    "mt5dash.cli.deploy_cmd",
    "mt5dash.cli.lint_cmd",
    "mt5dash.cli.push_cmd",
]


def _register() -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name)


def run() -> None:
    """Entry point of the console script."""
    _register()
    app()
