"""Load the user's declaration modules and collect what they declare.

Every ``*.py`` file in the declaration folders is imported by its dotted name
(``dashboards.kpi``), with the project root first on ``sys.path``, so modules
may import each other. Module-level declarations, and lists or tuples of them,
are collected; one object reached from several modules counts once.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import logging
import sys
import traceback
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from mt5dash.errors import ConfigError, DeclarationError, Problem
from mt5dash.model import (
    AlertRule,
    ContactPoint,
    Dashboard,
    Datasource,
    Declaration,
    Folder,
    MuteTiming,
    NotificationPolicy,
    NotificationTemplate,
    RuleGroup,
    Team,
    User,
)
from mt5dash.settings import Settings

log = logging.getLogger(__name__)

# Kind name, class and the attribute of Declarations that holds them.
TOP_LEVEL_KINDS: tuple[tuple[type[Declaration], str], ...] = (
    (Datasource, "datasources"),
    (Folder, "folders"),
    (Dashboard, "dashboards"),
    (RuleGroup, "rule_groups"),
    (ContactPoint, "contact_points"),
    (NotificationTemplate, "templates"),
    (NotificationPolicy, "policies"),
    (MuteTiming, "mute_timings"),
    (Team, "teams"),
    (User, "users"),
)


@dataclass
class Declarations:
    """Everything a project declares, in a stable order (file, then position)."""

    project: Path
    settings: Settings
    datasources: list[Datasource] = field(default_factory=list)
    folders: list[Folder] = field(default_factory=list)
    dashboards: list[Dashboard] = field(default_factory=list)
    rule_groups: list[RuleGroup] = field(default_factory=list)
    contact_points: list[ContactPoint] = field(default_factory=list)
    templates: list[NotificationTemplate] = field(default_factory=list)
    policies: list[NotificationPolicy] = field(default_factory=list)
    mute_timings: list[MuteTiming] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    stray_rules: list[AlertRule] = field(default_factory=list)

    def where(self, obj: Declaration) -> tuple[str, int | None]:
        """The project-relative file and line where ``obj`` was declared."""
        site = obj.site
        if site is None:
            return "<unknown>", None
        return relative(self.project, site[0]), site[1]

    def problem(
        self, obj: Declaration, kind: str, field_path: str, message: str
    ) -> Problem:
        """A problem located at ``obj``'s declaration."""
        file, line = self.where(obj)
        return Problem(file, kind, field_path, message, line)


def relative(project: Path, filename: str) -> str:
    """``filename`` relative to the project when inside it, else as given."""
    try:
        return Path(filename).resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return filename


def _module_files(project: Path, folder: str) -> list[Path]:
    root = project / folder
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("*.py") if not p.name.startswith("_"))


def _forget_modules(packages: set[str]) -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in packages:
            del sys.modules[name]


