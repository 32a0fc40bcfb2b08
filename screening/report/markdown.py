"""Markdown report a reviewer can paste into a decision memo."""

from __future__ import annotations

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


def _md(text: str) -> str:
    """Escape characters that would turn case text into Markdown markup."""
    out = plain(text).replace("\\", "\\\\")
    for ch in "`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


def render(result: Result) -> str:
    b = result.bands
    lines = [
        f"## Screening: {_md(result.case_title)} (`{result.case_id}`)",
        "",
        f"**Score {result.score:.1f} / 100 — band {result.band.upper()}** "
        f"(medium ≥ {b.medium:g}, high ≥ {b.high:g}, critical ≥ {b.critical:g}; "
        f"risk before mitigation {result.risk_before_mitigation:.1f})",
        "",
    ]
    if incomplete := incomplete_note(result):  # a low band here is not a clearance
        lines += [f"**INCOMPLETE:** {_md(incomplete)}", ""]
    for advice in result.recommendations:
        lines.append(f"**Advice:** {_md(advice)}")
        lines.append("")
    for notice in result.notices:
        lines.append(f"> Notice: {_md(notice)}")
    if result.notices:
        lines.append("")
    if result.findings:
        lines += ["| # | contribution | rule | family | weight |", "|---|---:|---|---|---:|"]
        for i, f in enumerate(result.findings, 1):
            c = signed(f.contribution) if f.counted else "0.0 (not counted)"
            lines.append(
                f"| {i} | {c} | {_md(f.title)} (`{f.rule_id}`) | {f.family} | {f.weight:+d} |"
            )
        lines.append("")
    else:
        lines += ["No rule fired." if not result.waived else "Every finding was waived.", ""]
    for i, f in enumerate(result.findings, 1):
        lines.append(f"### {i}. {_md(f.title)} (`{f.rule_id}`)")
        lines.append("")
        for e in f.explanations:
            lines.append(f"{_md(e)}")
            lines.append("")
        lines.append("**Evidence**")
        lines.append("")
        lines += [f"- {_md(describe(ev))}" for ev in f.evidence]
        lines += [f"- *Caveat:* {_md(c)}" for c in f.caveats]
        if f.note:
            lines.append(f"- *Note:* {_md(f.note)}")
        lines.append("")
        lines.append("**Why it matters**")
        lines.append("")
        for r in f.references:
            lines += [f'> "{_md(r.quote)}" — `{r.document}`', ""]
        lines.append(f"**Recommendation:** {_md(f.recommendation.action)}")
        lines.append("")
        lines += [f"- *Route:* {_md(route_line(r))}" for r in f.routes]
        if f.recommendation.note:
            lines.append(f"- *Route:* {_md(f.recommendation.note)}")
        lines.append("")
    if result.waived:  # left out of the score and band above
        lines += ["### Waived findings (not counted)", ""]
        lines += [f"- {_md(waived_line(w))}" for w in result.waived]
        lines.append("")
    for n in result.waiver_notes:
        lines += [f"> **Waiver:** {_md(note_line(n))}", ""]
    p = result.provenance
    lines.append(
        f"<sub>engine {p.engine_version} · rules digest `{p.rules_digest}` · case digest "
        f"`{p.case_digest}` · {p.rule_count} rules · {timestamp(p.screened_at)}</sub>"
    )
    lines.append("")
    return "\n".join(lines)
