"""What every command shares: the rules option, problem printing, exit codes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from screening.checks import load_rule_pack
from screening.errors import InputError, Problem, summary_line
from screening.loading.rulepack import RulePack

FC = TypeVar("FC", bound=Callable[..., object])

EXIT_OK, EXIT_FAIL_ON, EXIT_INPUT = 0, 1, 2


def default_rules_dir() -> Path:
    """`$SCREENING_RULES`, else `./rules`, else the rule pack installed with the package."""
    env = os.environ.get("SCREENING_RULES")
    if env:
        return Path(env)
    here = Path("rules")
    if (here / "scoring.yaml").is_file():
        return here
    package = Path(__file__).resolve().parent.parent
    installed = package / "bundled_rules"  # a wheel ships the pack inside the package
    if (installed / "scoring.yaml").is_file():
        return installed
    return package.parent / "rules"  # a source checkout (editable install)


rules_option = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Rule directory (default: $SCREENING_RULES, ./rules, or the bundled pack).",
)


def report_problems(problems: list[Problem]) -> None:
    for p in sorted(problems, key=lambda p: (p.location, p.message)):
        click.echo(str(p), err=True)
    if len(problems) > 1:
        click.echo(summary_line(problems), err=True)


def load_pack_or_exit(rules_dir: Path | None) -> RulePack:
    try:
        return load_rule_pack(rules_dir or default_rules_dir())
    except InputError as exc:
        report_problems(exc.problems)
        raise SystemExit(EXIT_INPUT) from None


def format_option(*extra: str) -> Callable[[FC], FC]:
    """--format text|json|markdown, plus any formats a command adds (screen: html)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json", "markdown", *extra]),
        default="text",
        show_default=True,
        help="Output format.",
    )
