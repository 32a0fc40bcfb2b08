"""Dates as filings give them: to the year, month or day, and sometimes only roughly.

A source says "in 2015", "October 2015" or "around 2015"; a full date would invent what it
does not say. `PartialDate` keeps what is known, written as ISO 8601 (`2015`, `2015-10`,
`2015-10-03`) with the `~` mark of ISO 8601-2 (EDTF) for approximate (`2015~`). It is a
`str` so it reaches rule facts, JSON and templates as that text unchanged. The JSON Schema
pattern is generated here beside the parser, and a test checks both on every day of the range.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

YEAR_MIN, YEAR_MAX = 1900, 2100
EXPECTED = "a date as YYYY, YYYY-MM or YYYY-MM-DD (end it with ~ when approximate: 2015~)"
_SHAPE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?(~?)")

# The same dates as one regular expression for JSON Schema validators ([0-9], not \d, which
# matches other scripts' digits in Python).
_YEAR = r"(?:19[0-9]{2}|20[0-9]{2}|2100)"
_LEAP_YEAR = r"(?:19(?:0[48]|[2468][048]|[13579][26])|20(?:[02468][048]|[13579][26]))"
_MONTH = r"(?:0[1-9]|1[0-2])"
_FULL_DATE = "|".join(
    (
        rf"{_YEAR}-{_MONTH}-(?:0[1-9]|1[0-9]|2[0-8])",
        rf"{_YEAR}-(?:0[13-9]|1[0-2])-(?:29|30)",
        rf"{_YEAR}-(?:0[13578]|1[02])-31",
        rf"{_LEAP_YEAR}-02-29",
    )
)
PATTERN = rf"^(?:{_YEAR}(?:-{_MONTH})?|{_FULL_DATE})~?$"


class PartialDate(str):
    """`2015`, `2015-10`, `2015-10-03`, each optionally ending in `~` (approximate)."""

    year: int
    month: int | None
    day: int | None
    approximate: bool

    def __new__(cls, text: str) -> PartialDate:
        """Parse `text`; a ValueError says what was expected instead."""
        match = _SHAPE.fullmatch(text)
        if match is None:
            raise ValueError(EXPECTED)
        year = int(match[1])
        month = int(match[2]) if match[2] else None
        day = int(match[3]) if match[3] else None
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise ValueError(f"a year from {YEAR_MIN} to {YEAR_MAX}")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(EXPECTED)
        if day is not None and month is not None:
            days = calendar.monthrange(year, month)[1]
            if not 1 <= day <= days:
                raise ValueError(f"a day that exists ({year}-{month:02d} has {days} days)")
        self = super().__new__(cls, text)
        self.year, self.month, self.day = year, month, day
        self.approximate = bool(match[4])
        return self

    @classmethod
    def of(cls, value: object) -> PartialDate:
        """From what YAML gives: a year (int), a date, or text. Booleans and times are not dates."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            raise ValueError(f"{EXPECTED}, without a time")
        if isinstance(value, dt.date):
            return cls(value.isoformat())
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON Schema counts 2015.0 as the integer 2015; so does this
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(f"{value:04d}")
        if isinstance(value, str):
            return cls(value)
        raise ValueError(EXPECTED)

    def isoformat(self) -> str:
        """The text as written (templates call `date.isoformat()` on dates)."""
        return str(self)

    @property
    def earliest(self) -> dt.date:
        """The first day the date can mean (approximation aside)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        """The last day the date can mean (approximation aside)."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def __repr__(self) -> str:
        return f"PartialDate({str(self)!r})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate, serialization=core_schema.to_string_ser_schema()
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
                {"type": "string", "pattern": PATTERN},
            ],
            "description": f"A year, month or day: {EXPECTED}.",
        }


def _validate(value: object) -> PartialDate:
    try:
        return PartialDate.of(value)
    except ValueError as exc:
        raise PydanticCustomError(
            "partial_date", "expected {expected}", {"expected": str(exc)}
        ) from None
