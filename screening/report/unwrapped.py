"""The text report off a terminal, written without rich: the bytes `report.text` gives
through rich at the unwrapped width (`cli.common.UNWRAPPED`, no colours), for less.

rich measures, pads and wraps every cell of every finding's table even when nothing can
wrap, and importing it costs as much again: most of what rendering cost a one-case
`screening screen > file`. Off a terminal nothing wraps and nothing is coloured, so the
report is a handful of lines this module writes directly. It mirrors `report.text` line for
line (the same rows in the same order) and declines, returning None, whenever rich would do
something it does not reproduce: a line rich would wrap (near the unwrapped width), a tab or
a newline inside a line, a backslash (rich's markup escapes), an emoji code rich would
replace (`:name:`), a control character in a rule's fields. The caller then renders through
rich. A test renders every bundled case, hostile text and generated results both ways and
compares the bytes, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

import re

from screening.models.result import Finding, Result
from screening.report.describe import (
    describe,
    incomplete_note,
    plain,
    route_line,
    signed,
    timestamp,
)
from screening.report.waivers import note_line, waived_line

#: Longest line written here: rich wraps at the unwrapped width (100,000 cells); a character
#: is at most two cells wide, so a line of at most this many characters never wraps.
MAX_CHARS = 40_000

#: Every span rich could take for an emoji code (`rich._emoji_replace`: `:name:`, no space
#: inside), overlapping: rich looks for them in each stretch of text between markup tags.
_EMOJI = re.compile(r"(?=:(\S*?):)")
#: rich's emoji names made of digits only (a test checks rich has no others): `:27:` in a
#: time of day is left alone, `:100:` would become an emoji.
_DIGIT_EMOJI = frozenset({"100", "1234"})
#: What makes rich render a string otherwise than as it is written: tabs and other control
#: characters (rich strips some, expands tabs), backslashes (markup escapes); a newline
#: where a single line is needed (the panel, a finding's heading).
_SPECIAL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\\]")
#: Characters rich measures as one cell each: its own fast ranges (`rich.cells`) and the
#: '≥' of the band thresholds. Anything else is measured by rich's table.
_NARROW = re.compile(r"[\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482\u2500-\u25fc\u2800-\u28ff≥]*")


class _Declined(Exception):
    """Something rich would render otherwise than as written: rich renders the report."""


def render(result: Result) -> str | None:
    """The report as `report.text.render` writes it through an unwrapped, colourless rich
    console (lines without trailing spaces, as `cli.common` writes them), or None."""
    try:
        lines = _lines(result)
    except _Declined:
        return None
    return "".join(line.rstrip(" ") + "\n" for line in "\n".join(lines).split("\n"))


def _lines(result: Result) -> list[str]:
    b = result.bands
    head = f"{result.score:.1f} / 100   {result.band.upper()}"
    incomplete = incomplete_note(result)
    if incomplete:
        head += f", INCOMPLETE ({plain(incomplete)})"
    head += f"   (medium ≥ {b.medium:g}, high ≥ {b.high:g}, critical ≥ {b.critical:g})"
    if result.risk_before_mitigation != result.score:
        head += f"   risk before mitigation {result.risk_before_mitigation:.1f}"
    lines = _panel(
        _text(head),
        _text(_markup(f"{plain(result.case_title)} ({plain(result.case_id)})")),
        _text(_markup(plain(result.case_path or ""))),
    )
    lines += [_markup(f"advice: {plain(advice)}") for advice in result.recommendations]
    lines += [_markup(f"notice: {plain(notice)}") for notice in result.notices]
    if not result.findings:
        lines.append("No rule fired." if not result.waived else "Every finding was waived.")
    for i, f in enumerate(result.findings, 1):
        contribution = signed(f.contribution) if f.counted else "  0.0"
        lines.append(
            _text(
                f"{i:>2}. {contribution:>6}  {f.rule_id}  {f.title}"
                f"  [{f.family}, weight {f.weight:+d}]"
            )
        )
        rows = _rows(f)
        width = max(len(label) for label, _ in rows) + 1
        for label, value in rows:  # a cell of several lines: the label on the first
            first, *more = _markup(plain(value)).split("\n")
            lines += [label.ljust(width) + first, *(" " * width + line for line in more)]
    lines += [_markup(f"waived: {plain(waived_line(w))}") for w in result.waived]
    lines += [_markup(f"waiver: {plain(note_line(n))}") for n in result.waiver_notes]
    p = result.provenance
    provenance = _markup(
        f"engine {p.engine_version} · rules {p.rules_digest[:12]} ({p.rule_count} rules) · "
        f"case {p.case_digest[:12]} · {timestamp(p.screened_at)}"
    )
    if "[" in provenance:  # written into the markup unescaped
        raise _Declined
    lines.append(provenance)
    lines.append("")
    return lines


def _rows(f: Finding) -> list[tuple[str, str]]:
    """A finding's table, as `report.text` builds it: (label, text) rows."""
    rows = [("what", line) for line in f.explanations]
    rows += [("evidence", describe(ev)) for ev in f.evidence]
    rows += [("caveat", c) for c in f.caveats]
    rows += [("why", f'"{ref.quote}" ({ref.document})') for ref in f.references]
    rows.append(("do", f.recommendation.action))
    rows += [("route", route_line(r)) for r in f.routes]
    if f.recommendation.note:
        rows.append(("route", f.recommendation.note))
    if f.note:
        rows.append(("note", f.note))
    return rows


def _text(text: str) -> str:
    """One line rich renders as written (a `Text`), or declined."""
    if "\n" in text:
        raise _Declined
    return _lines_of(text)


def _lines_of(text: str) -> str:
    """Lines rich renders as written, or declined."""
    if _SPECIAL.search(text) or any(len(line) > MAX_CHARS for line in text.split("\n")):
        raise _Declined
    return text


def _markup(text: str) -> str:
    """Escaped case text in rich markup (a line or several), as rich renders it, or declined."""
    for match in _EMOJI.finditer(_lines_of(text)):
        name = match.group(1)
        if not name.isdigit() or name in _DIGIT_EMOJI:
            raise _Declined
    return text


def _cells(text: str) -> int:
    if _NARROW.fullmatch(text):
        return len(text)
    from rich.cells import cell_len  # measured as rich measures it

    return cell_len(text)


def _fit(text: str, width: int) -> str:
    """`text` cut to `width` cells, as rich truncates a panel's subtitle."""
    if _cells(text) <= width:
        return text
    if _NARROW.fullmatch(text):
        return text[:width]
    from rich.cells import set_cell_size

    return set_cell_size(text, width)


def _panel(body: str, title: str, subtitle: str) -> list[str]:
    """rich's `Panel(body, title=…, subtitle=…, expand=False)` with the rounded box."""
    title, subtitle = f" {title} ", f" {subtitle} " if subtitle else ""
    inner = max(_cells(body) + 2, _cells(title) + 2)  # the body has one space either side
    top = _centred(title, inner - 2)
    lines = [f"╭─{top}─╮", f"│ {body}{' ' * (inner - 2 - _cells(body))} │"]
    if subtitle:
        lines.append(f"╰─{_centred(_fit(subtitle, inner - 2), inner - 2)}─╯")
    else:
        lines.append(f"╰{'─' * inner}╯")
    return lines


def _centred(text: str, width: int) -> str:
    excess = width - _cells(text)
    left = excess // 2
    return "─" * left + text + "─" * (excess - left)
