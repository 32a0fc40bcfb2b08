"""Text as the dossier shows it: a matched phrase marked in its sentence, names wrapped to
fit a box, and the width estimate the SVG layouts use to keep labels clear of each other."""

from __future__ import annotations

import re
from dataclasses import dataclass

from screening.models.evidence import TextEvidence

#: Context kept either side of a highlighted phrase; a "sentence" can be a whole paragraph.
CONTEXT_CHARS = 320
#: Average glyph width of the 11 px sans-serif used in SVG labels, for layout estimates.
CHAR_PX = 6.2


@dataclass(frozen=True)
class Highlight:
    """A sentence split around its match; when `found` is False, `before` is the sentence."""

    before: str
    match: str
    after: str
    found: bool


def highlight(ev: TextEvidence) -> Highlight:
    """Split the sentence around the matched text: at the recorded offset when it holds the
    match, else at the first (case-insensitive) occurrence; `found` is False when absent."""
    sentence, matched = ev.sentence, ev.matched
    at = ev.start - ev.sentence_start
    if not (at >= 0 and sentence[at : at + len(matched)] == matched):
        hit = re.search(re.escape(matched), sentence, re.IGNORECASE) if matched else None
        if hit is None:
            return Highlight(_clip_left(sentence), "", "", False)
        at, matched = hit.start(), hit.group(0)
    before, after = sentence[:at], sentence[at + len(matched) :]
    return Highlight(_clip_left(before), matched, _clip_right(after), True)


def _clip_left(text: str) -> str:
    return text if len(text) <= CONTEXT_CHARS else "…" + text[-CONTEXT_CHARS:]


def _clip_right(text: str) -> str:
    return text if len(text) <= CONTEXT_CHARS else text[:CONTEXT_CHARS] + "…"


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap; words longer than a line are cut so nothing overflows a box."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line or not lines else lines
