"""Deterministic files, and replacing an output tree all at once.

JSON and YAML are written with sorted keys, a 2-space indent and a final
newline, so building twice gives the same bytes.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import orjson
import yaml

from mt5dash.errors import ConfigError


def dump_json(data: Any) -> bytes:
    # orjson writes what json.dumps(indent=2, sort_keys=True) writes, many
    # times faster: the standard library falls back to pure Python with indent.
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line strings, and lists indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: object) -> bool:
        return True  # repeated objects are written out, never as &anchors


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(data: Any) -> bytes:
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=True,
        indent=2,
        default_flow_style=False,
        allow_unicode=True,
        width=88,
    )
    return text.encode()


def _parse(path: str, content: bytes) -> None:
    if path.endswith(".json"):
        orjson.loads(content)
    elif path.endswith((".yaml", ".yml")):
        yaml.safe_load(content)


def tree_files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by its relative POSIX path."""
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def stale_files(root: Path, files: dict[str, bytes]) -> list[str]:
    """Paths that differ between ``root`` and ``files``: changed, new or extra."""
    current = tree_files(root)
    names = sorted(set(current) | set(files))
    return [n for n in names if current.get(n) != files.get(n)]


def check_replaceable(root: Path, files: dict[str, bytes], keep: list[Path]) -> None:
    """Refuse to replace ``root`` unless it only ever held such a tree.

    ``root`` may not be, hold or sit inside any folder of ``keep`` (the
    project and its declarations), and an existing ``root`` may hold only
    the top-level names that ``files`` has. Raises ``ConfigError``.
    """
    target = root.resolve()
    for folder in (k.resolve() for k in keep):
        if target == folder:
            raise ConfigError(f"refusing to write into {root}: it is {folder}")
        if folder.is_relative_to(target):
            raise ConfigError(f"refusing to write into {root}: it holds {folder}")
        if target.is_relative_to(folder) and folder != keep[0].resolve():
            raise ConfigError(f"refusing to write into {root}: it is inside {folder}")
    if target.exists() and not target.is_dir():
        raise ConfigError(f"refusing to replace {root}: it is a file, not a folder")
    if not target.is_dir():
        return
    ours = {rel.split("/")[0] for rel in files}
    foreign = sorted(p.name for p in target.iterdir() if p.name not in ours)
    if foreign:
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise ConfigError(
            f"refusing to replace {root}: it holds {shown}, which mt5dash does not "
            "write; choose a new or empty folder"
        )


def _folder_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def replace_tree(root: Path, files: dict[str, bytes]) -> None:
    """Make ``root`` hold exactly ``files``, or leave it untouched on failure.

    Every file is parsed first; the new tree is written beside ``root``, then
    swapped in with two renames. A ``root`` that cannot be renamed (a mount
    point, such as a container volume) is updated in place instead, file by
    file. Raises ``ConfigError`` when the folder cannot be written.
    """
    root = root.resolve()
    for rel, content in files.items():
        _parse(rel, content)
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.new-", dir=root.parent))
    except OSError as exc:
        raise ConfigError(f"cannot write {root}: {exc.strerror}") from None
    # mkdtemp makes the folder private; the tree is read by Grafana's user.
    staging.chmod(_folder_mode())
    try:
        _write(staging, files)
        _swap(root, staging, files)
    except OSError as exc:
        raise ConfigError(f"cannot write {root}: {exc.strerror}") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _write(folder: Path, files: dict[str, bytes]) -> None:
    for sub in sorted({os.path.dirname(rel) for rel in files}):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        (folder / rel).write_bytes(content)


def _swap(root: Path, staging: Path, files: dict[str, bytes]) -> None:
    old = root.with_name(f".{root.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if root.exists():
        try:
            root.rename(old)
        except OSError as exc:
            if exc.errno not in (errno.EBUSY, errno.EXDEV, errno.EPERM):
                raise
            _update_in_place(root, files)
            return
    try:
        staging.rename(root)
    except OSError:
        if old.exists():
            old.rename(root)
        raise
    if old.exists():
        shutil.rmtree(old)


def _update_in_place(root: Path, files: dict[str, bytes]) -> None:
    """Write changed files into ``root`` and remove the ones no longer built."""
    for path in sorted(root.rglob("*"), reverse=True):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and rel not in files:
            path.unlink()
        elif path.is_dir() and not any(f.startswith(rel + "/") for f in files):
            path.rmdir()
    for rel, content in files.items():
        target = root / rel
        if not target.is_file() or target.read_bytes() != content:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