def _register_package(project: Path, folder: str) -> None:
    """Bind the package name of ``folder`` to this project's folder.

    Without this, a package of the same name elsewhere on ``sys.path`` (or a
    regular package shadowing a folder without ``__init__.py``) could be
    imported in its place.
    """
    if "/" in folder or not (project / folder).is_dir():
        return
    path = project / folder
    init = path / "__init__.py"
    if init.is_file():
        spec = importlib.util.spec_from_file_location(
            folder, init, submodule_search_locations=[str(path)]
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[folder] = module
        spec.loader.exec_module(module)
    else:
        module = types.ModuleType(folder)
        module.__path__ = [str(path)]
        sys.modules[folder] = module


def _import_problem(
    project: Path, folders: list[str], path: Path, exc: BaseException
) -> list[Problem]:
    rel = relative(project, str(path))
    if isinstance(exc, SyntaxError):
        file = relative(project, exc.filename or str(path))
        return [Problem(file, "module", "", f"syntax error: {exc.msg}", exc.lineno)]
    frames = traceback.extract_tb(exc.__traceback__)
    inside = [
        f
        for f in frames
        if any(relative(project, f.filename).startswith(d + "/") for d in folders)
    ]
    file, line = (rel, None)
    if inside:
        file, line = relative(project, inside[-1].filename), inside[-1].lineno
    if isinstance(exc, ValidationError):
        return [
            Problem(
                file,
                exc.title,
                ".".join(str(p) for p in err["loc"]),
                _pydantic_message(exc.title, err),
                line,
            )
            for err in exc.errors()
        ]
    return [Problem(file, "module", "", f"{type(exc).__name__}: {exc}", line)]


def _pydantic_message(title: str, err: Any) -> str:
    """Pydantic's message, with the allowed fields when a field is unknown."""
    if err["type"] != "extra_forbidden":
        return err["msg"]
    import mt5dash.model

    model = _model_at(getattr(mt5dash.model, title, None), err["loc"][:-1])
    if model is None:
        return err["msg"]
    title = model.__name__
    allowed = sorted(f.alias or name for name, f in model.model_fields.items())
    given = str(err["loc"][-1])
    close = difflib.get_close_matches(given, allowed, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown field{hint} {title} takes: {', '.join(allowed)}"


def _model_at(model: Any, loc: tuple[Any, ...]) -> Any:
    """The model class that the path ``loc`` inside ``model`` leads to."""
    candidates = [model] if model is not None else []
    for part in loc:
        if isinstance(part, int) or not candidates:
            continue
        if len(candidates) > 1:
            # A discriminated union puts the chosen member's tag in the path.
            candidates = [
                m
                for m in candidates
                if getattr(m.model_fields.get("type"), "default", None) == part
            ]
            continue
        field = candidates[0].model_fields.get(part)
        candidates = _models_in(field.annotation) if field else []
    return candidates[0] if len(candidates) == 1 else None


def _models_in(annotation: Any) -> list[Any]:
    """The pydantic models an annotation such as ``list[A | B]`` can hold."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found = []
    for arg in typing.get_args(annotation):
        found += _models_in(arg)
    return found


def _collect(value: Any, found: dict[int, Any]) -> None:
    items = value if isinstance(value, list | tuple) else [value]
    for item in items:
        if isinstance(item, Declaration) and id(item) not in found:
            found[id(item)] = item


def load(project: Path, settings: Settings) -> Declarations:
    """Import the project's declaration modules and collect their declarations.

    Raises ``DeclarationError`` naming every module that cannot be imported,
    and ``ConfigError`` when ``project`` has neither declaration folder or a
    declaration module starts a build of its own while being imported.
    """
    folders = [settings.dashboards, settings.alerts]
    if not any((project / folder).is_dir() for folder in folders):
        raise ConfigError(
            f"{project} has neither {folders[0]}/ nor {folders[1]}/: "
            "not an mt5dash project (see --project)"
        )
    if _loading:
        raise ConfigError(
            "a declaration module started a build while being loaded; "
            "declaration modules only declare, call build() from a script"
        )
    return _load(project, settings, folders)


_loading = False


def _load(project: Path, settings: Settings, folders: list[str]) -> Declarations:
    global _loading
    modules = [p for folder in folders for p in _module_files(project, folder)]
    _forget_modules({Path(f).parts[0] for f in folders})
    sys.path.insert(0, str(project.resolve()))
    problems: list[Problem] = []
    found: dict[int, Any] = {}
    _loading = True
    try:
        for folder in folders:
            try:
                _register_package(project, folder)
            except Exception as exc:  # the user's __init__.py may raise anything
                init = project / folder / "__init__.py"
                problems += _import_problem(project, folders, init, exc)
        for path in modules:
            dotted = ".".join(path.relative_to(project).with_suffix("").parts)
            log.debug("importing %s", dotted)
            try:
                module = importlib.import_module(dotted)
            except Exception as exc:  # the user's code may raise anything
                problems += _import_problem(project, folders, path, exc)
                continue
            for value in vars(module).values():
                _collect(value, found)
    finally:
        _loading = False
        sys.path.remove(str(project.resolve()))
    if problems:
        raise DeclarationError(problems)
    return _sort(project, settings, list(found.values()))


def _sort(project: Path, settings: Settings, objects: list[Any]) -> Declarations:
    declared = Declarations(project=project, settings=settings)
    grouped: set[int] = set()
    for obj in objects:
        for kind, attr in TOP_LEVEL_KINDS:
            if isinstance(obj, kind):
                getattr(declared, attr).append(obj)
        if isinstance(obj, RuleGroup):
            grouped.update(id(rule) for rule in obj.rules)
    declared.stray_rules = [
        o for o in objects if isinstance(o, AlertRule) and id(o) not in grouped
    ]
    return declared
