"""`screening calibrate`: rule lift and cross-validated weight proposals on a case folder."""

from __future__ import annotations

from pathlib import Path

import click

from screening.batch.inputs import expand
from screening.calibrate import Sample, lift, propose
from screening.cli.common import (
    EXIT_INPUT,
    format_option,
    load_pack_or_exit,
    report_problems,
    rules_option,
)
from screening.errors import InputError, Location, Problem
from screening.loading.case import load_case
from screening.pipeline.screen import Screener
from screening.report.calibrate import calibration_json, calibration_lines, calibration_markdown


@click.command("calibrate")
@click.argument("paths", nargs=-1, required=True)
@rules_option
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True)
@format_option()
def calibrate_command(paths: tuple[str, ...], rules_dir: Path | None, folds: int, fmt: str) -> None:
    """Show how each rule separates blocked deals from cleared ones, and propose weights.

    PATHS are case files, folders or globs; cases need an `expected_band`. Weights are
    fitted by coordinate descent and judged by cross-validation (fitted without the
    held-out cases). Nothing is edited: the proposals are for policy staff to weigh.
    """
    pack = load_pack_or_exit(rules_dir)
    screener = Screener(pack)
    samples: list[Sample] = []
    problems: list[Problem] = []
    try:
        for item in expand(paths):
            if isinstance(item, Problem):
                problems.append(item)
                continue
            try:
                case, _ = load_case(item, pack)
            except InputError as exc:
                problems += exc.problems
                continue
            if case.expected_band is None:
                continue
            drafts, sensitivity = screener.drafts(case)
            samples.append(
                Sample(
                    case_id=case.id,
                    expected=case.expected_band,
                    outcome=case.outcome.status if case.outcome else None,
                    control=case.control,
                    drafts=tuple(drafts),
                    sensitivity=sensitivity,
                )
            )
    finally:
        screener.close()
    if not samples:
        where = Location(", ".join(paths))
        report_problems([*problems, Problem(where, "no case with an expected band", "calibrate")])
        raise SystemExit(EXIT_INPUT)
    current = {lr.rule.id: float(lr.rule.weight) for lr in pack.rules}
    proposal = propose(samples, pack.scoring, current, folds)
    lifts = lift(samples)
    if fmt == "json":
        click.echo(calibration_json(proposal, lifts), nl=False)
    elif fmt == "markdown":
        click.echo(calibration_markdown(proposal, lifts), nl=False)
    else:
        for line in calibration_lines(proposal, lifts):
            click.echo(line)
    if problems:
        report_problems(problems)
        raise SystemExit(EXIT_INPUT)
