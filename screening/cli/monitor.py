"""`screening monitor`: screen a results database's cases again and report what moved."""

from __future__ import annotations

from pathlib import Path

import click

from screening.cli.batch import jobs_option
from screening.cli.common import (
    EXIT_FAIL_ON,
    EXIT_INPUT,
    format_option,
    load_pack_or_exit,
    report_problems,
    rules_option,
)
from screening.cli.waivers import waiver_set
from screening.errors import InputError


@click.command("monitor")
@click.argument("database", type=click.Path(path_type=Path, dir_okay=False))
@rules_option
@jobs_option
@format_option()
@click.option(
    "--waivers",
    "waivers_file",
    type=click.Path(path_type=Path),
    default=None,
    help="A waivers file applied to the new screenings (as screen --waivers).",
)
@click.option(
    "--no-record",
    is_flag=True,
    help="Do not store the new screenings (the next run compares with the same ones).",
)
def monitor_command(
    database: Path,
    rules_dir: Path | None,
    jobs: int | None,
    fmt: str,
    waivers_file: Path | None,
    no_record: bool,
) -> None:
    """Screen the cases of a results DATABASE again and report every change.

    Each case file's last screening is compared with one now, with the current rules and
    registries: every case whose band or findings changed is listed with why (a rule
    added, changed or removed, a registry entry new or changed, the case file edited). The
    new screenings are stored as a run, so the next monitoring compares with them.
    Exit 1 when a band rose (for cron), 2 when a case file or the database cannot be read.
    """
    from screening.monitor import monitor
    from screening.monitor.render import render_json, render_markdown, render_text

    waivers = waiver_set(waivers_file)
    pack = load_pack_or_exit(rules_dir)
    try:
        result = monitor(database, pack, jobs=jobs or 1, waivers=waivers, record=not no_record)
    except InputError as exc:
        report_problems(exc.problems)
        raise SystemExit(EXIT_INPUT) from None
    render = {"json": render_json, "markdown": render_markdown}.get(fmt, render_text)
    click.echo(render(result), nl=False)
    if result.problems:
        report_problems(result.problems)
    if result.band_rose:
        raise SystemExit(EXIT_FAIL_ON)
    if result.problems:
        raise SystemExit(EXIT_INPUT)
