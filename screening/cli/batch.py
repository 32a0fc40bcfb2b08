"""`screening batch` and `screening backtest`: many cases at once, on all cores."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from screening.backtest import Backtest
from screening.batch.inputs import expand, shown
from screening.batch.job import run_batch
from screening.batch.runner import ClusterOptions, Outcome, default_jobs, run
from screening.cli.common import (
    EXIT_FAIL_ON,
    EXIT_INPUT,
    console,
    format_option,
    load_pack_or_exit,
    report_problems,
    rules_option,
)
from screening.cli.waivers import waiver_set
from screening.errors import InputError, Problem
from screening.report.batch import backtest_json, backtest_markdown, render_backtest, render_summary

jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: all cores). Output order does not depend on it.",
)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@rules_option
@jobs_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("screening-results.sqlite"),
    show_default=True,
    help="Results file: .sqlite/.sqlite3/.db (resumable database), .jsonl or .csv.",
)
@click.option(
    "--report",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write an HTML overview here, with each case's dossier in a folder beside it.",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local: a process pool on this machine. dask: a Dask distributed cluster "
    "(needs the 'cluster' extra): the one at --scheduler, or without it a local cluster "
    "of --jobs worker processes started for this run. Same results and order either way.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="With --executor dask: the Dask scheduler, e.g. tcp://10.0.0.5:8786. Its workers "
    "need the screening package and the case files at the same absolute paths; the rules "
    "are sent from here. --jobs is then ignored.",
)
@click.option(
    "--waivers",
    "waivers_file",
    type=click.Path(path_type=Path),
    default=None,
    help="A waivers file (YAML): matching findings are recorded as waived and do not count.",
)
def batch(
    paths: tuple[str, ...],
    rules_dir: Path | None,
    jobs: int | None,
    out: Path,
    report: Path | None,
    executor: str,
    scheduler: str | None,
    waivers_file: Path | None,
) -> None:
    """Score case files, folders and globs into a results file.

    A file that cannot be screened is recorded as an error with its file:line reason and the
    batch goes on; the exit code is then 2. Run again into the same SQLite file to resume:
    cases already scored with the same rules and the same case file are skipped.
    """
    if scheduler is not None and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask")
    waivers = waiver_set(waivers_file)  # a bad file stops the batch before any work
    pack = load_pack_or_exit(rules_dir)
    cluster = (
        ClusterOptions(scheduler=scheduler, workers=jobs or default_jobs())
        if executor == "dask"
        else None
    )
    err = console(stderr=True)
    show_bar = sys.stderr.isatty()
    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not show_bar,
    )
    task = progress.add_task("screening", total=None)

    def tick(_: Outcome | None) -> None:
        progress.advance(task)

    try:
        with progress:
            summary = run_batch(
                list(paths),
                pack,
                jobs or default_jobs(),
                out,
                tick=tick,
                on_total=lambda n: progress.update(task, total=n),
                report=report,
                cluster=cluster,
                waivers=waivers,
            )
    except InputError as exc:
        report_problems(exc.problems)
        raise SystemExit(EXIT_INPUT) from None
    except KeyboardInterrupt:
        err.print(
            f"interrupted: cases scored so far are kept in {shown(out)}; "
            "run the same command again to resume"
        )
        raise SystemExit(130) from None
    render_summary(summary, shown(out), console())
    if summary.errors:
        report_problems(summary.errors)
        raise SystemExit(EXIT_INPUT)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@rules_option
@jobs_option
@format_option()
@click.option(
    "--gate",
    is_flag=True,
    help="Exit 1 when within-one-band agreement is under 90%, a blocked or "
    "divestment-ordered case scores low, or more than 10% of controls score above medium.",
)
def backtest(
    paths: tuple[str, ...], rules_dir: Path | None, jobs: int | None, fmt: str, gate: bool
) -> None:
    """Compare each case's band with the band its author expects (`expected_band`).

    Prints a confusion matrix, the cases that disagree with the findings that drove them,
    how often each rule fired, blocked cases scored low and controls scored above medium.
    """
    pack = load_pack_or_exit(rules_dir)
    bt = Backtest()
    files: list[str] = []
    for item in expand(paths):
        if isinstance(item, Problem):
            bt.errors.append(item)
        else:
            files.append(shown(item))
    for outcome in run(files, pack, jobs or default_jobs()):
        bt.add(outcome)
    if fmt == "json":
        click.echo(backtest_json(bt), nl=False)
    elif fmt == "markdown":
        click.echo(backtest_markdown(bt), nl=False)
    else:
        render_backtest(bt, console())
    if bt.errors:
        report_problems(bt.errors)
        raise SystemExit(EXIT_INPUT)
    failures = bt.gate_failures() if gate else []
    for line in failures:
        click.echo(f"gate failed: {line}", err=True)
    if failures:
        raise SystemExit(EXIT_FAIL_ON)
