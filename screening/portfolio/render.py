"""The portfolio as text and Markdown: counts, the cross-case findings, the ties by case."""

from __future__ import annotations

from screening.portfolio.model import Portfolio


def _summary(p: Portfolio) -> str:
    count = {k: len(p.of_kind(k)) for k in ("case", "municipality", "site", "facility")}
    foreign = len(p.of_kind("foreign_body", "company", "group"))
    return (
        f"{count['case']} cases, {count['municipality']} local authorities, {foreign} foreign "
        f"bodies, companies and groups, {count['site']} sites, {count['facility']} strategic "
        f"facilities, {len(p.edges)} links; {len(p.findings)} portfolio findings"
    )


def _ties(p: Portfolio) -> list[str]:
    """'case-id: Municipality <-> Foreign body' for every agreement link."""
    return [
        f"{e.case_id}: {p.nodes[e.source].label} <-> {p.nodes[e.target].label}"
        for e in p.edges
        if e.kind == "agreement"
    ]


def render_text(p: Portfolio) -> str:
    lines = [f"portfolio {p.database}: {_summary(p)}"]
    lines += [f"finding: {f.message}" for f in p.findings]
    lines += [f"tie: {t}" for t in _ties(p)]
    lines += [f"error: {e}" for e in p.problems]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.split())


def render_markdown(p: Portfolio) -> str:
    lines = ["## Portfolio", "", _md(_summary(p)), ""]
    if p.findings:
        lines += ["### Portfolio findings", ""]
        lines += [f"- {_md(f.message)}" for f in p.findings]
        lines.append("")
    if ties := _ties(p):
        lines += ["### Ties and agreements", ""]
        lines += [f"- {_md(t)}" for t in ties]
        lines.append("")
    lines += [f"> Error: {_md(e)}" for e in p.problems]
    return "\n".join(lines) + "\n"
