"""Looking names up: exact keys first, then fuzzy scores, never a guess between two.

Normalisation (what makes two spellings one key) is `screening.signals.normalise`; this
module indexes registry names by those keys and decides what a looked-up name denotes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process

from screening.signals.normalise import (
    distinctive,
    loose_key,
    name_variants,
    normalise_name,
    raw_key,
)

__all__ = ["MIN_FUZZY_LENGTH", "NameHit", "NameIndex", "NameMatch", "normalise_name", "similarity"]

T = TypeVar("T")
#: Names shorter than this (after normalisation) are matched exactly, never fuzzily.
MIN_FUZZY_LENGTH = 6
#: Lookups an index remembers (the oldest forgotten first): the same companies, cities and
#: ministries recur across the cases of a batch, and a fuzzy miss scans every registry name.
MEMO_SIZE = 4096


def similarity(a: str, b: str) -> float:
    """Fuzzy score of two normalised keys, 0-100: word order ignored, and never above the
    score of their distinctive words when both have some."""
    full = fuzz.token_sort_ratio(a, b)
    da, db = distinctive(a), distinctive(b)
    if da and db and (da, db) != (a, b):
        full = min(full, fuzz.token_sort_ratio(da, db))
    return float(full)


@dataclass(frozen=True)
class NameHit(Generic[T]):
    item: T
    alias: str  # the registry name or alias that matched
    score: float


@dataclass(frozen=True)
class NameMatch(Generic[T]):
    """What a lookup found: one item, several it cannot tell apart, or the nearest miss."""

    hit: NameHit[T] | None = None
    ambiguous: tuple[NameHit[T], ...] = ()  # two or more items fit equally well: no hit
    nearest: NameHit[T] | None = None  # with no hit: the closest name and its score
    note: str | None = None  # why `nearest` did not count, when its score alone does not say


@dataclass(frozen=True)
class _Entry(Generic[T]):
    number: int  # which item (items need not be hashable)
    item: T
    alias: str


Table = dict[str, list[_Entry[T]]]


class NameIndex(Generic[T]):
    """Names and aliases by key, looked up from the strictest match to the loosest.

    Tiers: the name as written (case and spacing aside), the normalised key, the key without
    'group'/'holdings', then a fuzzy score (rapidfuzz). The first tier that finds anything
    decides: one item is a hit; two or more are ambiguous and give no hit at all, so a
    group is never taken for its subsidiary. 'Name (ACRONYM)' is also indexed and looked up
    as each half.
    """

    def __init__(self, entries: Iterable[tuple[T, Iterable[str]]]) -> None:
        self._tiers: tuple[Table[T], Table[T], Table[T]] = ({}, {}, {})
        self._fuzzy: Table[T] = {}
        for number, (item, names) in enumerate(entries):
            for name in names:
                for variant in name_variants(name):
                    self._add(_Entry(number, item, name), variant)
        self._choices = list(self._fuzzy)
        self._keys = list(self._tiers[1])  # every key, short ones too: for the nearest miss
        self._memo: dict[tuple[str, float | None], NameMatch[T]] = {}

    def __getstate__(self) -> dict[str, object]:
        """Pickled (the pack cache) without the lookups it remembers."""
        return {k: v for k, v in vars(self).items() if k != "_memo"}

    def __setstate__(self, state: dict[str, object]) -> None:
        vars(self).update(state)
        self._memo = {}

    def _add(self, entry: _Entry[T], variant: str) -> None:
        key = normalise_name(variant)
        if not key:
            return
        raw, exact, loose = self._tiers
        _put(raw, raw_key(variant), entry)
        _put(exact, key, entry)
        _put(loose, loose_key(key), entry)
        if len(key) >= MIN_FUZZY_LENGTH:
            _put(self._fuzzy, key, entry)

    def by_key(self) -> Iterable[tuple[str, list[_Entry[T]]]]:
        """Normalised keys with the entries that share them (the collision check reads it)."""
        return self._tiers[1].items()

    def lookup(self, name: str, min_score: float | None) -> NameHit[T] | None:
        """The one item `name` denotes, or None (unknown or ambiguous).

        `min_score=None` means exact names only (the gazetteer: places are not guessed).
        """
        return self.match(name, min_score).hit

    def match(self, name: str, min_score: float | None) -> NameMatch[T]:
        """What `name` denotes (a `NameMatch` is frozen: a remembered one is shared)."""
        key = (name, min_score)
        found = self._memo.get(key)
        if found is None:
            found = self._match(name, min_score)
            if len(self._memo) >= MEMO_SIZE:
                del self._memo[next(iter(self._memo))]
            self._memo[key] = found
        return found

    def _match(self, name: str, min_score: float | None) -> NameMatch[T]:
        variants = name_variants(name)
        keys = [k for k in (normalise_name(v) for v in variants) if k]
        if not keys:
            return NameMatch()
        queries = (
            [raw_key(v) for v in variants],
            keys,
            [loose_key(k) for k in keys],
        )
        for table, query in zip(self._tiers, queries, strict=True):
            found = _distinct(e for q in query if q for e in table.get(q, []))
            if found:
                return _decide([NameHit(e.item, e.alias, 100.0) for e in found])
        if min_score is None:
            return NameMatch()
        long_keys = [k for k in keys if len(k) >= MIN_FUZZY_LENGTH]
        scored = self._scored(long_keys, min_score)
        if scored:
            best = max(h.score for h in scored)
            return _decide([h for h in scored if h.score == best])
        nearest = max(self._scored(keys, None), key=lambda h: h.score, default=None)
        note = None
        if nearest is not None and nearest.score >= min_score:
            note = f"names shorter than {MIN_FUZZY_LENGTH} characters match only exactly"
        return NameMatch(nearest=nearest, note=note)

    def _scored(self, keys: list[str], min_score: float | None) -> list[NameHit[T]]:
        """Fuzzy hits of `keys` at or above `min_score` among names long enough to be
        guessed; with `min_score` None, the five closest of all names for each key."""
        best: dict[int, NameHit[T]] = {}
        table = self._fuzzy if min_score is not None else self._tiers[1]
        choices = self._choices if min_score is not None else self._keys
        for key in keys:
            rough = process.extract(
                key,
                choices,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=min_score,
                limit=None if min_score is not None else 5,
            )
            for choice, _, _ in rough:
                score = similarity(key, choice)
                if min_score is not None and score < min_score:
                    continue
                for e in table[choice]:
                    if e.number not in best or score > best[e.number].score:
                        best[e.number] = NameHit(e.item, e.alias, round(score, 1))
        return list(best.values())

    def suggest(self, name: str) -> str | None:
        """The closest known name, for 'did you mean' messages."""
        if not self._choices:
            return None
        best = process.extractOne(normalise_name(name), self._choices, scorer=fuzz.WRatio)
        return self._fuzzy[best[0]][0].alias if best and best[1] >= 60 else None


def _put(table: Table[T], key: str, entry: _Entry[T]) -> None:
    if not key:
        return
    entries = table.setdefault(key, [])
    if all(e.number != entry.number for e in entries):  # one entry per item: its first name
        entries.append(entry)


def _distinct(entries: Iterable[_Entry[T]]) -> list[_Entry[T]]:
    seen: dict[int, _Entry[T]] = {}
    for e in entries:
        seen.setdefault(e.number, e)
    return list(seen.values())


def _decide(hits: list[NameHit[T]]) -> NameMatch[T]:
    return NameMatch(hit=hits[0]) if len(hits) == 1 else NameMatch(ambiguous=tuple(hits))
