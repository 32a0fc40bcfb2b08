"""Cold start: `screening --help` and `screening screen` import only what they use, and the
command list `--help` shows without importing the commands is theirs."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import click

from screening.cli import LAZY_COMMANDS

ROOT = Path(__file__).resolve().parent.parent.parent
CASE = ROOT / "cases" / "ashdod-southern-port-pmec.yaml"

#: Never imported by `screen CASE` (batch, dossiers, intake, rule tooling, test tools).
NOT_FOR_SCREEN = (
    "screening.batch",
    "screening.backtest",
    "screening.calibrate",
    "screening.cli.batch",
    "screening.cli.rules",
    "screening.checks",
    "screening.intake",
    "screening.report.html",
    "screening.testing",
    "jinja2",
    "rich.progress",
    "hypothesis",
    "pypdf",
    "docx",
)


def _modules_after(*args: str) -> set[str]:
    """The modules a fresh interpreter holds after running `screening ARGS`."""
    code = (
        "import sys, json\n"
        "from screening.cli import main\n"
        f"sys.argv = ['screening', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('\\nMODULES ' + json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stderr.rsplit("MODULES ", 1)[1]))


def _loaded(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


def test_help_imports_no_command() -> None:
    modules = _modules_after("--help")
    heavy = ("screening.cli.screen", "screening.pipeline", "screening.models", "rich", "pydantic")
    assert _loaded(modules, NOT_FOR_SCREEN + heavy) == []


def test_screen_imports_only_what_it_uses() -> None:
    modules = _modules_after("screen", str(CASE), "--format", "json", "--no-cache")
    assert "screening.pipeline.screen" in modules
    # --no-cache loads the pack through the checks (and the example runner they import);
    # `rules` and `batch` stay out all the same
    checks = ("screening.checks", "screening.testing")
    assert _loaded(modules, tuple(m for m in NOT_FOR_SCREEN if m not in checks)) == []
    assert _loaded(modules, ("rich",)) == []  # JSON output: no console


def test_screen_with_a_warm_cache_skips_the_checks() -> None:
    _modules_after("screen", str(CASE), "--format", "json")  # writes the entry
    modules = _modules_after("screen", str(CASE), "--format", "json")
    assert _loaded(modules, NOT_FOR_SCREEN) == []
    assert _loaded(modules, ("pycountry",)) == []  # the case names no currency


def test_the_command_list_is_the_commands_own() -> None:
    for name, (module, attribute, line) in LAZY_COMMANDS.items():
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        assert command.get_short_help_str(1000) == line, name
        assert not command.hidden


def _help(preload: bool) -> str:
    code = (
        "import sys\n"
        "import click\n"
        "from screening.cli import LAZY_COMMANDS, cli, main\n"
        "sys.argv = ['screening', '--help']\n"
        f"if {preload}:\n"
        "    ctx = click.Context(cli)\n"
        "    assert all(cli.get_command(ctx, name) for name in LAZY_COMMANDS)\n"
        "    assert all(name in cli.commands for name in LAZY_COMMANDS)\n"
        "main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
    ).stdout


def test_help_is_the_same_before_and_after_loading_the_commands() -> None:
    fresh = _help(preload=False)
    assert "screen     Screen one or more case files" in fresh
    assert fresh == _help(preload=True)
