"""Terminal report (rich): score and band first, then each finding explained."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape as _escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from screening.models.result import Result
from screening.report.describe import (
    describe,
    incomplete_note,
    plain,
    route_line,
    signed,
    timestamp,
)
from screening.report.waivers import note_line, waived_line


def escape(text: str) -> str:
    """Case text for the terminal: no markup and no control characters."""
    return _escape(plain(text))


BAND_STYLE = {"low": "green", "medium": "yellow", "high": "dark_orange", "critical": "bold red"}


def render(result: Result, console: Console) -> None:
    style = BAND_STYLE[result.band]
    b = result.bands
    head = Text.assemble((f"{result.score:.1f}", "bold"), " / 100   ", (result.band.upper(), style))
    incomplete = incomplete_note(result)
    if incomplete:  # a low score must not read as "cleared" when something went unmeasured
        head.append(", INCOMPLETE", "bold yellow")
        head.append(f" ({plain(incomplete)})", "yellow")
    head.append(f"   (medium ≥ {b.medium:g}, high ≥ {b.high:g}, critical ≥ {b.critical:g})")
    if result.risk_before_mitigation != result.score:
        head.append(f"   risk before mitigation {result.risk_before_mitigation:.1f}")
    title = f"{escape(result.case_title)} [dim]({escape(result.case_id)})[/dim]"
    console.print(
        Panel(
            head,
            title=title,
            subtitle=escape(result.case_path or ""),
            border_style=style,
            expand=False,
        )
    )
    for advice in result.recommendations:
        console.print(f"[bold]advice:[/bold] {escape(advice)}")
    for notice in result.notices:
        console.print(f"[yellow]notice:[/yellow] {escape(notice)}")
    if not result.findings:
        console.print("No rule fired." if not result.waived else "Every finding was waived.")
    for i, f in enumerate(result.findings, 1):
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim", no_wrap=True)
        table.add_column()
        for line in f.explanations:
            table.add_row("what", escape(line))
        for ev in f.evidence:
            table.add_row("evidence", escape(describe(ev)))
        for c in f.caveats:
            table.add_row("caveat", f"[yellow]{escape(c)}[/yellow]")
        for ref in f.references:
            table.add_row("why", f'"{escape(ref.quote)}" [dim]({escape(ref.document)})[/dim]')
        table.add_row("do", escape(f.recommendation.action))
        for r in f.routes:
            table.add_row("route", escape(route_line(r)))
        if f.recommendation.note:
            table.add_row("route", escape(f.recommendation.note))
        if f.note:
            table.add_row("note", escape(f.note))
        contribution = signed(f.contribution) if f.counted else "  0.0"
        color = "red" if f.contribution > 0 else ("green" if f.contribution < 0 else "dim")
        header = Text.assemble(
            (f"{i:>2}. ", "bold"),
            (f"{contribution:>6}", color),
            "  ",
            (f.rule_id, "bold"),
            f"  {f.title}",
            (f"  [{f.family}, weight {f.weight:+d}]", "dim"),
        )
        console.print(Group(header, table))
    for w in result.waived:  # left out of the score and band above
        console.print(f"[cyan]waived:[/cyan] {escape(waived_line(w))}")
    for n in result.waiver_notes:
        console.print(f"[yellow]waiver:[/yellow] {escape(note_line(n))}")
    p = result.provenance
    console.print(
        f"[dim]engine {p.engine_version} · rules {p.rules_digest[:12]} ({p.rule_count} rules) · "
        f"case {p.case_digest[:12]} · {timestamp(p.screened_at)}[/dim]"
    )
    console.print()
