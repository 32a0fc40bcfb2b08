"""`screening impact`: how a rule edit changes the scores of real cases (for reviewing it)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import click

from screening.batch.inputs import expand, shown
from screening.batch.runner import default_jobs
from screening.cache import disabled as cache_disabled
from screening.cli.common import EXIT_INPUT, format_option, report_problems
from screening.errors import InputError, Problem
from screening.impact import compare, load_side
from screening.impact.store import default_path as signals_store
from screening.report import impact as impact_report

#: Cases per worker below which starting more workers (each compiling both packs) does not pay.
SMALL = 50


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
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: all cores; one for a few cases). Output order does not "
    "depend on it.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    default=False,
    help="Keep nothing between runs (also: SCREENING_NO_CACHE=1): every case's signals "
    "are extracted and its rules matched afresh. By default signals are kept in the cache "
    "folder by case and registry digest and each rule's outcome by the digest of its "
    "matching, so a weight change re-runs only scoring and a condition change only the "
    "edited rules' matching.",
)
def impact_command(
    paths: tuple[str, ...],
    base: str,
    head: str,
    fmt: str,
    show_all: bool,
    jobs: int | None,
    no_cache: bool,
) -> None:
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
        workers = min(jobs or default_jobs(), max(1, len(files) // SMALL))
        store = None if no_cache or cache_disabled() else signals_store()
        impacts = compare(old, new, files, workers, store)
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
