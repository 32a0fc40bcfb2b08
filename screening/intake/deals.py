"""Names the deal's own words give a role: who acquires, who sells, what is acquired.

A buyer is often named by its short name alone ('the takeover of Norsat by the Chinese
company Hytera', 'Midea's offer for KUKA', 'Delek Group … the sale of its stake in The
Phoenix to China's Fosun'): no legal form, no registry entry, only the sentence's grammar
says it is a company and what it does. Each pattern below reads one such construction; the
name is a run of capitalised words (or a brand such as 'iCarbonX', '3Leaf'), after any
descriptor ('the Chinese company', 'China's') is set aside. Nothing else is guessed: a
word the pattern does not put in a role slot is not a name here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from screening.models.common import currency_codes

#: A capitalised word, a dotted abbreviation ('U.S.'), a brand ('3Leaf', 'iCarbonX').
_CAP = (
    r"(?:(?:[A-Z]\.){2,}(?=[ \t]+[A-Z])|[A-Z][\w'’&\-]*[\w]|[A-Z]|\d+[A-Za-z][\w\-]*"
    r"|[a-z][A-Z][\w\-]*)"
)
#: A name: one to five capitalised words, '&' or 'of' between them ('Bank of China').
_NAME = rf"({_CAP}(?:[ \t]+(?:(?:&|of)[ \t]+)?{_CAP}){{0,4}})"
#: What may stand before a name and is not part of it: 'the Chinese company', 'China's'.
_DESCRIPTOR = (
    r"(?:(?:the|a|an)[ \t]+)?(?:(?:[A-Z][a-z]+|[a-z][\w\-]*)[ \t]+){0,3}(?:company|firm|group"
    r"|investor|buyer|maker|chipmaker|manufacturer|insurer|operator|conglomerate|fund|consortium|giant|start-up|startup"
    r"|subsidiary|unit|arm)[ \t]+|[A-Z][a-z]+['’]s[ \t]+"
)
_D = rf"(?:{_DESCRIPTOR})?"
_ACT = r"(?:acquisition|takeover|purchase|buyout|bid|offer|investment)"
_BUY = r"(?:acquire[sd]?|acquiring|bought|buys?|buying|purchased?|took[ \t]+over|takes?[ \t]+over)"
_AUX = (
    r"(?:(?:has|had|have|is|are|was|were|will|would|plans[ \t]+to"
    r"|agreed(?:[ \t]+(?:on|in)[ \t]+[\w ,]{1,25}?)?[ \t]+to"
    r"|planned[ \t]+to|is[ \t]+to|was"
    r"[ \t]+to|sought[ \t]+to|tried[ \t]+to|wants[ \t]+to|offered[ \t]+to|to)[ \t]+)?"
)
_SHARE = (
    r"(?:(?:a[ \t]+)?[\d.,]+[ \t]*(?:%|per[ \t]*cent|percent)[ \t]+(?:stake[ \t]+)?(?:of|in)"
    r"[ \t]+|(?:a|an|its|the|their)[ \t]+(?:\w+[ \t]+){0,2}(?:stake|holding|interest)[ \t]+in"
    r"[ \t]+)?"
)
_PLACE_TAIL = r"(?:[ \t]+(?:in|of)[ \t]+[A-Z][\w\-]*)?"

#: (pattern, role of each named group): a acquirer, t target, s seller, i/j/k investor.
PATTERNS: tuple[tuple[re.Pattern[str], dict[str, str]], ...] = tuple(
    (re.compile(rx), roles)
    for rx, roles in (
        # the acquisition of T (in Place) by A
        (
            rf"\b{_ACT}[ \t]+(?:for|of)[ \t]+(?:the[ \t]+(?:\w+[ \t]+){{1,3}}of[ \t]+)?"
            rf"(?:{_D}(?P<t>{_NAME}){_PLACE_TAIL}|[^\s,.;]+)(?:,[^.;]{{3,80}}?,)?[ \t]+by[ \t]+"
            rf"{_D}(?P<a>{_NAME})",
            {"a": "acquirer", "t": "target"},
        ),
        # the acquisition by A of T
        (
            rf"\b{_ACT}[ \t]+by[ \t]+{_D}(?P<a>{_NAME})[ \t]+(?:of|for|in)[ \t]+{_D}(?P<t>{_NAME})",
            {"a": "acquirer", "t": "target"},
        ),
        # A's (proposed) takeover of T
        (
            rf"(?P<a>{_NAME})['’]s?[ \t]+(?:[^\s,;]*[^\s,.;][ \t]+){{0,3}}?{_ACT}"
            rf"(?:[ \t]+(?:of|for|in)[ \t]+{_SHARE}{_D}(?:the[ \t]+)?(?P<t>{_NAME}))?",
            {"a": "acquirer", "t": "target"},
        ),
        # A (has agreed to) acquire(d) (a 50% stake in) T
        (
            rf"{_D}(?P<a>{_NAME})(?:,[^,.;]{{3,80}},)?[ \t]+{_AUX}(?:[a-z]+[ \t]+)?{_BUY}"
            rf"(?:,[^,.;]{{3,60}},)?(?:[ \t]+{_SHARE}{_D}(?:the[ \t]+)?(?P<t>{_NAME}))?",
            {"a": "acquirer", "t": "target"},
        ),
        # the sale of (its stake in) T to A
        (
            rf"\bsale[ \t]+of[ \t]+(?:[^.;]{{0,50}}?[ \t]+(?:in|of)[ \t]+)?{_D}(?P<t>{_NAME})"
            rf"[ \t]+to[ \t]+{_D}(?P<a>{_NAME})",
            {"a": "acquirer", "t": "target"},
        ),
        # T was sold to A
        (
            rf"(?:{_D}(?P<t>{_NAME})[ \t]+(?:was|is|has[ \t]+been|will[ \t]+be)[ \t]+)?sold"
            rf"[ \t]+(?:[^.;]{{0,40}}?[ \t]+)?to[ \t]+{_D}(?P<a>{_NAME})",
            {"a": "acquirer", "t": "target"},
        ),
        # bought … from S
        (
            rf"\b(?:bought|acquired|purchased|buys|acquires)[ \t]+[^.;]{{0,60}}?[ \t]+from[ \t]+"
            rf"{_D}(?P<s>{_NAME})",
            {"s": "seller"},
        ),
        # owned by I; its (majority) owner, I; I (has) invested in
        (
            rf"\b(?:(?:now|wholly|majority|partly)[ \t]+)?(?:owned|controlled)[ \t]+by[ \t]+{_D}"
            rf"(?P<i>{_NAME})|\bowner,?[ \t]+{_D}(?P<j>{_NAME})|(?P<k>{_NAME})[ \t]+{_AUX}"
            r"invest(?:s|ed)?[ \t]+in\b",
            {"i": "investor", "j": "investor", "k": "investor"},
        ),
    )
)
#: Words no company name in a role slot holds: titles and legal instruments.
_TITLES_AND_INSTRUMENTS = (
    "Treasurer Secretary Chancellor Mayor Governor Premier Act Law Treaty Regulation Directive"
)
_NEVER_IN_NAMES = frozenset(_TITLES_AND_INSTRUMENTS.split())
#: Capitalised words that are not names in a role slot: pronouns, places of speech, months,
#: and the words above.
_NOT_NAMES_WORDS = (
    "The It Its It's This That These Those He She They We I Government Ministry Minister "
    "Prime President Court Parliament Cabinet Council State Treasury Washington "
    "January February March April May June July August September October November December "
    "Chinese American British German French Italian Dutch Canadian Australian Israeli "
    "Both Each All A An Order"
)
_NOT_NAMES = _NEVER_IN_NAMES | frozenset(_NOT_NAMES_WORDS.split())


@dataclass(frozen=True)
class DealName:
    """A name at [start, end) that the words around it give `role` (acquirer, seller,
    target), and the whole construction [cue_start, cue_end) that says so."""

    name: str
    role: str
    start: int
    end: int
    cue_start: int
    cue_end: int


def deal_names(text: str) -> Iterator[DealName]:
    """Every name a deal construction gives a role, in text order of the constructions."""
    for pattern, roles in PATTERNS:
        for m in pattern.finditer(text):
            for group, role in roles.items():
                if m.group(group) is None:
                    continue
                name, start = _trimmed(m.group(group), m.start(group))
                if name and not _country(name):
                    yield DealName(name, role, start, start + len(name), m.start(), m.end())


def _trimmed(name: str, start: int) -> tuple[str, int]:
    """The name without words before it that are not names ('Chinese', a possessive such as
    'Qatar's') or a trailing 'of'; '' when nothing is left. 'The' stays: 'The Phoenix'."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", name)]

    def leading(w: str) -> bool:
        return (w in _NOT_NAMES and w != "The") or w.endswith(("'s", "’s"))

    while len(words) > 1 and leading(name[slice(*words[0])]):
        words = words[1:]
    while words and name[slice(*words[-1])] in {"of", "&", "The"}:
        words = words[:-1]
    if not words or all(name[s:e] in _NOT_NAMES for s, e in words):
        return "", start
    if any(name[s:e] in _NEVER_IN_NAMES or name[s:e] in currency_codes() for s, e in words):
        return "", start  # 'Investment Canada Act of Zijin', 'AUD 600m': not a company's name
    if re.search(r"-(?:owned|based|listed|backed)$", name[slice(*words[-1])]):
        return "", start
    if name[words[0][0]].isdigit() and not re.search(r"[A-Z]", name[slice(*words[0])]):
        return "", start  # '1bn', '20th': a figure, not a brand such as '3Leaf'
    return name[words[0][0] : words[-1][1]], start + words[0][0]


@lru_cache(maxsize=4096)  # names recur; a batch of documents must not grow it
def _country(name: str) -> bool:
    """A country's name or code ('Israel', 'Canada', 'US'): a place, not a company."""
    try:
        pycountry.countries.lookup(name)
    except LookupError:
        return name in {"US", "UK", "EU", "Britain", "America"}
    return True
