"""Packaging metadata: the installed `screening` command finds its code, rules and cases.

The package data is listed by glob in pyproject.toml (`include-package-data = false`, so
setuptools neither guesses nor warns about the rule folders): these tests fail when a new
module folder, rule folder or template would be left out of a wheel.
"""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

from tests.conftest import ROOT

CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = CONFIG["tool"]["setuptools"]


def _folder(package: str) -> Path:
    """Where a package's files are in the source tree (through `package-dir`)."""
    mapping: dict[str, str] = SETUPTOOLS.get("package-dir", {})
    for name, folder in mapping.items():
        if package == name or package.startswith(name + "."):
            rest = package[len(name) :].lstrip(".").split(".") if package != name else []
            return ROOT / folder / Path(*rest)
    return ROOT / Path(*package.split("."))


def _shipped(path: Path) -> bool:
    """Some package's `package-data` glob matches the file (a glob may reach into folders)."""
    globs: dict[str, list[str]] = SETUPTOOLS["package-data"]
    for package, patterns in globs.items():
        base = _folder(package)
        if base not in path.parents:
            continue
        relative = path.relative_to(base).as_posix()
        depth = relative.count("/")
        if any(fnmatch(relative, p) and p.count("/") == depth for p in patterns):
            return True
    return False


def test_license_is_an_spdx_expression_and_data_is_explicit() -> None:
    assert isinstance(CONFIG["project"]["license"], str)
    assert SETUPTOOLS["include-package-data"] is False


def test_every_module_folder_is_a_listed_package() -> None:
    listed = set(SETUPTOOLS["packages"])
    folders = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "screening").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert sorted(folders - listed) == []


def test_rules_cases_and_templates_are_package_data() -> None:
    files = [
        *(p for p in (ROOT / "rules").rglob("*") if p.suffix in (".yaml", ".md")),
        *(ROOT / "cases").glob("*.yaml"),  # cases/dev/ is the development corpus: not shipped
        *(ROOT / "screening" / "report" / "templates").glob("*.j2"),
        ROOT / "screening" / "py.typed",
    ]
    assert len(files) > 50
    assert [str(p.relative_to(ROOT)) for p in files if not _shipped(p)] == []
