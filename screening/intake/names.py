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
    """Matches not inside a longer one of the same kind, and no place inside an entity's
    name ('Shanghai' in 'Shanghai International Port Group'); an entity inside a place's
    name ('UIBE' in 'UIBE campus, Petah Tikva') is kept."""

    def kind(i: int) -> str:
        return "entity" if any(o[0] == "entity" for o in owners[i]) else "place"

    spans = sorted(raw, key=lambda m: (m[1], -(m[2] - m[1])))
    out = []
    open_spans: list[tuple[int, int, int]] = []  # earlier spans that reach this start
    for index, start, end in spans:
        open_spans = [m for m in open_spans if m[2] > start]
        inside = any(
            end <= e and (e - s) > (end - start) and kind(i) in (kind(index), "entity")
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
    r"(?:Co\.,?\s*Ltd\.?|Company\s+Limited|Co\.|Ltd\.?|Limited|Inc\.?|Incorporated|Corp\.?"
    r"|Corporation|GmbH|AG|S\.A\.|SA|S\.p\.A\.|PLC|plc|LLC|L\.L\.C\.|LLP|Pte\.?\s+Ltd\.?"
    r"|B\.V\.|N\.V\.|Pty\.?\s+Ltd\.?)"
)
_WORD = r"(?:[A-Z][\w'’&.\-]*|\([A-Z][\w ]*\))"
_LATIN_ORG = re.compile(
    rf"(?<![\w&])({_WORD}(?:[ \t]+(?:(?:of|and|for|de|&)[ \t]+)?{_WORD}){{0,7}}),?[ \t]+"
    rf"({_LEGAL_FORM})(?![\w])"
)
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
_LEADING = frozenset(_LEADING_WORDS.split())


def legal_names(text: str) -> Iterator[tuple[str, int, int]]:
    """Every organisation name with a legal form: (name, start, end)."""
    for m in _LATIN_ORG.finditer(text):
        words = m.group(1).split()
        start = m.start(1)
        while words and words[0] in _LEADING:
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else m.end(1)
            words = words[1:]
        if not words:
            continue
        yield text[start : m.end()].rstrip(",. "), start, m.end()
    for m in _CJK_ORG.finditer(text):
        yield m.group(1).strip(), m.start(1), m.end(1)
    for m in _HEBREW_ORG.finditer(text):
        words = m.group(1).split()
        cut = max((i + 1 for i, w in enumerate(words[:-1]) if w in _HEBREW_BOUNDARIES), default=0)
        name = " ".join(words[cut:])
        yield name, m.end(1) - len(name), m.end(1)


def resolve_legal_names(
    text: str, hits: list[NameHit], index: EntityIndex, min_score: float
) -> tuple[list[NameHit], list[OrgName]]:
    """Legal-form names outside the automaton's hits: fuzzy registry hits and the rest."""
    taken = [(h.start, h.end) for h in hits if h.kind == "entity"]
    found: list[NameHit] = []
    unresolved: list[OrgName] = []
    for name, start, end in legal_names(text):
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
            unresolved.append(OrgName(name, start, end, nearest))
    return found, unresolved


# --- Public bodies and people, by pattern ---------------------------------------------------


@dataclass(frozen=True)
class PatternName:
    """A public body or a person the text names by a pattern (no registry entry needed)."""

    name: str
    start: int
    end: int
    kind: str  # a party kind: ministry, government_agency, municipality, regional_government,
    # person
    level: str | None = None  # government level the words state (municipal, regional, central)
    title: str | None = None  # a person's title as written ('Mayor', 'CEO of NDRC-ICC')


