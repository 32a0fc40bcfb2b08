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


def expand(args: Iterable[str]) -> Iterator[Path | Problem]:
    """Case files in order, or a problem for an argument that names nothing."""
    seen: set[Path] = set()
    for arg in args:
        path = Path(arg)
        if path.is_file():
            candidates: Iterable[Path] = [path]
        elif path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        else:
            # glob.glob, not Path.glob: the pattern may be absolute
            matches = sorted(Path(m) for m in glob.glob(arg, recursive=True))  # noqa: PTH207
            if not matches:
                yield Problem(Location(arg), "no such file, folder or matching files", "io")
                continue
            candidates = [m for m in matches if m.is_file()]
        for candidate in candidates:
            key = candidate.resolve()
            if key in seen:
                continue
            seen.add(key)
            yield candidate


def shown(path: Path) -> str:
    return display_path(path)
