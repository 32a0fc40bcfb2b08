"""`screening serve` refuses what it must before it starts: one line, exit 2."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

from click.testing import CliRunner

from screening.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def test_a_non_local_bind_without_a_token_does_not_start(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite"
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--db", str(db)], env={})
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == [
        "--host: error: binding to 0.0.0.0 needs --token: anyone who can reach that address "
        "could act as the reviewer (or bind to 127.0.0.1) [usage]"
    ]
    assert not db.exists()  # refused before anything was opened


def test_a_file_that_is_not_a_results_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "notes.sqlite"
    db.write_text("not a database\n" * 100, encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--db", str(db), "--port", "1"])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"{db}: error: not a results database") and line.endswith("[io]")


def test_the_templates_and_stylesheet_are_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    assert "screening.workbench" in setuptools["packages"]
    globs = setuptools["package-data"]["screening"]
    package = ROOT / "screening"
    files = [
        p.relative_to(package).as_posix()
        for folder in ("templates", "static")
        for p in (package / "workbench" / folder).iterdir()
    ]
    assert len(files) > 5
    assert [f for f in files if not any(fnmatch(f, g) for g in globs)] == []
