"""`screening screen`: screen case files and explain every finding."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from screening.cli.common import (
    EXIT_FAIL_ON,
    EXIT_INPUT,
    console,
    format_option,
    load_screener_or_exit,
    no_cache_option,
    plain_console,
    report_problems,
    rules_option,
    unwrapped_stdout,
)
from screening.cli.waivers import load_waivers_or_exit, waive
from screening.errors import InputError, Location, Problem, display_path, write_failure
from screening.models.common import BANDS

if TYPE_CHECKING:
    from screening.loading.rulepack import RulePack
    from screening.models.case import Case
    from screening.models.result import Result


@click.command()
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))
@rules_option
@format_option("html")
@click.option(
    "--fail-on",
    type=click.Choice(BANDS),
    default=None,
    help="Exit 1 when a case's band is at or above this band (for scripted gates).",
)
@click.option(
    "--out",
    "out_text",
    type=click.Path(),
    default=None,
    help="Write the report to this file instead of standard output (html: a file, or a folder "
    "for one page per case).",
)
@no_cache_option
@click.option(
    "--waivers",
    "waivers_file",
    type=click.Path(path_type=Path),
    default=None,
    help="A waivers file (YAML): matching findings are shown as waived and do not count.",
)
def screen(
    cases: tuple[Path, ...],
    rules_dir: Path | None,
    fmt: str,
    fail_on: str | None,
    out_text: str | None,
    no_cache: bool,
    waivers_file: Path | None,
) -> None:
    """Screen one or more case files (or proposal documents) and explain every finding.

    A PDF, Word, HTML, Markdown or text file is first turned into a draft case by intake
    (`screening intake`); the report says that it screened an unreviewed draft and lists
    what intake could not resolve.

    A case that cannot be read is reported on standard error (file:line:column: what is
    wrong) and the others are still screened; the exit code is then 2. Standard output holds
    only results: with one case that cannot be read, it stays empty (no JSON `null`); with
    several, `--format json` lists the cases that were screened.
    """
    waivers = load_waivers_or_exit(waivers_file)
    screener = load_screener_or_exit(rules_dir, use_cache=not no_cache)
    pack = screener.pack
    out = Path(out_text) if out_text else None
    # a folder: one that exists, or a name written with a trailing slash
    folder = out is not None and (out.is_dir() or (out_text or "").endswith(("/", "\\")))
    if fmt == "html" and len(cases) > 1 and (out is None or not folder):
        report_problems(
            [
                Problem(
                    Location(str(out or "-")),
                    "--format html writes one page per "
                    "case: with several cases, give --out an existing folder",
                    "usage",
                )
            ]
        )
        raise SystemExit(EXIT_INPUT)
    screened: list[tuple[Case, Result]] = []
    failed = False
    for path in cases:
        try:
            if path.suffix.lower() in DOCUMENT_SUFFIXES:
                screened.append(_screen_document(screener, pack, path))
            else:
                screened.append(screener.screen_case_file(path, display_path(path)))
        except InputError as exc:
            report_problems(exc.problems)
            failed = True
    if waivers_file is not None:
        screened = [(case, waive(r, waivers, pack)) for case, r in screened]
    results = [r for _, r in screened]
    if fmt == "html":
        _write_html(screened, pack, out, folder)
    elif out is not None:
        text = _format(results, fmt, single=len(cases) == 1)
        if text is not None:
            _write(out, text if fmt != "text" else _plain(results))
    elif fmt == "text":
        _print_text(results)
    else:
        text = _format(results, fmt, single=len(cases) == 1)
        if text is not None:
            click.echo(text, nl=False)
    if failed:
        raise SystemExit(EXIT_INPUT)
    if fail_on and any(BANDS.index(r.band) >= BANDS.index(fail_on) for r in results):
        raise SystemExit(EXIT_FAIL_ON)


#: Files screened through intake: a proposal document becomes a draft case first.
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".docm", ".doc", ".html", ".htm", ".xhtml", ".md", ".txt")


def _screen_document(screener: Any, pack: RulePack, path: Path) -> tuple[Case, Result]:
    """Draft a case from the document and screen it; the result says it is an unreviewed
    draft and lists what intake could not resolve."""
    import hashlib

    from screening.intake import draft_from_document

    shown = display_path(path)
    draft = draft_from_document(path, pack)
    digest = hashlib.sha256(draft.yaml.encode("utf-8")).hexdigest()
    result: Result = screener.screen(draft.case, case_digest=digest, case_path=shown)
    pages = draft.document.pages
    banner = (
        f"screened a draft case drawn up automatically from {shown} ({pages} "
        f"page{'s' if pages != 1 else ''}), not reviewed: check it with `screening intake "
        f"{shown} -o case.yaml` and screen the edited file"
    )
    result.notices = [banner, *(f"intake: {n}" for n in draft.notes), *result.notices]
    return draft.case, result


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        report_problems(write_failure(path, "the report", exc).problems)
        raise SystemExit(EXIT_INPUT) from None


def _write_html(
    screened: list[tuple[Case, Result]], pack: RulePack, out: Path | None, folder: bool
) -> None:
    """One self-contained page per case: to --out, into --out if a folder, else to stdout."""
    from screening.report.html import render_dossier

    if folder and out is not None:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            report_problems(
                [
                    Problem(
                        Location(display_path(out)),
                        f"cannot create the folder: {exc.strerror}",
                        "io",
                    )
                ]
            )
            raise SystemExit(EXIT_INPUT) from None
    used: set[str] = set()
    for case, result in screened:
        page = render_dossier(result, case, pack)
        if out is None:
            click.echo(page, nl=False)
        elif folder:
            name, n = f"{case.id}.html", 1
            while name in used:  # two files with one case id: keep both pages
                n += 1
                name = f"{case.id}-{n}.html"
            used.add(name)
            _write(out / name, page)
        else:
            _write(out, page)


def _format(results: list[Result], fmt: str, single: bool) -> str | None:
    """JSON is one object for one case path, else a list of the cases screened; None (write
    nothing) when the one case path failed: its errors are on standard error."""
    if single and not results:
        return None
    if fmt == "json":
        data: Any = [r.model_dump(mode="json") for r in results]
        if single:
            data = data[0]
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        from screening.report import markdown as markdown_report

        return "\n".join(markdown_report.render(r) for r in results)
    return ""


def _print_text(results: list[Result]) -> None:
    """The text report of each result on standard output: written directly when rich would
    write it unwrapped and without colours (`report.unwrapped`, the same bytes), else, or
    when that declines a result, through rich."""
    from screening.report import unwrapped

    terminal = None
    for r in results:
        text = unwrapped.render(r) if unwrapped_stdout() else None
        if text is not None:
            sys.stdout.write(text)
            sys.stdout.flush()
            continue
        from screening.report import text as text_report

        terminal = terminal or console()
        text_report.render(r, terminal)


def _plain(results: list[Result]) -> str:
    from screening.report import text as text_report

    with Path(os.devnull).open("w") as sink:
        recorder = plain_console(sink)
        for r in results:
            text_report.render(r, recorder)
        return "".join(line.rstrip(" ") + "\n" for line in recorder.export_text().splitlines())
