"""`screening explain CASE RULE-ID`: why a rule did or did not fire on a case."""

from __future__ import annotations

from pathlib import Path

import click

from screening.cli.common import EXIT_INPUT, load_pack_or_exit, report_problems, rules_option
from screening.errors import InputError, Location, Problem, display_path
from screening.explain import explain
from screening.loading.case import load_case
from screening.pipeline.screen import Screener


@click.command("explain")
@click.argument("case_path", metavar="CASE", type=click.Path(path_type=Path))
@click.argument("rule_id")
@rules_option
def explain_command(case_path: Path, rule_id: str, rules_dir: Path | None) -> None:
    """Show each condition of RULE-ID on CASE: the facts it matched, or what the case had."""
    pack = load_pack_or_exit(rules_dir)
    if pack.rule(rule_id) is None:
        report_problems([Problem(Location(str(pack.root)), f"unknown rule '{rule_id}'", "usage")])
        raise SystemExit(EXIT_INPUT)
    try:
        case, digest = load_case(case_path, pack)
    except InputError as exc:
        report_problems(exc.problems)
        raise SystemExit(EXIT_INPUT) from None
    screener = Screener(pack)
    result = screener.screen(case, case_digest=digest, case_path=display_path(case_path))
    for line in explain(screener, case, rule_id, result).lines():
        click.echo(line)
    screener.close()
