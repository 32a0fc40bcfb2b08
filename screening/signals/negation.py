"""Negation cues: does a phrase set's cue deny a hit ("is not part of the Belt and Road")?

A cue is written in a phrase set's `negations` (rules/phrases/) in one of two forms:

- plain, such as "not", "nothing to do with", "אין קשר" or "不涉及": it negates a hit when it
  stands in the hit's clause at most NEGATION_WINDOW_WORDS words before it (in text without
  spaces, such as Chinese, at most NEGATION_WINDOW_CHARS characters before it);
- around the hit, with "…" for the hit, such as "与…无关" ("与一带一路无关": unrelated to the
  Belt and Road): the part before "…" must stand in that same window before the hit, and the
  part after it in the hit's clause at most as far after the hit.

A clause ends at a contrast word or mark (_CONTRAST), and an aside between two commas is
skipped first ("did not, under US pressure, join"). Cues are matched as whole words, except
Chinese ones, which have no word boundaries.

Every check reads a bounded stretch of the hit's sentence (at most LOOKBACK_CHARS before
the hit and TAIL_CHARS after it), so its cost does not grow with the sentence: a text made
of one sentence with 300,000 hits is examined in time linear in its length. In sentences
of ordinary length the result is the same as reading the whole sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

#: A negation cue counts when it stands at most this many words before the hit.
NEGATION_WINDOW_WORDS = 8
#: In text without spaces (Chinese), the window is this many characters.
NEGATION_WINDOW_CHARS = 10
#: Text read before a hit for its clause, within its sentence: far more than the window
#: needs (asides are removed from it first), and more than most sentences, so these are
#: read whole.
LOOKBACK_CHARS = 400
#: At most this many characters before a hit (and after it) are searched for the words of
#: its window, and for the contrast that bounds its clause.
TAIL_CHARS = 200
#: The mark between the two parts of a cue written around the hit.
HIT_MARK = "…"

#: A negation cue reaches a hit only within its clause: these words and marks end one (the
#: lookahead only makes the search faster: it skips characters no match can start with).
_CONTRAST = re.compile(
    r"(?=[bhayw;:,，；：])(?:\b(?:but|however|although|yet|whereas|who|which)\b|[;:,，；：])"
)
#: An aside between two commas ("the parties, who did not disclose the price, agreed").
_ASIDE = re.compile(r"[,，][^,，]{0,80}[,，]")
_HEBREW_PREFIXES = frozenset("והבלמשכ")
#: The prefixes a Hebrew negation cue may carry ("and", "that"); others would turn common
#: words into cues ("מלא", full; "כלא", prison).
_CUE_PREFIXES = frozenset("וש")
_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FFFF


def word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def is_hebrew(ch: str) -> bool:
    return "\u0590" <= ch <= "\u05ff"


def hebrew_prefix_ok(text: str, start: int, letters: frozenset[str] = _HEBREW_PREFIXES) -> bool:
    """Hebrew attaches up to three one-letter prefixes (ו, ה, ב, ל, מ, ש, כ) to a word: the
    letters before `start` are such prefixes (of `letters`), after a word boundary."""
    i = start
    count = 0
    while i > 0 and text[i - 1] in letters and count < 3:
        i -= 1
        count += 1
    return count > 0 and (i == 0 or not word_char(text[i - 1]))


def contains_word(haystack: str, needle: str) -> bool:
    """`needle` occurs in `haystack` as whole words (CJK ends need no boundary; a Hebrew
    cue may carry the prefixes ו and ש: "ואין קשר" holds "אין קשר", but "מלא", full, does
    not hold "לא")."""
    pos = haystack.find(needle)
    while pos >= 0:
        end = pos + len(needle)
        left_ok = (
            pos == 0
            or not word_char(haystack[pos - 1])
            or is_cjk(needle[0])
            or (is_hebrew(needle[0]) and hebrew_prefix_ok(haystack, pos, _CUE_PREFIXES))
        )
        right_ok = end >= len(haystack) or not word_char(haystack[end]) or is_cjk(needle[-1])
        if left_ok and right_ok:
            return True
        pos = haystack.find(needle, pos + 1)
    return False


@dataclass(frozen=True)
class Cue:
    """One negation cue, normalised: `before` must precede the hit, `after` follow it."""

    text: str  # as written in the phrase set, for the reason shown
    before: str
    after: str


def parse_cue(text: str, normalised: str) -> Cue | None:
    """The cue `text` (given also normalised); None when it has no words on either side."""
    before, mark, after = normalised.partition(HIT_MARK)
    if not mark:
        return Cue(text, normalised.strip(), "") if normalised.strip() else None
    before, after = before.strip(), after.strip()
    return Cue(text, before, after) if before or after else None


class Negation:
    """The negation cues of one phrase set, checked against hits in normalised text."""

    def __init__(self, cues: Iterable[Cue]) -> None:
        self.cues = list(cues)

    def reason(self, norm: str, start: int, end: int, lo: int, hi: int) -> str | None:
        """Why the hit norm[start:end] is negated ("negated by 'not'"), or None.

        `lo` and `hi` bound the hit's sentence in `norm`; only up to LOOKBACK_CHARS of it
        before the hit and TAIL_CHARS after it are read.
        """
        if not self.cues:
            return None
        before = _window_before(norm, start, lo)
        after: str | None = None  # read only if a cue needs it
        for cue in self.cues:  # `in` first: it is much faster than contains_word
            if cue.before and (cue.before not in before or not contains_word(before, cue.before)):
                continue
            if cue.after:
                after = _window_after(norm, end, hi) if after is None else after
                if cue.after not in after or not contains_word(after, cue.after):
                    continue
            return f"negated by '{cue.text}'"
        return None


def _window_before(norm: str, start: int, lo: int) -> str:
    """The last words (or CJK characters) of the hit's clause before the hit."""
    begin = max(lo, start - LOOKBACK_CHARS)
    if begin > lo:  # cut inside the sentence: start at a word, not inside one
        space = norm.find(" ", begin, start)
        begin = space + 1 if space >= 0 else begin
    before = norm[begin:start]
    if "," in before or "，" in before:
        before = _ASIDE.sub(" ", before)  # "did not, under US pressure, join"
    # Only the clause's last words can hold a cue, so only they are searched for the
    # contrast that starts the clause: the result is the same, at a bounded cost.
    tail = before[_tail_start(before) :]
    ends = [m.end() for m in _CONTRAST.finditer(tail)]
    clause = tail[ends[-1] :] if ends else tail
    last = clause[-NEGATION_WINDOW_CHARS:]
    if _CJK.search(last):
        return last
    return " ".join(clause.split()[-NEGATION_WINDOW_WORDS:])


