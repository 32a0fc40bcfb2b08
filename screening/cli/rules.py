"""`screening rules …`: the linter, test runner and catalogue policy staff use on rule files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from screening.catalogue import render_catalogue
from screening.checks import check_rule_pack
from screening.checks.compiles import check_compiles
from screening.checks.text import check_phrases, check_references
from screening.cli.common import (
    EXIT_FAIL_ON,
    EXIT_INPUT,
    console,
    default_rules_dir,
    load_pack_or_exit,
    problem_line,
    report_problems,
)
from screening.compile.listing import compiled_json, compiled_lines
from screening.errors import Location, Problem, Severity, display_path, summary_line
from screening.loading.rulepack import RulePack
from screening.pipeline.engine import Matcher, compile_rules
from screening.pipeline.screen import Screener
from screening.testing import run_examples


@click.group()
def rules() -> None:
    """Check, test, list and document rule files."""


def _pack_root(path: Path) -> Path:
    """The rule directory a path belongs to (the nearest folder holding scoring.yaml)."""
    probe = path.resolve()
    for candidate in (probe, *probe.parents):
        if (candidate / "scoring.yaml").is_file():
            return candidate
    return path


@rules.command("compile")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="The rulesets as durable-rules JSON.")
def compile_command(rules_dir: Path | None, as_json: bool) -> None:
    """Print the durable-rules rulesets the active rules compile to.

    Each YAML rule becomes one engine rule per alternative of its condition (`any` expands);
    the pack is split into rulesets that each stay under the engine's limits, matched in turn
    with findings carried between them. The listing shows each pattern, the links and
    correlations of its joins, and the stratum marker of rules that test absence.
    """
    pack = load_pack_or_exit(rules_dir or default_rules_dir())
    compiled, _ = compile_rules(pack.active_rules)
    by_name = {c.name: c for c in compiled}
    matcher = Matcher(pack.active_rules)
    try:
        rulesets = [
            (f"ruleset{i + 1}", [by_name[n] for n in shard.names if n in by_name])
            for i, shard in enumerate(matcher.shards)
        ]
    finally:
        matcher.close()
    if as_json:
        click.echo(json.dumps(compiled_json(rulesets), indent=2, ensure_ascii=False))
        return
    for line in compiled_lines(rulesets):
        click.echo(line)


@rules.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--sources",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of source documents: check every quote verbatim (default: $SCREENING_SOURCES; "
    "without either, quotes are not checked and the last line says so).",
)
def validate(paths: tuple[Path, ...], strict: bool, sources: Path | None) -> None:
    """Check rule files: schema, vocabularies, references, cycles, templates, engine.

    PATHS are rule directories or files inside one (default: the rule pack). Every problem
    is reported, one line each: file:line:column: severity: rule-id: what is wrong.
    """
    sources = sources or (
        Path(os.environ["SCREENING_SOURCES"]) if os.environ.get("SCREENING_SOURCES") else None
    )
    targets = list(paths) or [default_rules_dir()]
    problems: list[Problem] = []
    checked: list[RulePack] = []
    for root in dict.fromkeys(_pack_root(p) for p in targets):
        pack, found = check_rule_pack(root)
        problems += found
        if pack is None:
            continue
        checked.append(pack)
        problems += check_phrases(pack)
        if sources is not None:
            problems += check_references(pack, sources)
        if not any(p.is_error for p in found):
            problems += check_compiles(pack)
    files = {display_path(p.resolve()) for p in targets if p.is_file()}
    if files:
        problems = [p for p in problems if p.location.path in files]
    if sources is not None and not sources.is_dir():
        problems.append(Problem(Location(str(sources)), "no such folder of source documents", "io"))
    for p in sorted(problems, key=lambda p: (p.location, p.message)):
        click.echo(problem_line(p))
    errors = [p for p in problems if p.severity is Severity.ERROR]
    n = sum(len(pack.rules) for pack in checked)
    last = summary_line(problems) if problems else f"ok: {n} rules checked, no problems"
    if sources is None:  # say what was not checked: "no problems" must not read as "verified"
        last += (
            "; quotes not checked against the source documents "
            "(give --sources FOLDER or set $SCREENING_SOURCES)"
        )
    click.echo(last)
    if errors or (strict and problems):
        raise SystemExit(EXIT_INPUT)


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rule", "rule_ids", multiple=True, help="Only these rules (repeatable).")
@click.option("-v", "--verbose", is_flag=True, help="List passing examples too.")
def test_command(paths: tuple[Path, ...], rule_ids: tuple[str, ...], verbose: bool) -> None:
    """Run every rule's examples on durable-rules and report like a test runner.

    Examples marked `known_gap` are counted apart and do not fail the run; one that passes
    is reported as fixed. Exit 1 when an example fails.
    """
    roots = list(dict.fromkeys(_pack_root(p) for p in paths)) or [default_rules_dir()]
    counts = {"pass": 0, "fail": 0, "error": 0, "gap": 0, "fixed": 0}
    for root in roots:
        pack = load_pack_or_exit(root)
        unknown = sorted(set(rule_ids) - {lr.rule.id for lr in pack.rules})
        if unknown:
            report_problems(
                [
                    Problem(Location(display_path(root)), f"unknown rule '{rid}'", "usage")
                    for rid in unknown
                ]
            )
            raise SystemExit(EXIT_INPUT)
        screener = Screener(pack)
        marks = {"pass": "✓", "fail": "✗", "error": "!", "gap": "~", "fixed": "+"}
        current = ""
        for r in run_examples(pack, screener, set(rule_ids) or None):
            counts[r.outcome] += 1
            lr = pack.rule(r.rule_id)
            if lr is not None and str(lr.path) != current and (verbose or r.outcome != "pass"):
                current = str(lr.path)
                click.echo(display_path(lr.path))
            if verbose or r.outcome != "pass":
                detail = "" if r.outcome == "pass" else f"\n      {r.detail}"
                if r.outcome == "fixed":
                    detail = "\n      passes now: remove `known_gap: true`"
                click.echo(f"  {marks[r.outcome]} {r.label}{detail}")
        screener.close()
        bare = [lr.rule.id for lr in pack.rules if not lr.rule.examples]
        if bare:
            click.echo(f"rules without examples: {', '.join(bare)}")
    if counts["gap"] or counts["fixed"]:
        click.echo(f"known gaps: {counts['gap']} still open, {counts['fixed']} fixed")
    failed = counts["fail"] + counts["error"]
    click.echo(f"{counts['pass'] + counts['fixed']} passed, {failed} failed")
    if failed:
        raise SystemExit(EXIT_FAIL_ON)


@rules.command("list")
@click.option(
    "--rules", "rules_dir", type=click.Path(path_type=Path), default=None, help="Rule directory."
)
def list_command(rules_dir: Path | None) -> None:
    """One line per rule: id, family, weight, status, examples, title."""
    pack = load_pack_or_exit(rules_dir)
    table = Table(box=None, pad_edge=False)
    for col in ("rule", "family", "weight", "status", "examples", "title"):
        table.add_column(col, justify="right" if col in ("weight", "examples") else "left")
    for lr in sorted(pack.rules, key=lambda x: (x.rule.family, -x.rule.weight, x.rule.id)):
        r = lr.rule
        table.add_row(
            r.id, r.family, f"{r.weight:+d}", r.status, str(len(r.examples)), escape(r.title)
        )
    console().print(table)


@rules.command()
@click.argument("rule_id")
@click.option(
    "--rules", "rules_dir", type=click.Path(path_type=Path), default=None, help="Rule directory."
)
@click.option(
    "--cases",
    "cases_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("cases"),
    show_default=True,
    help="Cases to show the rule's hits on.",
)
def show(rule_id: str, rules_dir: Path | None, cases_dir: Path) -> None:
    """A rule in full: rationale, sources with quotes, examples, and the cases it fires on."""
    from screening.batch.inputs import expand, shown
    from screening.batch.runner import screen_path

    pack = load_pack_or_exit(rules_dir)
    lr = pack.rule(rule_id)
    if lr is None:
        report_problems([Problem(Location(str(pack.root)), f"unknown rule '{rule_id}'", "usage")])
        raise SystemExit(EXIT_INPUT)
    r = lr.rule
    out = [
        f"{r.id}: {r.title}",
        f"  file:    {display_path(lr.path)}",
        f"  family:  {r.family}   weight: {r.weight:+d}   status: {r.status}",
        f"  tags:    {', '.join(r.tags) or '-'}",
        "",
        f"  {r.description.strip()}",
        "",
        f"  explanation: {r.explanation}",
        f"  do:      {r.recommendation.action}",
        f"  routes:  {', '.join(r.recommendation.routes) or 'none'}",
        "",
        "  sources:",
    ]
    out += [f'    {ref.document}: "{ref.quote}"' for ref in r.references]
    out += ["", "  examples:"]
    for ex in r.examples:
        what = ex.case if isinstance(ex.case, str) else "inline case"
        out.append(
            f"    {ex.expect:5} {what}"
            + (f"  ({ex.note})" if ex.note else "")
            + ("  [known gap]" if ex.known_gap else "")
        )
    fires: list[str] = []
    if cases_dir.is_dir():
        screener = Screener(pack)
        for item in expand([str(cases_dir)]):
            if isinstance(item, Path):
                outcome = screen_path(screener, shown(item))
                res = outcome.result
                if res is not None and any(f.rule_id == r.id for f in res.findings):
                    f = next(f for f in res.findings if f.rule_id == r.id)
                    fires.append(f"    {res.case_id} ({res.band}, {f.contribution:+.1f})")
        screener.close()
        out += ["", f"  fires on {len(fires)} case(s) in {display_path(cases_dir)}:", *fires]
    else:
        out += ["", f"  (no folder {display_path(cases_dir)}: give --cases to see where it fires)"]
    click.echo("\n".join(out))


@rules.command()
@click.option(
    "--rules", "rules_dir", type=click.Path(path_type=Path), default=None, help="Rule directory."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write to this file (default: standard output).",
)
@click.option("--check", is_flag=True, help="Exit 1 if --out differs from what would be written.")
def catalogue(rules_dir: Path | None, out: Path | None, check: bool) -> None:
    """Generate the rule catalogue (docs/rules.md) from the rule files."""
    text = render_catalogue(load_pack_or_exit(rules_dir))
    if out is None:
        click.echo(text, nl=False)
        return
    if check:
        current = out.read_text(encoding="utf-8") if out.is_file() else ""
        if current != text:
            click.echo(
                f"{display_path(out)} is stale: run `screening rules catalogue --out "
                f"{display_path(out)}`",
                err=True,
            )
            raise SystemExit(EXIT_FAIL_ON)
        return
    out.write_text(text, encoding="utf-8")
