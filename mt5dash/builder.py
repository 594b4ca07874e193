"""``build``: the project's declarations to Grafana's provisioning tree.

Load, validate and compile everything in memory first; only a complete and
valid tree replaces the output folder, so a failed build leaves the previous
output as it was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from mt5dash.compile.context import Context
from mt5dash.compile.files import render
from mt5dash.compile.state import compile_state
from mt5dash.desired import DesiredState
from mt5dash.errors import DeclarationError, StaleOutputError
from mt5dash.loader import Declarations, load
from mt5dash.output import check_replaceable, replace_tree, stale_files
from mt5dash.settings import Settings, load_settings
from mt5dash.validate import validate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    """What a build produced: the output folder, its files and what changed."""

    out: Path
    files: dict[str, bytes]
    changed: list[str]


def load_project(
    project: Path | str = ".", settings: Settings | None = None
) -> Declarations:
    """Load the declarations of the project rooted at ``project``."""
    root = Path(project)
    return load(root, settings or load_settings(root))


def compile_declarations(declared: Declarations) -> DesiredState:
    """Validate and compile ``declared``; raise ``DeclarationError`` listing
    every problem found."""
    ctx = Context(declared)
    validate(ctx)
    state = compile_state(ctx)
    if ctx.problems:
        raise DeclarationError(set(ctx.problems))
    return state


def build_state(
    project: Path | str = ".", settings: Settings | None = None
) -> DesiredState:
    """What Grafana should hold according to the project's declarations."""
    return compile_declarations(load_project(project, settings))


def render_files(
    project: Path | str = ".", settings: Settings | None = None
) -> dict[str, bytes]:
    """The provisioning tree in memory, by path relative to the output folder."""
    declared = load_project(project, settings)
    return _render(declared, compile_declarations(declared))


def _render(declared: Declarations, state: DesiredState) -> dict[str, bytes]:
    from mt5dash.compile.prometheus import render_prometheus

    files = render(state, declared.settings)
    for path, text in render_prometheus(declared, declared.settings).items():
        files[path] = text.encode() if isinstance(text, str) else text
    return dict(sorted(files.items()))


def build(
    project: Path | str = ".", out: Path | str | None = None, *, check: bool = False
) -> BuildResult:
    """Compile the project and write its provisioning tree to ``out``.

    With ``check``, nothing is written and ``StaleOutputError`` lists the
    files that differ from what the declarations produce.
    """
    root = Path(project)
    settings = load_settings(root)
    target = Path(out) if out is not None else root / settings.out
    declared = load(root, settings)
    log.info(
        "loaded %d dashboard(s), %d rule group(s)",
        len(declared.dashboards),
        len(declared.rule_groups),
    )
    files = _render(declared, compile_declarations(declared))
    changed = stale_files(target, files)
    if check:
        if changed:
            raise StaleOutputError([_shown(root, target, path) for path in changed])
        log.info("%s is up to date (%d files)", target, len(files))
        return BuildResult(target, files, [])
    if changed:
        keep = [
            root,
            *(root / folder for folder in (settings.dashboards, settings.alerts)),
        ]
        check_replaceable(target, files, keep)
        replace_tree(target, files)
    log.info("wrote %d file(s) to %s, %d changed", len(files), target, len(changed))
    return BuildResult(target, files, changed)


def _shown(project: Path, out: Path, path: str) -> str:
    """``path`` of the output folder as the user knows it: from the project."""
    full = out.resolve() / path
    try:
        return full.relative_to(project.resolve()).as_posix()
    except ValueError:
        return str(full)
