"""The case model takes values as written (no coercion) and ISO 4217 currencies from pycountry."""

from __future__ import annotations

from typing import Any

import pycountry
import pytest
from pydantic import ValidationError

from screening.models.case import Case
from screening.models.common import currency_codes
from screening.schemas import json_schema

BASE: dict[str, Any] = {"id": "c", "title": "T", "jurisdiction": "XX"}


def _case(**extra: Any) -> Case:
    return Case.model_validate({**BASE, **extra})


def test_every_iso_4217_currency_pycountry_knows_is_accepted() -> None:
    codes = {c.alpha_3 for c in pycountry.currencies} - {"XTS", "XXX"}
    assert set(currency_codes()) == codes and len(codes) > 150
    for code in codes:
        case = _case(transaction={"type": "acquisition", "value": {"amount": 1, "currency": code}})
        assert case.transaction is not None and case.transaction.value is not None
        assert case.transaction.value.currency == code


@pytest.mark.parametrize("code", ["XXX", "XTS", "usd", "ABC", "US"])
def test_codes_that_name_no_money_are_refused(code: str) -> None:
    with pytest.raises(ValidationError, match="ISO 4217"):
        _case(transaction={"type": "acquisition", "value": {"amount": 1, "currency": code}})


def test_the_schema_lists_the_same_currencies() -> None:
    money = json_schema("case")["$defs"]["Money"]["properties"]["currency"]
    assert money["enum"] == list(currency_codes())


@pytest.mark.parametrize(
    "extra",
    [
        {"transaction": {"type": "acquisition", "stake_percent": "49"}},
        {"transaction": {"type": "acquisition", "national_government_notified": "yes"}},
        {"sites": [{"name": "S", "coordinates": {"lat": "32.1", "lon": 34.8}}]},
        {"schema_version": True},
        {"schema_version": "2"},
        {"target": {"name": "T", "personal_data": [{"category": "health", "people": "10"}]}},
    ],
)
def test_values_are_taken_as_written_not_coerced(extra: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        _case(**extra)


def test_whole_numbers_may_carry_a_zero_fraction_as_in_json_schema() -> None:
    case = _case(
        schema_version=2.0,
        target={"name": "T", "personal_data": [{"category": "health", "people": 5.0}]},
    )
    assert case.schema_version == 2 and type(case.schema_version) is int
    assert case.target is not None and case.target.personal_data[0].people == 5


def test_absent_schema_version_means_1() -> None:
    assert _case().schema_version == 1
