"""`screening screen`: screen case files and explain every finding."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from screening.cli.common import (
    EXIT_FAIL_ON,
    EXIT_INPUT,
    format_option,
    load_pack_or_exit,
    report_problems,
    rules_option,
)
from screening.errors import InputError, Location, Problem, display_path
from screening.models.common import BANDS
from screening.models.result import Result
from screening.report import markdown as markdown_report
from screening.report import text as text_report


@click.command()
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))
@rules_option
@format_option
@click.option(
    "--fail-on",
    type=click.Choice(BANDS),
    default=None,
    help="Exit 1 when a case's band is at or above this band (for scripted gates).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the report to this file instead of standard output.",
)
def screen(
    cases: tuple[Path, ...], rules_dir: Path | None, fmt: str, fail_on: str | None, out: Path | None
) -> None:
    """Screen one or more case files and explain every finding.

    A case that cannot be read is reported on standard error (file:line:column: what is
    wrong) and the others are still screened; the exit code is then 2.
    """
    from screening.screen import Screener

    pack = load_pack_or_exit(rules_dir)
    screener = Screener(pack)
    results: list[Result] = []
    failed = False
    for path in cases:
        try:
            results.append(screener.screen_file(path, display_path(path)))
        except InputError as exc:
            report_problems(exc.problems)
            failed = True
    text = _format(results, fmt, single=len(cases) == 1)
    if out is not None:
        try:
            out.write_text(text if fmt != "text" else _plain(results), encoding="utf-8")
        except OSError as exc:
            report_problems(
                [Problem(Location(display_path(out)), f"cannot write: {exc.strerror}", "io")]
            )
            raise SystemExit(EXIT_INPUT) from None
    elif fmt == "text":
        console = Console(highlight=False, soft_wrap=False)
        for r in results:
            text_report.render(r, console)
    else:
        click.echo(text, nl=False)
    if failed:
        raise SystemExit(EXIT_INPUT)
    if fail_on and any(BANDS.index(r.band) >= BANDS.index(fail_on) for r in results):
        raise SystemExit(EXIT_FAIL_ON)


def _format(results: list[Result], fmt: str, single: bool) -> str:
    """JSON is one object for one case path, else a list (whatever failed)."""
    if fmt == "json":
        data: Any = [r.model_dump(mode="json") for r in results]
        if single:
            data = data[0] if data else None
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return "\n".join(markdown_report.render(r) for r in results)
    return ""


def _plain(results: list[Result]) -> str:
    with Path(os.devnull).open("w") as sink:
        console = Console(record=True, width=110, file=sink)
        for r in results:
            text_report.render(r, console)
        return console.export_text()
