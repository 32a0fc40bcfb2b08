"""Partial dates: the parser and the JSON Schema pattern agree on every date of the range."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import pickle
import re

import pytest

from screening.models.partial_date import PATTERN, YEAR_MAX, YEAR_MIN, PartialDate

PATTERN_RE = re.compile(PATTERN)


def _parses(text: str) -> bool:
    try:
        PartialDate(text)
    except ValueError:
        return False
    return True


def test_pattern_and_parser_agree_on_every_year_month_and_day_shape() -> None:
    """Years 1890-2110, months 00-13, days 00-32, each with and without `~`: ~140,000 texts."""
    disagree = []
    for year in range(YEAR_MIN - 10, YEAR_MAX + 11):
        texts = [f"{year}"] + [f"{year}-{m:02d}" for m in range(14)]
        texts += [f"{year}-{m:02d}-{d:02d}" for m, d in itertools.product(range(14), range(33))]
        for text in texts:
            for variant in (text, f"{text}~"):
                if bool(PATTERN_RE.fullmatch(variant)) != _parses(variant):
                    disagree.append(variant)
    assert disagree == []


def test_the_pattern_accepts_each_real_day_and_no_other() -> None:
    days = sum(366 if calendar.isleap(y) else 365 for y in range(YEAR_MIN, YEAR_MAX + 1))
    accepted = [
        f"{y}-{m:02d}-{d:02d}"
        for y, m, d in itertools.product(range(YEAR_MIN, YEAR_MAX + 1), range(1, 13), range(1, 32))
        if PATTERN_RE.fullmatch(f"{y}-{m:02d}-{d:02d}")
    ]
    assert len(accepted) == days
    assert (
        "2000-02-29" in accepted and "2100-02-29" not in accepted and "1900-02-29" not in accepted
    )


@pytest.mark.parametrize(
    "text",
    ["", "15", "2015-1", "2015-001", "2015/10", "~2015", "2015~~", "2015-10-03T10:00", " 2015"],
)
def test_shapes_that_are_not_dates(text: str) -> None:
    assert not _parses(text)
    assert not PATTERN_RE.fullmatch(text)


def test_other_scripts_digits_are_not_years() -> None:
    arabic_indic_2015 = "\u0662\u0660\u0661\u0665"
    assert not _parses(arabic_indic_2015)
    assert not PATTERN_RE.fullmatch(arabic_indic_2015)


def test_what_a_partial_date_knows() -> None:
    month = PartialDate("2015-10~")
    assert (month.year, month.month, month.day, month.approximate) == (2015, 10, None, True)
    assert (month.earliest, month.latest) == (dt.date(2015, 10, 1), dt.date(2015, 10, 31))
    year = PartialDate("2016")
    assert (year.earliest, year.latest, year.approximate) == (
        dt.date(2016, 1, 1),
        dt.date(2016, 12, 31),
        False,
    )
    assert PartialDate("2016-02").latest == dt.date(2016, 2, 29)
    assert PartialDate("2015-10-03").earliest == PartialDate("2015-10-03").latest


def test_it_is_its_text_everywhere() -> None:
    date = PartialDate("2015-10-03~")
    assert date == "2015-10-03~" and date.isoformat() == "2015-10-03~"
    assert repr(date) == "PartialDate('2015-10-03~')"
    again = pickle.loads(pickle.dumps(date))
    assert type(again) is PartialDate and again.approximate and again.day == 3


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2015, "2015"),
        (2015.0, "2015"),
        (dt.date(2015, 10, 3), "2015-10-03"),
        ("2015-10", "2015-10"),
    ],
)
def test_from_what_yaml_gives(value: object, text: str) -> None:
    assert PartialDate.of(value) == text


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (True, "a date as YYYY"),
        (2015.5, "a date as YYYY"),
        (dt.datetime(2015, 10, 3, 10, 0), "without a time"),
        (1850, "a year from 1900 to 2100"),
        ("2015-02-29", "a day that exists (2015-02 has 28 days)"),
        ("2015-13", "a date as YYYY"),
    ],
)
def test_what_is_not_a_date_and_why(value: object, why: str) -> None:
    with pytest.raises(ValueError, match=re.escape(why)):
        PartialDate.of(value)
