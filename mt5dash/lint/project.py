"""Lint a project: its rendered provisioning tree, or files and folders given."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from mt5dash.durations import parse_duration
from mt5dash.errors import ConfigError
from mt5dash.lint.engine import Exclusion, LintOptions, LintResult, run
from mt5dash.settings import Settings, load_settings

log = logging.getLogger(__name__)

LINTED_SUFFIXES = (".json", ".yaml", ".yml")


def options_from(settings: Settings) -> LintOptions:
    """Lint options from the project's settings."""
    text = settings.lint.scrape_interval or settings.prometheus.scrape_interval
    seconds = parse_duration(text)
    if not seconds:
        raise ConfigError(
            f"[tool.mt5dash.lint] scrape_interval: {text!r} is not a positive "
            "Prometheus duration such as '15s' or '1m'"
        )
    return LintOptions(
        scrape_interval=seconds, dingtalk_keyword=settings.lint.dingtalk_keyword
    )


def exclusions_from(settings: Settings) -> list[Exclusion]:
    return [Exclusion(e.rule, tuple(e.paths), e.reason) for e in settings.lint.exclude]


def collect(paths: Iterable[Path], project_dir: Path) -> dict[str, bytes]:
    """The files under ``paths`` by display name (relative to the project)."""
    files: dict[str, bytes] = {}
    missing = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in LINTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            found = [path]
        else:
            missing.append(str(path))
            continue
        for file in found:
            files[display_name(file, project_dir)] = file.read_bytes()
    if missing:
        raise ConfigError(f"lint: no such file or folder: {', '.join(missing)}")
    return files


def display_name(path: Path, project_dir: Path) -> str:
    """``path`` relative to the project, or to the current folder, or as is."""
    resolved = path.resolve()
    for base in (project_dir.resolve(), Path.cwd().resolve()):
        if resolved.is_relative_to(base):
            return resolved.relative_to(base).as_posix()
    return path.as_posix()


def rendered_files(project_dir: Path, settings: Settings) -> dict[str, bytes]:
    """The provisioning tree as ``mt5dash build`` renders it, named as written."""
    try:
        from mt5dash.builder import render_files
    except ImportError:
        out = project_dir / settings.out
        if not out.is_dir():
            raise ConfigError(
                "lint: give files or folders to lint; this version cannot render "
                f"the project's declarations and {settings.out}/ does not exist"
            ) from None
        log.info("rendering is not available; linting %s/ as written", settings.out)
        return collect([out], project_dir)
    rendered = render_files(project_dir)
    prefix = settings.out.rstrip("/")
    # As for a folder given: grafana.ini is not for lint.
    return {
        f"{prefix}/{name}": content
        for name, content in rendered.items()
        if Path(name).suffix.lower() in LINTED_SUFFIXES
    }


def lint_project(project_dir: Path, paths: Sequence[Path] = ()) -> LintResult:
    """Lint ``paths``, or the project's rendered provisioning tree when none given.

    Paths given that hold no file lint recognises are a ``ConfigError``: a
    mistyped folder in CI must fail, not pass with nothing checked.
    """
    settings = load_settings(project_dir)
    if paths:
        files = collect(paths, project_dir)
    else:
        files = rendered_files(project_dir, settings)
    result = run(files, options_from(settings), exclusions_from(settings))

    if paths and result.files == 0:
        raise ConfigError(_nothing_to_lint(paths, result.unrecognised))
    return result


def _nothing_to_lint(paths: Sequence[Path], unrecognised: int) -> str:
    given = ", ".join(str(p) for p in paths)
    found = f"; {unrecognised} file(s) not recognised" if unrecognised else ""
    return (
        f"lint: nothing to lint in {given}: no dashboard, provisioning or rule "
        f"file ({', '.join(LINTED_SUFFIXES)}) found{found}"
    )
