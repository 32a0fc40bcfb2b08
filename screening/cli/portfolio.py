"""`screening portfolio`: the results database as a graph and a map of ties and agreements."""

from __future__ import annotations

import json
from pathlib import Path

import click

from screening.cli.common import (
    EXIT_INPUT,
    format_option,
    load_pack_or_exit,
    report_problems,
    rules_option,
)
from screening.errors import InputError, write_failure

_PERIOD = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def _period(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    import re

    if value is not None and not re.match(_PERIOD, value):
        raise click.BadParameter(f"got '{value}'; expected YYYY, YYYY-MM or YYYY-MM-DD")
    return value


@click.command("portfolio")
@click.argument("database", type=click.Path(path_type=Path, dir_okay=False))
@rules_option
@format_option()
@click.option("--municipality", default=None, help="Only cases with a local authority so named.")
@click.option(
    "--foreign-body",
    default=None,
    help="Only cases with a foreign party (or its registry group) so named.",
)
@click.option("--since", default=None, callback=_period, help="Cases dated from (YYYY[-MM[-DD]]).")
@click.option("--until", default=None, callback=_period, help="Cases dated up to (inclusive).")
@click.option(
    "--graph",
    "graph_out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the graph of ties as a self-contained SVG file.",
)
@click.option(
    "--map",
    "map_out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the map of sites and facilities as a self-contained SVG file.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the report (text, JSON nodes and edges, or Markdown) here.",
)
def portfolio_command(
    database: Path,
    rules_dir: Path | None,
    fmt: str,
    municipality: str | None,
    foreign_body: str | None,
    since: str | None,
    until: str | None,
    graph_out: Path | None,
    map_out: Path | None,
    out: Path | None,
) -> None:
    """Show the cases of a results DATABASE as a map of ties and agreements.

    Every case's parties, sites and links (local authority and foreign body, company and
    site, party and its group by registry ownership), with portfolio findings: one foreign
    group in several cases in one municipality or around one strategic facility. JSON gives
    the nodes and edges; --graph and --map write SVG pictures. Case files are read again
    from the paths the database holds; one that cannot be read is reported (exit 2).
    """
    from screening.portfolio import Filters, graph_svg, map_svg, portfolio
    from screening.portfolio.render import render_markdown, render_text

    pack = load_pack_or_exit(rules_dir)
    filters = Filters(municipality, foreign_body, since, until)
    try:
        p = portfolio(database, pack, filters)
    except InputError as exc:
        report_problems(exc.problems)
        raise SystemExit(EXIT_INPUT) from None
    if fmt == "json":
        text = json.dumps(p.as_json(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_markdown(p) if fmt == "markdown" else render_text(p)
    for path, content in ((graph_out, graph_svg), (map_out, map_svg), (out, None)):
        if path is None:
            continue
        try:
            path.write_text(content(p) if content else text, encoding="utf-8")
        except OSError as exc:
            report_problems(write_failure(path, "the portfolio", exc).problems)
            raise SystemExit(EXIT_INPUT) from None
    if out is None:
        click.echo(text, nl=False)
    if p.problems:
        for line in p.problems:
            click.echo(line, err=True)
        raise SystemExit(EXIT_INPUT)
