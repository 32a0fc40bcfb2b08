"""Phrase search over case text: one Aho-Corasick automaton for every phrase of the pack.

Matching runs in time linear in the text, whatever the number of phrases. Python then does
what an automaton cannot: word boundaries (with Hebrew's one-letter prefixes; none for CJK),
negation cues before the hit in the same sentence ("is not part of the Belt and Road"),
and exclusion contexts ("Silk Road film festival"). Offsets are into the original text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick_rs

from screening.models.registry import PhraseSet

#: At most this many hits of one phrase set are kept per text (the first ones).
MAX_HITS_PER_SET = 10
#: A negation cue counts when it stands at most this many words before the hit.
NEGATION_WINDOW_WORDS = 8
#: In text without spaces (Chinese), the window is this many characters.
NEGATION_WINDOW_CHARS = 10

#: One-for-one replacements applied after lower-casing (str.replace is far faster than
#: str.translate with a table, and keeps offsets since each is one character for one).
_REPLACEMENTS = (
    ("\u2018", "'"),
    ("\u2019", "'"),
    ("\u201c", '"'),
    ("\u201d", '"'),
    # dashes and hyphens match like spaces: "Belt-and-Road", "chip-design", "win–win"
    ("\u2013", " "),
    ("\u2014", " "),
    ("-", " "),
    ("\u00a0", " "),
    ("\t", " "),
    ("\n", " "),
    ("\r", " "),
    ("\u2028", " "),
)
#: Where a sentence ends: . ! ? (with closing quotes or brackets) before a space, CJK full
#: stops, or a line break. A full stop after a common abbreviation or a single letter
#: ("Dr. Li", "U.S. pressure") is not an end: fixed-width lookbehinds test that in the
#: regex engine, at full stops only.
_SENTENCE_END = re.compile(
    r"(?:\.(?<!\bDr\.)(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bProf\.)(?<!\bSt\.)(?<!\bNo\.)(?<!\bInc\.)(?<!\bCo\.)(?<!\bLtd\.)(?<!\bJr\.)(?<!\bSr\.)(?<!\bvs\.)(?<!\betc\.)(?<!\bGen\.)(?<!\bCol\.)(?<!\bLt\.)(?<!\bRep\.)(?<!\bSen\.)(?<!\bMt\.)(?<!\b[A-Za-z]\.)|[!?])[\"'”’)]*\s+|[。！？]|\n\s*"
)
#: A negation cue reaches a hit only within its clause: these words and marks end one.
_CONTRAST = re.compile(r"\b(but|however|although|yet|whereas|who|which)\b|[;:,，；：]")
#: An aside between two commas ("the parties, who did not disclose the price, agreed").
_ASIDE = re.compile(r"[,，][^,，]{0,80}[,，]")
_HEBREW_PREFIXES = set("והבלמשכ")


def normalise(text: str) -> tuple[str, list[int] | None]:
    """Lower-cased text with unified quotes, dashes and spaces, and an offset map if needed.

    The map is None when each character maps to exactly one (the usual case), else
    `offsets[i]` is the original index of normalised character i.
    """
    simple = _unify(text.lower())
    if len(simple) == len(text):
        return simple, None
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        low = _unify(ch.lower())
        chars.append(low)
        offsets.extend([i] * len(low))
    return "".join(chars), offsets


def _unify(text: str) -> str:
    for old, new in _REPLACEMENTS:
        if old in text:
            text = text.replace(old, new)
    return text


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FFFF


def _is_hebrew(ch: str) -> bool:
    return "\u0590" <= ch <= "\u05ff"


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


@dataclass(frozen=True)
class PhraseMatch:
    set_id: str
    phrase: str
    start: int  # in the original text
    end: int
    matched: str
    sentence: str
    sentence_start: int


@dataclass(frozen=True)
class SuppressedMatch:
    """A hit that does not count, and why (for `screening explain`)."""

    set_id: str
    phrase: str
    start: int
    sentence: str
    reason: str


class PhraseIndex:
    """Every phrase set of a rule pack compiled into one automaton."""

    def __init__(self, phrase_sets: Iterable[PhraseSet]) -> None:
        self.sets = {ps.id: ps for ps in phrase_sets}
        patterns: list[str] = []
        self._owners: list[list[tuple[str, str]]] = []  # pattern index -> (set id, phrase)
        seen: dict[str, int] = {}
        for ps in self.sets.values():
            for phrase in ps.phrases:
                norm, _ = normalise(phrase.strip())
                if norm in seen:
                    self._owners[seen[norm]].append((ps.id, phrase))
                    continue
                seen[norm] = len(patterns)
                patterns.append(norm)
                self._owners.append([(ps.id, phrase)])
        self._patterns = patterns
        self._automaton = ahocorasick_rs.AhoCorasick(patterns) if patterns else None
        self._context = {
            ps.id: (
                [normalise(x)[0] for x in ps.exclude_context],
                [normalise(x)[0] for x in ps.negations],
            )
            for ps in self.sets.values()
        }

    def search(self, text: str) -> tuple[list[PhraseMatch], list[SuppressedMatch]]:
        """Counted hits (longest per span and set, at most MAX_HITS_PER_SET a set) and the rest."""
        if self._automaton is None or not text:
            return [], []
        norm, offsets = normalise(text)
        raw = self._automaton.find_matches_as_indexes(norm, overlapping=True)
        candidates: list[tuple[str, str, int, int]] = []
        for pattern_index, start, end in raw:
            if not self._bounded(norm, start, end, self._patterns[pattern_index]):
                continue
            for set_id, phrase in self._owners[pattern_index]:
                candidates.append((set_id, phrase, start, end))
        if not candidates:
            return [], []
        candidates.sort(key=lambda c: (c[0], c[2], -(c[3] - c[2])))
        sentences = _sentence_starts(text)  # on the original: line breaks end sentences
        kept: list[PhraseMatch] = []
        suppressed: list[SuppressedMatch] = []
        per_set: dict[str, int] = {}
        last_end: dict[str, int] = {}
        for set_id, phrase, start, end in candidates:
            if start < last_end.get(set_id, -1):
                continue  # inside a longer hit of the same set
            last_end[set_id] = end
            o_start, o_end = _orig(offsets, start, end, len(text))
            s_start, s_end = _sentence_of(sentences, len(text), o_start)
            raw_sentence = text[s_start:s_end]
            sentence = raw_sentence.strip()
            reason = self._suppression(
                set_id, normalise(raw_sentence)[0], normalise(text[s_start:o_start])[0]
            )
            if reason:
                suppressed.append(SuppressedMatch(set_id, phrase, o_start, sentence, reason))
                continue
            if per_set.get(set_id, 0) >= MAX_HITS_PER_SET:
                continue
            per_set[set_id] = per_set.get(set_id, 0) + 1
            leading = len(raw_sentence) - len(raw_sentence.lstrip())
            kept.append(
                PhraseMatch(
                    set_id, phrase, o_start, o_end, text[o_start:o_end], sentence, s_start + leading
                )
            )
        kept.sort(key=lambda m: (m.start, m.set_id))
        return kept, suppressed

    @staticmethod
    def _bounded(norm: str, start: int, end: int, pattern: str) -> bool:
        first, last = pattern[0], pattern[-1]
        if _word_char(first) and not _is_cjk(first) and start > 0:
            attached = _word_char(norm[start - 1])
            if attached and not (_is_hebrew(first) and _hebrew_prefix_ok(norm, start)):
                return False
        return not (
            _word_char(last) and not _is_cjk(last) and end < len(norm) and _word_char(norm[end])
        )

    def _suppression(self, set_id: str, sentence: str, before: str) -> str | None:
        """Why a hit does not count: an excluded context in its sentence, or a negation cue
        in the words before it (both given normalised)."""
        excludes, negations = self._context[set_id]
        for ex in excludes:
            if _contains_word(sentence, ex):
                return f"excluded context '{ex}' in the sentence"
        before = _ASIDE.sub(" ", before)  # "did not, under US pressure, join": skip the aside
        clause = _CONTRAST.split(before)[-1] if _CONTRAST.search(before) else before
        if any(_is_cjk(ch) for ch in clause[-NEGATION_WINDOW_CHARS:]):
            window = clause[-NEGATION_WINDOW_CHARS:]
        else:
            window = " ".join(clause.split()[-NEGATION_WINDOW_WORDS:])
        for cue in negations:
            if _contains_word(window, cue):
                return f"negated by '{cue}'"
        return None


def _hebrew_prefix_ok(norm: str, start: int) -> bool:
    """Hebrew attaches up to three one-letter prefixes (ו, ה, ב, ל, מ, ש, כ) to a word."""
    i = start
    count = 0
    while i > 0 and norm[i - 1] in _HEBREW_PREFIXES and count < 3:
        i -= 1
        count += 1
    return count > 0 and (i == 0 or not _word_char(norm[i - 1]))


def _contains_word(haystack: str, needle: str) -> bool:
    pos = haystack.find(needle)
    while pos >= 0:
        end = pos + len(needle)
        left_ok = pos == 0 or not _word_char(haystack[pos - 1]) or _is_cjk(needle[0])
        right_ok = end >= len(haystack) or not _word_char(haystack[end]) or _is_cjk(needle[-1])
        if left_ok and right_ok:
            return True
        pos = haystack.find(needle, pos + 1)
    return False


def _sentence_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in _SENTENCE_END.finditer(text) if m.end() < len(text))]


def _sentence_of(starts: Sequence[int], length: int, pos: int) -> tuple[int, int]:
    i = bisect.bisect_right(starts, pos) - 1
    end = starts[i + 1] if i + 1 < len(starts) else length
    return starts[i], end


def _orig(offsets: list[int] | None, start: int, end: int, length: int) -> tuple[int, int]:
    if offsets is None:
        return start, end
    o_start = offsets[start] if start < len(offsets) else length
    o_end = offsets[end - 1] + 1 if 0 < end <= len(offsets) else length
    return o_start, o_end
