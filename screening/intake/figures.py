"""Figures in the text: percentages, amounts of money, durations and dates.

A small set of regular expressions, not a general date parser: a draft case needs day,
month and year as the documents write them (English, ISO, Chinese), each with the words it
came from, and nothing read into a bare 'May' or 'in two years'. (dateparser's `search_dates`
would find dates in such words and needs locale data for every language; the forms below
are the ones the seed documents use, and each has a test.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from screening.models.common import currency_codes

MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for m in names
}
_MONTH = (
    r"(January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_YEAR = r"((?:19|20)\d\d)"

DATE_PATTERNS = (
    # 5 June 2018
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+{_YEAR}\b"), ("d", "m", "y")),
    # June 5, 2018
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b"), ("m", "d", "y")),
    # June 2018
    (re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b"), ("m", "y")),
    # 2018-06-05
    (re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b"), ("y", "m", "d")),
    # 2018年6月5日, 2018年6月
    (re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?"), ("y", "m", "d")),
)

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "twenty-five": 25,
    "thirty": 30, "forty": 40, "forty-nine": 49, "fifty": 50, "ninety-nine": 99,
}  # fmt: skip
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"


@dataclass(frozen=True)
class Figure:
    """A value read from [start, end) of the text."""

    value: object
    start: int
    end: int


def dates(text: str) -> Iterator[Figure]:
    """ISO partial dates ('2018', '2018-06', '2018-06-05') in text order, overlaps dropped."""
    found: list[Figure] = []
    for pattern, order in DATE_PATTERNS:
        for m in pattern.finditer(text):
            parts = dict(zip(order, m.groups(), strict=True))
            iso = _iso(parts)
            if iso and not any(f.start < m.end() and m.start() < f.end for f in found):
                found.append(Figure(iso, m.start(), m.end()))
    yield from sorted(found, key=lambda f: f.start)


def _iso(parts: dict[str, str | None]) -> str | None:
    year = int(parts["y"] or 0)
    month_word = parts.get("m") or ""
    month = MONTHS.get(month_word.lower().rstrip(".")) or (
        int(month_word) if month_word.isdigit() else 0
    )
    if not 1 <= month <= 12:
        return None
    day = int(parts.get("d") or 0)
    if day and not 1 <= day <= 31:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if day else f"{year:04d}-{month:02d}"


_PERCENT = re.compile(rf"{_NUMBER}\s?(?:%|％|per\s?cent\b|percent\b)|百分之\s?{_NUMBER}")


def percentages(text: str) -> Iterator[Figure]:
    for m in _PERCENT.finditer(text):
        value = float((m.group(1) or m.group(2)).replace(",", ""))
        if 0 < value <= 100:
            yield Figure(value, m.start(), m.end())


_SYMBOLS = {
    "us$": "USD", "$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD",
    "€": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP", "pound": "GBP", "pounds": "GBP",
    "¥": "CNY", "rmb": "CNY", "yuan": "CNY", "元": "CNY", "人民币": "CNY",
    "₪": "ILS", "nis": "ILS", "shekel": "ILS", "shekels": "ILS", "美元": "USD",
}  # fmt: skip
_SCALE = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9,
    "bn": 1e9, "b": 1e9, "trillion": 1e12, "万": 1e4, "亿": 1e8, "百万": 1e6,
}  # fmt: skip
_CODES = "|".join(sorted(currency_codes()))
_PREFIX = r"(US\$|\$|€|£|¥|₪|(?-i:NIS|RMB|" + _CODES + r"))"
_SCALE_RE = r"(thousand|million|billion|trillion|bn|mn|[mkb](?![a-z]))"
_SUFFIX = r"(dollars?|euros?|pounds?|yuan|shekels?|(?-i:NIS|RMB|" + _CODES + r"))"
_MONEY = (
    re.compile(rf"{_PREFIX}\s?{_NUMBER}(?:\s?{_SCALE_RE})?(?![\w%])", re.IGNORECASE),
    re.compile(rf"(?<![\w$€£¥₪]){_NUMBER}\s?{_SCALE_RE}?\s?{_SUFFIX}\b", re.IGNORECASE),
    re.compile(rf"{_NUMBER}\s?(万|亿|百万)?\s?(元|美元|人民币)"),
)


def amounts(text: str) -> Iterator[Figure]:
    """Amounts with a currency: value (amount, ISO 4217 code)."""
    found: list[Figure] = []
    for i, pattern in enumerate(_MONEY):
        for m in pattern.finditer(text):
            if i == 0:
                cur, number, scale = m.group(1), m.group(2), m.group(3)
            else:
                number, scale, cur = m.group(1), m.group(2), m.group(3)
            code = _SYMBOLS.get(cur.lower(), cur.upper())
            if code not in currency_codes():
                continue
            amount = float(number.replace(",", "")) * _SCALE.get((scale or "").lower(), 1.0)
            if any(f.start < m.end() and m.start() < f.end for f in found) or amount <= 0:
                continue
            found.append(Figure((amount, code), m.start(), m.end()))
    yield from sorted(found, key=lambda f: f.start)


_WORDS = "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
_DURATION = re.compile(
    rf"\b(\d{{1,3}}|{_WORDS})[\s-]+years?\b(?![\s-]+(?:old|ago|later|after|before))",
    re.IGNORECASE,
)
_DURATION_ZH = re.compile(r"(\d{1,3})\s*年(?:期|的?(?:租期|期限|特许经营))")


def durations(text: str) -> Iterator[Figure]:
    """Terms in years: 'a 25-year concession', 'for three years', '99年期'."""
    for pattern in (_DURATION, _DURATION_ZH):
        for m in pattern.finditer(text):
            word = m.group(1).lower()
            years = int(word) if word.isdigit() else _WORD_NUMBERS[word]
            if 0 < years <= 999:
                yield Figure(float(years), m.start(), m.end())


_ORDINALS = {"": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
#: "<target>, Australia's second-largest milk processor" / "<target>, the third-largest US
#: steelmaker": a rank written as an apposition right after the target's name, so a rank that
#: belongs to the buyer or to another company in the sentence is never read as the target's.
_RANK = (
    r",?\s+(?:the\s+|a\s+)?(?:(?P<country>(?:[A-Z][\w.&-]*\s)*[A-Z][\w.&-]*)['’]s\s+)?"
    r"(?:(?P<ord>second|third|fourth|fifth)[- ])?(?:largest|biggest)\s+"
    r"(?P<market>(?:[A-Za-z][\w&-]*\s){0,5}?[a-z][\w-]*?)"
    r"(?=\s*[,.;:()]|\s+(?:and|with|which|that|by|in|for|from|to|on|at)\b|\s*$)"
)


def market_rank(text: str, name: str) -> Figure | None:
    """The rank the text gives the named target in its market, as an apposition to its
    name; value (rank, market as written, with the country where the text names one)."""
    match = re.search(re.escape(name) + _RANK, text)
    if match is None:
        return None
    market = match["market"].strip()
    if match["country"]:
        market = f"{market} ({match['country']})"
    start = match.start() + len(name)
    return Figure((_ORDINALS[match["ord"] or ""], market), start, match.end())