_CAP = r"[A-Z][\w’'\-]*"
#: Words that start a body's name but are not part of it, or make it a generic reference.
_BODY_HEADS = r"(?:Ministry|Municipality|Department|Bureau)"
_BODY_TAILS = (
    r"(?:Committee|Commission|Authority|Agency|Council|Bureau|Administration|Office|Ministry"
    r"|Municipality|municipality|People['’]s\s+Government|Municipal\s+Government)"
)
_CAP_NOT_HEAD = rf"(?!{_BODY_HEADS}\b){_CAP}"
_OF_COUNTRY = (
    r"(?:\s+of\s+(?:the\s+)?(?:State\s+of\s+Israel|People['’]s\s+Republic\s+of\s+China"
    r"|Israel|China))"
)
_MINISTRY_OF = re.compile(
    rf"\b({_BODY_HEADS}\s+of\s+(?:the\s+)?{_CAP_NOT_HEAD}"
    rf"(?:(?:,\s*|\s+and\s+|\s+&\s+|\s+){_CAP_NOT_HEAD}){{0,5}}{_OF_COUNTRY}?)"
)
_TAIL_WORDS = r"(?:Committee|Commission|Authority|Agency|Council|Bureau|Administration|Office)"
_NAMED_BODY = re.compile(
    rf"((?:(?!{_TAIL_WORDS}\b){_CAP}[ \t]+(?:(?:and|for|on|of|&)[ \t]+)?){{0,6}}{_BODY_TAILS}\b"
    rf"(?:[ \t]+(?:on|for|of)[ \t]+{_CAP}(?:[ \t]+(?:and[ \t]+)?{_CAP}){{0,4}})?)"
)
_CJK_BODY = re.compile(r"([\u4e00-\u9fff]{2,14}?(?:人民政府|委员会|管理局))")
_HEBREW_BODY = re.compile(r"((?:עיריית|משרד)\s+[\u05d0-\u05ea][\u05d0-\u05ea'\"״׳\-]*)")
#: Words that do not make a body's name distinctive ('City Council', 'the Local Authority').
_GENERIC_WORDS = (
    "The City State National Central Local Federal Regional Municipal Joint Government "
    "Foreign Interior Security Relevant Proper Israeli Chinese Israel China This That "
    "Its Their Our Both Each Every Any Such"
)
_GENERIC = frozenset(_GENERIC_WORDS.split())


def _body_kind(name: str) -> tuple[str, str | None]:
    low = name.lower()
    if "municipal" in low or low.startswith("city of") or "עיריית" in name:
        return "municipality", "municipal"
    if "people's government" in low.replace("’", "'") or "人民政府" in name:
        return "regional_government", "regional" if "provinc" in low else None
    if low.startswith("ministry") or low.endswith("ministry") or name.startswith("משרד"):
        return "ministry", "central"
    if low.startswith("national ") or low.startswith("state ") or name.startswith("国家"):
        return "government_agency", "central"
    return "government_agency", None


def public_bodies(text: str) -> Iterator[PatternName]:
    """Ministries, municipalities, people's governments, committees, commissions,
    authorities, agencies, councils, bureaus and offices named with their own words
    ('Ministry of Economy and Industry of Israel', 'Shanghai Science and Technology
    Commission', 'Council for Higher Education', 'עיריית אשדוד', '武汉市人民政府')."""
    spans: list[tuple[int, int]] = []
    for rx in (_MINISTRY_OF, _NAMED_BODY):
        for m in rx.finditer(text):
            words = m.group(1).split()
            start = m.start(1)
            while words and (words[0] in _LEADING or words[0].endswith(("'s", "’s"))):
                start = text.index(words[1], start + len(words[0])) if len(words) > 1 else m.end(1)
                words = words[1:]
            name = text[start : m.end(1)].rstrip(",. ")
            end = start + len(name)
            if len(words) < 2 or any(s < end and start < e for s, e in spans):
                continue
            distinctive = [w for w in re.findall(_CAP, name) if w not in _GENERIC]
            if len(distinctive) < 2:  # the tail and one more word, at least
                continue
            spans.append((start, end))
            kind, level = _body_kind(name)
            yield PatternName(" ".join(name.split()), start, end, kind, level)
    for rx in (_CJK_BODY, _HEBREW_BODY):
        for m in rx.finditer(text):
            kind, level = _body_kind(m.group(1))
            yield PatternName(m.group(1), m.start(1), m.end(1), kind, level)


