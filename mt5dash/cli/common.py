"""What every command shares: logging to stderr and turning errors into exits."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

P = ParamSpec("P")
R = TypeVar("R")

# Exit codes, documented in the README.
EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def setup_logging(verbose: bool) -> None:
    """Send the library's log lines to stderr: INFO by default, DEBUG with -v."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger("mt5dash")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False


def fail(message: str, code: int) -> typer.Exit:
    """Print ``message`` on stderr and return the exit to raise."""
    typer.echo(message, err=True)
    return typer.Exit(code)


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn mt5dash's errors into one message on stderr and the error's exit code."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from mt5dash.errors import Mt5dashError

        try:
            return fn(*args, **kwargs)
        except Mt5dashError as exc:
            raise fail(f"error: {exc}", exc.exit_code) from None

    return wrapper
