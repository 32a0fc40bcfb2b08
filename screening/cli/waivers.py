"""`screening waivers` and the `--waivers` option of screen and batch.

The library (`screening.waivers`) is imported when a waivers file is given, so commands
without one start as fast as before.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from screening.cli.common import EXIT_INPUT, load_pack_or_exit, report_problems, rules_option
from screening.errors import InputError

if TYPE_CHECKING:
    from screening.loading.rulepack import RulePack
    from screening.models.result import Result
    from screening.waivers import Waiver, WaiverSet


def load_waivers_or_exit(path: Path | None) -> list[Waiver]:
    """The waivers of `path` (none without it); a bad file exits 2 with located errors."""
    if path is None:
        return []
    from screening.waivers import load_waivers

    try:
        return load_waivers(path)
    except InputError as exc:
        report_problems(exc.problems)
        raise SystemExit(EXIT_INPUT) from None


def waiver_set(path: Path | None) -> WaiverSet | None:
    """The waivers of `path` judged on today's date, for the workers of a batch."""
    if path is None:
        return None
    from screening.waivers import WaiverSet

    return WaiverSet(tuple(load_waivers_or_exit(path)), today())


def today() -> dt.date:
    """The day waivers are judged on: UTC, like the results' timestamps."""
    return dt.datetime.now(dt.UTC).date()


def waive(result: Result, waivers: list[Waiver], pack: RulePack) -> Result:
    from screening.waivers import apply_waivers

    return apply_waivers(result, waivers, pack=pack, today=today())


@click.group()
def waivers() -> None:
    """Digest a rule for a new waiver; check a waivers file against the rules."""


@waivers.command("digest")
@click.argument("rule_ids", nargs=-1, required=True)
@rules_option
def digest_command(rule_ids: tuple[str, ...], rules_dir: Path | None) -> None:
    """Print the rule_digest a new waiver of each RULE-ID records."""
    from screening.waivers import rule_digest

    pack = load_pack_or_exit(rules_dir)
    missing = [r for r in rule_ids if pack.rule(r) is None]
    for rule_id in missing:
        click.echo(f"{rule_id}: error: no such rule in {pack.root} [usage]", err=True)
    if missing:
        raise SystemExit(EXIT_INPUT)
    for rule_id in rule_ids:
        click.echo(f"{rule_id}\t{rule_digest(pack, rule_id)}")


@waivers.command("check")
@click.argument("file", type=click.Path(path_type=Path))
@rules_option
def check_command(file: Path, rules_dir: Path | None) -> None:
    """List each waiver of FILE that no longer applies (expired, rule changed or removed).

    Exit 1 when one does not apply, 2 when the file is invalid.
    """
    from screening.waivers import lapsed

    items = load_waivers_or_exit(file)
    pack = load_pack_or_exit(rules_dir)
    stale = 0
    for i, w in enumerate(items):
        note = lapsed(w, pack, today())
        subject = f"case {w.case_id}" if w.scope == "case" else f"party {w.party}"
        status = "applies" if note is None else f"{note.reason}: {note.message}"
        stale += note is not None
        click.echo(f"waivers[{i}] {w.rule_id} ({subject}): {status}")
    click.echo(f"{len(items)} waivers, {stale} no longer apply")
    if stale:
        raise SystemExit(1)
