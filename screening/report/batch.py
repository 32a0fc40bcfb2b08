"""Terminal and Markdown views of a batch summary and of a backtest."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from screening.backtest import Backtest
from screening.batch.job import BatchSummary
from screening.models.common import BANDS
from screening.report.describe import drivers

TOP_RULES = 10


def render_summary(summary: BatchSummary, out: str, console: Console) -> None:
    """Counts, bands and top rules; errors are printed by the caller, one plain line each."""
    rate = summary.scored / summary.seconds if summary.seconds else 0.0
    skipped = f", {summary.skipped} skipped (already in {out})" if summary.skipped else ""
    errors = len(summary.errors)
    # files, like the other counts; the errors in them when a file had several
    detail = f" ({errors} error{'s' if errors != 1 else ''})" if errors != summary.failed else ""
    console.print(
        escape(
            f"{summary.scored} scored{skipped}, {summary.failed} failed{detail} "
            f"in {summary.seconds:.1f} s ({rate:.0f} cases/s); results in {out}"
        ),
        soft_wrap=True,
    )
    bands = Table(title="cases per band", title_justify="left")
    for band in BANDS:
        bands.add_column(band, justify="right")
    bands.add_row(*(str(summary.bands.get(b, 0)) for b in BANDS))
    console.print(bands)
    if summary.rules:
        top = Table(title="top rules (counted findings)", title_justify="left")
        top.add_column("rule")
        top.add_column("cases", justify="right")
        for rule, n in summary.rules.most_common(TOP_RULES):
            top.add_row(rule, str(n))
        console.print(top)


def guard_line(bt: Backtest) -> str:
    """Blocked or divestment-ordered cases scored low, and controls above medium."""
    controls = bt.controls
    above = len(bt.controls_above_medium)
    share = f" ({above / len(controls):.0%})" if controls else ""
    return (
        f"Blocked or divestment-ordered cases scored low: {len(bt.stopped_low)}; "
        f"controls above medium: {above} of {len(controls)}{share}"
    )


def backtest_markdown(bt: Backtest) -> str:
    lines = [
        f"Cases with an expected band: {len(bt.rows)}; agreement {bt.agreement:.0%}, "
        f"within one band {bt.within_one_band:.0%}"
        + (f"; without an expected band: {len(bt.unlabelled)}" if bt.unlabelled else "")
        + (f"; errors: {len(bt.errors)}" if bt.errors else ""),
        "",
        guard_line(bt),
        "",
        "| expected ↓ / actual → | " + " | ".join(BANDS) + " |",
        "|---|" + "---:|" * len(BANDS),
    ]
    for expected, row in bt.confusion().items():
        cells = [f"**{n}**" if e == expected and n else str(n) for e, n in row.items()]
        lines.append(f"| {expected} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Disagreements (largest first):",
        "",
        "| case | expected | actual | score | outcome | findings that drove it |",
        "|---|---|---|---:|---|---|",
    ]
    for r in bt.disagreements():
        res = r.result
        lines.append(
            f"| {res.case_id} | {res.expected_band} | {res.band} | {res.score:.1f} | "
            f"{res.outcome or ''} | {drivers(res)} |"
        )
    lines += ["", "Rule hits (cases fired / counted):", ""]
    lines.append(
        ", ".join(
            f"`{rule}` {n}/{bt.counted.get(rule, 0)}"
            for rule, n in sorted(bt.fired.items(), key=lambda x: (-x[1], x[0]))
        )
    )
    for p in bt.errors:
        lines.append(f"- error: {p}")
    return "\n".join(lines) + "\n"


def backtest_json(bt: Backtest) -> str:
    data: dict[str, Any] = {
        "cases": len(bt.rows),
        "agreement": round(bt.agreement, 4),
        "within_one_band": round(bt.within_one_band, 4),
        "stopped_scored_low": [r.case_id for r in bt.stopped_low],
        "controls": len(bt.controls),
        "controls_above_medium": [r.case_id for r in bt.controls_above_medium],
        "gate_failures": bt.gate_failures(),
        "confusion": bt.confusion(),
        "disagreements": [
            {
                "case_id": r.result.case_id,
                "path": r.result.case_path,
                "expected_band": r.result.expected_band,
                "band": r.result.band,
                "score": r.result.score,
                "outcome": r.result.outcome,
                "drivers": [
                    {"rule_id": f.rule_id, "contribution": f.contribution}
                    for f in r.result.findings
                    if f.counted
                ],
            }
            for r in bt.disagreements()
        ],
        "unlabelled": [r.case_id for r in bt.unlabelled],
        "rule_hits": {
            rule: {"fired": n, "counted": bt.counted.get(rule, 0)}
            for rule, n in sorted(bt.fired.items())
        },
        "errors": [str(p) for p in bt.errors],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_backtest(bt: Backtest, console: Console) -> None:
    """Agreement, confusion matrix, disagreements and rule hits (errors go to stderr)."""
    if not bt.rows:
        console.print("no case has an expected band: nothing to compare")
    console.print(
        f"{len(bt.rows)} cases with an expected band: agreement [bold]{bt.agreement:.0%}[/bold], "
        f"within one band {bt.within_one_band:.0%}"
        + (f"; {len(bt.unlabelled)} without an expected band" if bt.unlabelled else "")
    )
    matrix = Table(title="expected (rows) × actual (columns)", title_justify="left")
    matrix.add_column("expected")
    for band in BANDS:
        matrix.add_column(band, justify="right")
    for expected, row in bt.confusion().items():
        matrix.add_row(
            expected,
            *(f"[bold]{n}[/bold]" if e == expected and n else str(n) for e, n in row.items()),
        )
    console.print(guard_line(bt))
    console.print(matrix)
    dis = Table(title="disagreements", title_justify="left")
    for col in ("case", "expected", "actual", "score", "outcome"):
        dis.add_column(col, no_wrap=True)
    dis.add_column("findings that drove it")
    for r in bt.disagreements():
        res = r.result
        dis.add_row(
            res.case_id,
            str(res.expected_band),
            res.band,
            f"{res.score:.1f}",
            res.outcome or "",
            escape(drivers(res)),
        )
    console.print(dis)
    hits = Table(title="rule hits", title_justify="left")
    hits.add_column("rule")
    hits.add_column("fired", justify="right")
    hits.add_column("counted", justify="right")
    for rule, n in sorted(bt.fired.items(), key=lambda x: (-x[1], x[0])):
        hits.add_row(rule, str(n), str(bt.counted.get(rule, 0)))
    console.print(hits)
