"""Expand the PATH arguments of `screening batch` into case files, lazily and in a stable order.

A file is taken as given; a folder contributes its `*.yaml`/`*.yml` files (recursively,
sorted); anything else is read as a glob (for shells that did not expand it). A path seen
twice is taken once.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Iterator
from pathlib import Path

from screening.errors import Location, Problem, display_path

SUFFIXES = (".yaml", ".yml")


def _case_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


def expand(args: Iterable[str]) -> Iterator[Path | Problem]:
    """Case files in order, or a problem for an argument that names none."""
    seen: set[Path] = set()
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            candidates = _case_files(path)
        elif path.exists() or path.is_symlink():
            candidates = [path]  # a file (or not a regular one: its reader will say why)
        else:
            matches = sorted(Path(m) for m in glob.glob(arg, recursive=True))  # noqa: PTH207
            candidates = [c for m in matches for c in (_case_files(m) if m.is_dir() else [m])]
        if not candidates:
            what = (
                "no case files (*.yaml, *.yml) in this folder"
                if path.is_dir()
                else ("no such file, folder or matching files")
            )
            yield Problem(Location(arg), what, "io")
            continue
        for candidate in candidates:
            key = candidate.absolute()
            if key in seen:
                continue
            seen.add(key)
            yield candidate


def shown(path: Path) -> str:
    return display_path(path)
