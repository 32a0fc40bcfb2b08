"""Public bodies and people named by a pattern of their own words: no registry entry needed.

A ministry, a municipality, a people's government or a commission names itself ('Ministry
of …', '… Commission', '人民政府', 'עיריית …'); a person is named with a title or office
('Shanghai Mayor Ying Yong', 'Ami Appelbaum, chairman of …', 'led by …'). Both become
parties of the kind their words state, left unresolved (country unknown), and only when
the text ties them to the deal (see `extract.split`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from screening.intake.names import LEADING as _LEADING


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


_PERSON_WORD = r"[A-Z][a-z]+(?:[\-’'](?![st]\b)[A-Z]?[a-z]+)?"  # 'O'Neil', not 'Draghi's'
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


def person_references(text: str, names: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Where the text names each person again: the full name anywhere, and its first or
    last word alone ('Lapid' for Yair Lapid; 'Ying' for Ying Yong, family name first) when
    that word belongs to no other person found, is not a word that names something else,
    and stands beside no other capitalised word (then it is part of another name)."""
    counts: Counter[str] = Counter()
    for name in names:
        parts = name.split()
        counts.update({parts[0], parts[-1]})
    out: dict[str, list[tuple[int, int]]] = {}
    for name in names:
        parts = name.split()
        short = [
            w
            for w in dict.fromkeys((parts[0], parts[-1]))
            if len(w) >= 3 and counts[w] == 1 and w not in _NOT_NAMES and w not in _LEADING
        ]
        spans: list[tuple[int, int]] = []
        for form in (name, *short):
            for m in re.finditer(rf"(?<![\w’'\-]){re.escape(form)}(?![\w\-])", text):
                s, e = m.span()
                if form != name and (_CAP_BEFORE.search(text, 0, s) or _CAP_AFTER.match(text, e)):
                    continue
                if not any(a < e and s < b for a, b in spans):
                    spans.append((s, e))
        out[name] = sorted(spans)
    return out


_CAP_BEFORE = re.compile(r"[A-Z][\w’'\-]*[ \t]+$")
_CAP_AFTER = re.compile(r"[ \t]+[A-Z]")
