"""Names in the text: registry entities and gazetteer places (one automaton), and
organisations that look like legal entities but match nothing.

Every registry name and alias and every gazetteer name and alias is one pattern of a single
Aho-Corasick automaton (ahocorasick-rs, as the phrase search uses), matched on the text
lower-cased the way the phrase search lower-cases it, keeping the outermost matches:
'Shanghai International Port Group' is one entity and not the place 'Shanghai'. Latin names
need word boundaries;
short all-capital aliases ('CIC', 'SIPG') must match in capitals; CJK needs no boundary.
A name with a legal form ('… Co., Ltd.', '… GmbH', '…有限公司', '… בע"מ') that the
automaton did not find is looked up with the project's fuzzy entity matching; one that still
matches nothing is kept, unresolved, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick_rs

from screening.models.registry import Entity, Place
from screening.signals.entities import EntityIndex
from screening.signals.text import normalise

_HEBREW_PREFIXES = frozenset("והבלמשכ")


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FFFF


def word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


@dataclass(frozen=True)
class NameHit:
    """A registry entity or gazetteer place named at [start, end) of the text."""

    kind: str  # "entity" | "place"
    item: Entity | Place
    alias: str  # the registry name or alias matched
    start: int
    end: int
    score: float = 100.0  # 100 for an exact alias; the fuzzy score otherwise


@dataclass(frozen=True)
class OrgName:
    """A name with a legal form at [start, end) that matches no registry entity."""

    name: str
    start: int
    end: int
    nearest: str | None = None  # the closest registry name and its score, for the note
    legal_form: bool = True  # False: named with an organisation word ('Group', 'Capital')


class NameFinder:
    """One automaton over every entity and place name of the pack."""

    def __init__(self, entities: Iterable[Entity], places: Iterable[Place]) -> None:
        owners: dict[str, list[tuple[str, Entity | Place, str]]] = {}
        named: list[tuple[str, Entity | Place]] = [("entity", e) for e in entities]
        named += [("place", p) for p in places]
        for kind, item in named:
            for alias in dict.fromkeys([item.name, *item.aliases]):
                key = normalise(alias.strip())[0]
                if len(key) < 2:
                    continue
                entry = owners.setdefault(key, [])
                if all(o[1].id != item.id or o[0] != kind for o in entry):
                    entry.append((kind, item, alias))
        self._patterns = list(owners)
        self._owners = [owners[p] for p in self._patterns]
        self._automaton = ahocorasick_rs.AhoCorasick(self._patterns)

    def find(self, text: str) -> tuple[list[NameHit], list[str]]:
        """Hits in text order, and notes on names that denote two entries (not linked)."""
        norm, offsets = normalise(text)
        hits: list[NameHit] = []
        notes: list[str] = []
        raw = self._automaton.find_matches_as_indexes(norm, overlapping=True)
        for index, start, end in _outermost(raw, self._owners):
            o_start = offsets[start] if offsets else start
            o_end = (offsets[end - 1] + 1) if offsets else end
            owners = self._owners[index]
            if not _bounded(text, o_start, o_end, owners[0][2]):
                continue
            entities = [o for o in owners if o[0] == "entity"]
            chosen = entities or owners
            if len({o[1].id for o in chosen}) > 1:
                names = " and ".join(f"'{o[1].name}'" for o in chosen)
                notes.append(f"'{text[o_start:o_end]}' names {names}; not linked")
                continue
            kind, item, alias = chosen[0]
            hits.append(NameHit(kind, item, alias, o_start, o_end))
        return hits, list(dict.fromkeys(notes))


def _outermost(
    raw: list[tuple[int, int, int]], owners: list[list[tuple[str, Entity | Place, str]]]
) -> list[tuple[int, int, int]]:
    """Matches not inside a longer entity name: no entity inside a longer entity's name and
    no place inside an entity's name ('Shanghai' in 'Shanghai International Port Group').
    Inside a place's name, an entity ('UIBE' in 'UIBE campus, Petah Tikva') and a place
    the text names in it ('Petah Tikva') are kept; a place inside the same place's longer
    alias is one hit."""

    def kind(i: int) -> str:
        return "entity" if any(o[0] == "entity" for o in owners[i]) else "place"

    spans = sorted(raw, key=lambda m: (m[1], -(m[2] - m[1])))
    out = []
    open_spans: list[tuple[int, int, int]] = []  # earlier spans that reach this start
    for index, start, end in spans:
        open_spans = [m for m in open_spans if m[2] > start]
        inside = any(
            end <= e
            and (e - s) > (end - start)
            and (kind(i) == "entity" or owners[i][0][1] is owners[index][0][1])
            for i, s, e in open_spans
        )
        open_spans.append((index, start, end))
        if not inside:
            out.append((index, start, end))
    return out


def _bounded(text: str, start: int, end: int, alias: str) -> bool:
    """Whole words only; a short all-capital alias must appear in capitals."""
    found = text[start:end]
    if len(alias) <= 5 and alias.isupper() and found != alias:
        return False
    first, last = found[0], found[-1]
    if word_char(first) and not is_cjk(first) and start > 0:
        before = text[start - 1]
        hebrew_prefix = before in _HEBREW_PREFIXES and (start < 2 or not word_char(text[start - 2]))
        if word_char(before) and not is_cjk(before) and not hebrew_prefix:
            return False
    if word_char(last) and not is_cjk(last) and end < len(text):
        after = text[end]
        if word_char(after) and not is_cjk(after):
            return False
    return True


# --- Names with a legal form --------------------------------------------------------------

_LEGAL_FORM = (
    r"(?:Co\.?,?\s*Ltd\.?|Company\s+Limited|Private\s+Limited|Pte\.?\s+Ltd\.?|Pty\.?\s+Ltd\.?"
    r"|Sdn\.?\s+Bhd\.?|Co\.|Ltd\.?|Limited|Inc\.?|Incorporated|Corp\.?|Corporation|GmbH"
    r"|S\.(?:a|à)\.?\s?r\.?\s?l\.?|S\.p\.A\.?|SpA|S\.A\.S\.?|S\.A\.|S\.L\.|SA|SAS|AG|SE|AB|ASA"
    r"|A/S|Oy|KG|PJSC|JSC|PLC|Plc|plc|LLC|L\.L\.C\.|LLP|LP|L\.P\.|B\.V\.?|N\.V\.?|BV|NV|K\.K\.)"
)
#: Words that make a capitalised name an organisation's without a legal form ('Delek Group',
#: 'Qatar Holding', 'Lion Capital'): found with a lower confidence than a legal form.
_ORG_WORD = (
    r"(?:Group|Holdings?|Capital|Partners|Investments|Fund|Industries|Technologies"
    r"|Systems|Microsystems|Semiconductors?|Electronics|Pharmaceuticals?|Aerospace|Hospitality"
    r"|Ventures|Enterprises|Motors|Airlines|Telecom|Communications)"
)
_WORD = r"(?:[A-Z][\w'’&.\-]*|\([A-Z][\w ]*\))"
_LATIN_ORG = re.compile(
    rf"(?<![\w&])({_WORD}(?:[ \t]+(?:(?:of|and|for|de|&)[ \t]+)?{_WORD}){{0,7}}),?[ \t]+"
    rf"({_LEGAL_FORM})(?![\w])"
)
_CUE_ORG = re.compile(
    rf"(?<![\w&])({_WORD}(?:[ \t]+(?:&[ \t]+)?{_WORD}){{0,5}}?[ \t]+{_ORG_WORD})(?![\w'’])"
)
#: Words that do not make a name: nationalities and generic heads ('Chinese Group').
_NOT_DISTINCTIVE_WORDS = (
    "Chinese Israeli China Israel State National International Foreign Global US UK EU "
    "Asian European American Western Private Public Joint Investment Venture"
)
_NOT_DISTINCTIVE = frozenset(_NOT_DISTINCTIVE_WORDS.split())
#: Abbreviations that end in a full stop inside a name (a longer word with one ends a sentence).
_ABBREVIATION_WORDS = "Co Inc Corp Ltd Bros Intl Mfg St Mt Dr Mr Jr Sr"
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_CJK_ORG = re.compile(
    r"([\u4e00-\u9fff（）()]{2,30}?(?:股份有限公司|有限责任公司|有限公司|集团公司))"
)
_HEBREW_ORG = re.compile(r"((?:[\u05d0-\u05ea][\u05d0-\u05ea'\"״׳\-]*\s+){1,6}בע[\"״]מ)")
#: Hebrew words that end the text before a company's name ('between', 'with', 'company of').
_HEBREW_BOUNDARIES = frozenset({"בין", "לבין", "עם", "של", "את", "עבור", "על", "ידי", "חברת"})
#: Words that start a sentence, not a name: dropped from the front of a match.
_LEADING_WORDS = (
    "The In On At By And With From For Under Between Both Its Their This That A An As "
    "Also Meanwhile Yesterday Today When While After Before Since Then Last Next"
)
LEADING = frozenset(_LEADING_WORDS.split())
_LEADING = LEADING


def legal_names(text: str) -> Iterator[tuple[str, int, int, bool]]:
    """Every organisation name with a legal form or an organisation word: (name, start,
    end, True for a legal form)."""
    spans: list[tuple[int, int]] = []
    for rx, legal in ((_LATIN_ORG, True), (_CUE_ORG, False)):
        for m in rx.finditer(text):
            start = _name_start(text, m.start(1), m.end())
            if start is None or any(s < m.end() and start < e for s, e in spans):
                continue
            spans.append((start, m.end()))
            yield text[start : m.end()].rstrip(",. "), start, m.end(), legal
    for m in _CJK_ORG.finditer(text):
        yield m.group(1).strip(), m.start(1), m.end(1), True
    for m in _HEBREW_ORG.finditer(text):
        words = m.group(1).split()
        cut = max((i + 1 for i, w in enumerate(words[:-1]) if w in _HEBREW_BOUNDARIES), default=0)
        name = " ".join(words[cut:])
        yield name, m.end(1) - len(name), m.end(1), True


def _name_start(text: str, start: int, end: int) -> int | None:
    """Where the name in [start, end) begins: after a sentence's end inside it ('… CFIUS.
    ByteDance Ltd'), past words that start a sentence ('The', 'In'), and past a possessive
    ('China's Fosun Group'); None when no distinctive word is left."""
    cut = 0
    for stop in re.finditer(r"(\S+)\.[ \t]+(?=[A-Z])", text[start:end]):
        word = stop.group(1)
        if len(word) > 1 and word not in _ABBREVIATIONS and "." not in word:
            cut = stop.end()
    start += cut
    for joined in re.finditer(rf"\b{_ORG_WORD}[ \t]+and[ \t]+(?=[A-Z])", text[start:end]):
        start += joined.end()  # 'Delek Group and Silex AB': two names, not one
        break
    while (lead := re.match(r"(\S+)[ \t]+", text[start:end])) is not None:
        word = lead.group(1)
        if not (word in _LEADING or word.endswith(("'s", "’s")) or not word[:1].isupper()):
            break
        start += lead.end()
    words = [w for w in re.findall(r"[\w'’&.\-]+", text[start:end]) if w[:1].isupper()]
    if not any(w.rstrip(".") not in _NOT_DISTINCTIVE for w in words[:-1]):
        return None
    return start


def resolve_legal_names(
    text: str, hits: list[NameHit], index: EntityIndex, min_score: float
) -> tuple[list[NameHit], list[OrgName]]:
    """Legal-form names outside the automaton's hits: fuzzy registry hits and the rest."""
    taken = [(h.start, h.end) for h in hits if h.kind == "entity"]
    found: list[NameHit] = []
    unresolved: list[OrgName] = []
    for name, start, end, legal in legal_names(text):
        if any(s < end and start < e for s, e in taken):
            continue
        taken.append((start, end))
        match = index.match(name, min_score)
        if match.hit is not None:
            found.append(
                NameHit("entity", match.hit.item, match.hit.alias, start, end, match.hit.score)
            )
        else:
            near = match.nearest
            nearest = f"'{near.alias}' scored {near.score:g} < {min_score:g}" if near else None
            unresolved.append(OrgName(name, start, end, nearest, legal))
    return found, unresolved


def short_references(
    text: str, names: list[str], places: set[str]
) -> dict[str, list[tuple[int, int]]]:
    """Where the text names an organisation again by its first distinctive word alone
    ('Hytera' for Hytera Communications, 'Shiji' for Beijing Shiji Information Technology
    Co., Ltd.): leading places and countries ('Beijing', 'Qatar') are passed over, the word
    must be four letters or more, belong to one name only, and not stand before another
    capitalised word (then it begins a longer name)."""
    shorts: dict[str, str] = {}
    taken: dict[str, int] = {}
    for name in names:
        for word in re.findall(r"[\w'’&.\-]+", name):
            if word.lower() in places:
                continue
            if word[:1].isupper() and len(word) >= 4 and word not in _NOT_DISTINCTIVE:
                shorts[name] = word
                taken[word] = taken.get(word, 0) + 1
            break
    out: dict[str, list[tuple[int, int]]] = {}
    for name, word in shorts.items():
        if taken[word] > 1 or word in _LEADING:
            continue
        rx = re.compile(rf"(?<![\w’'\-]){re.escape(word)}(?![\w\-])(?![ \t]+[A-Z])")
        out[name] = [m.span() for m in rx.finditer(text)]
    return out
