"""Command line: parse, call the library, pick a formatter, choose the exit code.

Exit codes: 0 clean; 1 a case reached the `--fail-on` band; 2 invalid input or usage.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from screening import __version__
from screening.errors import InputError, Location, Problem, display_path, summary_line
from screening.loading.rulepack import RulePack, load_rule_pack
from screening.models.common import BANDS
from screening.models.result import Result
from screening.report import markdown as markdown_report
from screening.report import text as text_report

EXIT_OK, EXIT_FAIL_ON, EXIT_INPUT = 0, 1, 2


def default_rules_dir() -> Path:
    """`$SCREENING_RULES`, else `./rules`, else the rule pack next to the installed package."""
    env = os.environ.get("SCREENING_RULES")
    if env:
        return Path(env)
    here = Path("rules")
    if (here / "scoring.yaml").is_file():
        return here
    return Path(__file__).resolve().parent.parent / "rules"


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="screening")
def cli() -> None:
    """Screen foreign investment proposals against YAML risk rules (matched on durable-rules)."""


@cli.command()
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))
@rules_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format.",
)
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
    text = _format(results, fmt)
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


def _format(results: list[Result], fmt: str) -> str:
    if fmt == "json":
        data: Any = [r.model_dump(mode="json") for r in results]
        return json.dumps(data[0] if len(data) == 1 else data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return "\n".join(markdown_report.render(r) for r in results)
    return ""


def _plain(results: list[Result]) -> str:
    with Path(os.devnull).open("w") as sink:
        console = Console(record=True, width=110, file=sink)
        for r in results:
            text_report.render(r, console)
        return console.export_text()


@cli.command()
@click.argument("what", type=click.Choice(["case", "rule", "result"]))
def schema(what: str) -> None:
    """Print the JSON Schema of a case file, a rule file or a result."""
    from screening.schemas import json_schema

    click.echo(json.dumps(json_schema(what), indent=2, ensure_ascii=False))


def main() -> None:
    """Entry point: never show a traceback to a user; report and exit 2 instead."""
    try:
        cli.main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None
    except Exception as exc:  # last resort: one line, never a traceback
        sys.stderr.write(f"screening: internal error: {type(exc).__name__}: {exc}\n")
        raise SystemExit(EXIT_INPUT) from None