def _tail_start(text: str) -> int:
    """Where the last NEGATION_WINDOW_WORDS + 1 words of `text` start, but at most TAIL_CHARS
    back (then at a space, unless the text there is CJK)."""
    floor = max(0, len(text) - TAIL_CHARS)
    words = text[floor:].rsplit(None, NEGATION_WINDOW_WORDS + 1)
    if len(words) > NEGATION_WINDOW_WORDS + 1:  # words[0] is what comes before them
        return floor + len(words[0])
    if floor and not is_cjk(text[floor]) and (space := text.find(" ", floor)) >= 0:
        return space
    return floor


def _window_after(norm: str, end: int, hi: int) -> str:
    """The first words (or CJK characters) of the hit's clause after the hit."""
    after = norm[end : min(hi, end + TAIL_CHARS)]
    words = after.split(None, NEGATION_WINDOW_WORDS)
    if len(words) > NEGATION_WINDOW_WORDS:  # only the first words can hold a cue's part
        after = after[: len(after) - len(words[-1])]
    contrast = _CONTRAST.search(after)
    clause = after[: contrast.start()] if contrast else after
    head = clause[:NEGATION_WINDOW_CHARS]
    if _CJK.search(head):
        return head
    return " ".join(clause.split()[:NEGATION_WINDOW_WORDS])
