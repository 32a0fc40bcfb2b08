"""Evidence: where in the document a value was read, the words quoted, and a confidence.

Every value intake drafts carries one; `write` prints it as a YAML comment beside the value.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from screening.intake.read import DocumentText


@dataclass(frozen=True)
class Evidence:
    """Where a value was read: 'p. 2 ¶ 3', the words quoted, and how sure the reading is."""

    where: str
    quote: str
    confidence: float
    note: str | None = None

    def comment(self) -> str:
        note = f"; {self.note}" if self.note else ""
        return f'{self.where}: "{self.quote}" (confidence {self.confidence:.2f}{note})'


class Locator:
    """Offsets of the joined text -> 'p. 2 ¶ 3' and a short quote."""

    def __init__(self, doc: DocumentText, text: str) -> None:
        self.doc, self.text, self._starts = doc, text, doc.starts()

    def where(self, offset: int) -> str:
        i = max(0, bisect.bisect_right(self._starts, offset) - 1)
        return self.doc.blocks[i].where

    def quote(self, start: int, end: int, context: int = 30) -> str:
        """The matched words with a little context, on one line, cut at spaces."""
        left = max(0, start - context)
        right = min(len(self.text), end + context)
        if left > 0 and " " in self.text[left:start]:
            left = self.text.index(" ", left) + 1
        if right < len(self.text) and " " in self.text[end:right]:
            right = self.text.rindex(" ", end, right)
        words = " ".join(self.text[left:right].split()).replace('"', "'")
        return ("…" if left > 0 else "") + words + ("…" if right < len(self.text) else "")

    def evidence(
        self, start: int, end: int, confidence: float, note: str | None = None
    ) -> Evidence:
        return Evidence(self.where(start), self.quote(start, end), round(confidence, 2), note)
