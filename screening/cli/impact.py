"""`screening impact`: how a rule edit changes the scores of real cases (for reviewing it)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import click

from screening.batch.inputs import expand, shown
from screening.cli.common import EXIT_INPUT, format_option, report_problems
from screening.errors import InputError, Problem
from screening.impact import compare, load_side
from screening.report import impact as impact_report


@click.command("impact")
@click.argument("paths", nargs=-1, required=True)
@click.option("--base", required=True, help="Old rules: a rule directory or a git revision.")
@click.option(
    "--head",
    default="rules",
    show_default=True,
    help="New rules: a rule directory or a git revision.",
)
@format_option()
@click.option("--all", "show_all", is_flag=True, help="List unchanged cases too.")
def impact_command(paths: tuple[str, ...], base: str, head: str, fmt: str, show_all: bool) -> None:
    """Screen PATHS (cases, folders, globs) with the base and the head rules; show the changes."""
    problems: list[Problem] = []
    files: list[str] = []
    for item in expand(paths):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            files.append(shown(item))
    with ExitStack() as stack:
        try:
            old = load_side(base, stack, Path.cwd())
            new = load_side(head, stack, Path.cwd())
        except InputError as exc:
            report_problems(exc.problems)
            raise SystemExit(EXIT_INPUT) from None
        impacts = compare(old, new, files)
    if problems:
        report_problems(problems)
    if fmt == "json":
        click.echo(impact_report.as_json(impacts, base, head), nl=False)
    elif fmt == "markdown":
        click.echo(impact_report.markdown(impacts, base, head, show_all), nl=False)
    else:
        click.echo(impact_report.text(impacts, base, head, show_all), nl=False)
    if problems or any(not i.complete for i in impacts):
        raise SystemExit(EXIT_INPUT)
