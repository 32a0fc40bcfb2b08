"""Monitoring as text (for a terminal or a cron mail), JSON and Markdown."""

from __future__ import annotations

import json

from screening.monitor import Monitoring
from screening.monitor.compare import CaseChange


def headline(m: Monitoring) -> str:
    rose = sum(c.band_rose for c in m.changes)
    failed = len({p.location.path for p in m.problems})
    tail = f", {failed} could not be read" if failed else ""
    return (
        f"{m.screened} case{'s' if m.screened != 1 else ''} screened again, "
        f"{len(m.changes)} changed, band rose in {rose}{tail}"
    )


def _lines(c: CaseChange) -> list[str]:
    """The change's reasons, one line each: '+ rule (+35.0): why; why'."""
    out: list[str] = []
    for f in c.findings:
        sign = "+" if f.change == "added" else "-"
        why = "; ".join(r.message for r in f.reasons) or "no recorded rule or registry change"
        out.append(f"{sign} {f.rule_id} ({f.contribution:+.1f}): {why}")
    out += [f"* {r.message}" for r in c.reasons]
    return out


def _move(c: CaseChange) -> str:
    flag = "  BAND ROSE" if c.band_rose else ""
    return f"{c.band_before} {c.score_before:.1f} -> {c.band_after} {c.score_after:.1f}{flag}"


def render_text(m: Monitoring) -> str:
    lines = [f"monitor {m.database}: {headline(m)}"]
    for c in m.changes:
        lines.append(f"{c.case_id}: {_move(c)} ({c.path}; last screened {c.last_screened_at})")
        lines += [f"  {line}" for line in _lines(c)]
    if m.recorded_run is not None:
        lines.append(f"recorded as run {m.recorded_run}")
    return "\n".join(lines) + "\n"


def render_json(m: Monitoring) -> str:
    return json.dumps(m.as_json(), indent=2, ensure_ascii=False) + "\n"


def _md(text: str) -> str:
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.split())


def render_markdown(m: Monitoring) -> str:
    lines = [f"## Monitoring: {_md(headline(m))}", ""]
    if m.changes:
        lines += ["| case | before | after | band rose |", "|---|---|---|---|"]
        for c in m.changes:
            lines.append(
                f"| `{c.case_id}` | {c.band_before} {c.score_before:.1f} | "
                f"{c.band_after} {c.score_after:.1f} | {'**yes**' if c.band_rose else 'no'} |"
            )
        lines.append("")
    for c in m.changes:
        lines += [f"### {_md(c.title)} (`{c.case_id}`)", ""]
        lines += [f"- {_md(line)}" for line in _lines(c)]
        lines.append("")
    for p in m.problems:
        lines.append(f"> Error: {_md(str(p))}")
    if m.problems:
        lines.append("")
    return "\n".join(lines)