_PERSON_WORD = r"[A-Z][a-z]+(?:[\-’'][A-Z]?[a-z]+)?"
_PERSON = rf"({_PERSON_WORD}(?:[ \t]+{_PERSON_WORD}){{1,2}})"
_TITLES = (
    r"(?:Vice[ \t]+President|President|Premier|Prime[ \t]+Minister|(?:Foreign[ \t]+|Deputy[ \t]+)?"
    r"Minister|Mayor|Ambassador|Chairman|Chairwoman|Chair|CEO|Director|Governor|Secretary"
    r"|Attaché|Consul|Senator|Member|Professor|Prof\.|Dr\.|Mr\.?|Ms\.?|Mrs\.?)"
)
_TITLE_LOWER = (
    r"(?:(?:vice[ \t]+|deputy[ \t]+|former[ \t]+)?(?:minister|mayor|chairman|chairwoman|chair"
    r"|CEO|head|president|director|chief|ambassador|consul(?:-general)?|charge|chargé"
    r"|spokesperson|spokesman|founder|secretary|governor|professor|adviser|advisor))"
)
_TITLED = re.compile(
    rf"(?<![\w])({_TITLES})(?:[ \t]*\([^()\n]{{1,40}}\)|[ \t]+(?:in|to)[ \t]+{_CAP})?[ \t]+"
    rf"(?:(?:Dr\.|Prof\.)[ \t]+)?{_PERSON}"
)
_APPOSITIVE = re.compile(
    rf"{_PERSON},[ \t]+(?:(?:the|a|an|then|now)[ \t]+)?(?:{_CAP}[ \t]+)?({_TITLE_LOWER}|who"
    r"[ \t]+(?:heads|headed|leads|led|represents|represented|chairs|chaired|runs|ran))\b"
)
_TITLE_THEN_NAME = re.compile(
    rf"(?<![\w])({_TITLES})(?:[ \t]+(?:in|to|of)[ \t]+{_CAP})?,[ \t]+{_PERSON}(?=[,.;)])"
)
_ACTED_BY = re.compile(rf"\b((?:led|signed|headed|chaired)[ \t]+by|By:)[ \t]+{_PERSON}")
#: Capitalised words that are not people's names.
_NOT_NAME_WORDS = (
    "The This That Israel Israeli China Chinese Ministry Ministers Authority Committee "
    "Commission Council Company Group Bank University Government City State National "
    "Foreign Affairs Economy Industry Science Technology Innovation Port Ports Mayor "
    "Minister President Chairman January February March April May June July August "
    "September October November December Monday Tuesday Wednesday Thursday Friday "
    "Saturday Sunday Knesset Belt Road Initiative Silk Center Centre Park Joint Republic "
    "People Party Communist Central Development Reform International Cooperation Embassy "
    "Municipality Department Bureau Agency Office Military Prime Vice Premier Terminal "
    "Corporation Holdings Fund Capital Partners Institute School Association"
)
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())


def people(text: str) -> Iterator[PatternName]:
    """People named with a title or office: 'Shanghai Mayor Ying Yong', 'Ami Appelbaum,
    chairman of …', 'the Chinese Ambassador in Israel, Gao Yanping', 'led by Yehuda
    Frankel', a signature block's 'By: Name'. A name is two or three capitalised words
    none of which names a country, an institution or a month."""
    found: list[tuple[int, int]] = []
    for rx, name_group, title_group in (
        (_TITLED, 2, 1),
        (_APPOSITIVE, 1, 2),
        (_TITLE_THEN_NAME, 2, 1),
        (_ACTED_BY, 2, 1),
    ):
        for m in rx.finditer(text):
            start, end = m.start(name_group), m.end(name_group)
            words = m.group(name_group).split()
            if any(w in _NOT_NAMES or w in _LEADING for w in words):
                continue
            if any(s < end and start < e for s, e in found):
                continue
            found.append((start, end))
            title = None if rx is _ACTED_BY else m.group(title_group)
            yield PatternName(" ".join(words), start, end, "person", None, title)
