"""Name normalisation and fuzzy lookup shared by the entity and gazetteer matchers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process

T = TypeVar("T")

_LEGAL_SUFFIXES = (
    "co",
    "co ltd",
    "company",
    "company limited",
    "corp",
    "corporation",
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "plc",
    "sa",
    "ag",
    "gmbh",
    "group",
    "group co",
    "holdings",
    "holding",
    "the",
)
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")
_SUFFIX_RE = re.compile(
    r"(?:\s+(?:"
    + "|".join(re.escape(s) for s in sorted(_LEGAL_SUFFIXES, key=len, reverse=True))
    + r"))+$"
)
_LEADING_THE = re.compile(r"^the\s+")
#: Names shorter than this (after normalisation) are matched exactly, never fuzzily.
MIN_FUZZY_LENGTH = 6


def normalise_name(name: str) -> str:
    """Casefold, drop punctuation and legal suffixes: 'SIPG Co., Ltd.' -> 'sipg'."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    text = _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()
    text = _LEADING_THE.sub("", text)
    stripped = _SUFFIX_RE.sub("", text).strip()
    return stripped or text


@dataclass(frozen=True)
class NameHit(Generic[T]):
    item: T
    alias: str  # the registry name or alias that matched
    score: float


class NameIndex(Generic[T]):
    """Exact lookup on normalised names and aliases, then a fuzzy fallback (rapidfuzz)."""

    def __init__(self, entries: Iterable[tuple[T, Iterable[str]]]) -> None:
        self._exact: dict[str, tuple[T, str]] = {}
        self._choices: list[str] = []
        self._owners: list[tuple[T, str]] = []
        for item, names in entries:
            for name in names:
                norm = normalise_name(name)
                if not norm:
                    continue
                self._exact.setdefault(norm, (item, name))
                if len(norm) >= MIN_FUZZY_LENGTH:
                    self._choices.append(norm)
                    self._owners.append((item, name))

    def lookup(self, name: str, min_score: float | None) -> NameHit[T] | None:
        """Exact match on a normalised name, else the best fuzzy one over `min_score`.

        `min_score=None` means exact names only (the gazetteer: places are not guessed).
        """
        norm = normalise_name(name)
        if not norm:
            return None
        exact = self._exact.get(norm)
        if exact is not None:
            return NameHit(exact[0], exact[1], 100.0)
        if min_score is None or len(norm) < MIN_FUZZY_LENGTH or not self._choices:
            return None
        best = process.extractOne(
            norm, self._choices, scorer=fuzz.token_sort_ratio, score_cutoff=min_score
        )
        if best is None:
            return None
        _, score, index = best
        item, alias = self._owners[index]
        return NameHit(item, alias, round(float(score), 1))

    def suggest(self, name: str) -> str | None:
        """The closest known name, for 'did you mean' messages."""
        if not self._owners:
            return None
        best = process.extractOne(normalise_name(name), self._choices, scorer=fuzz.WRatio)
        return self._owners[best[2]][1] if best and best[1] >= 60 else None
