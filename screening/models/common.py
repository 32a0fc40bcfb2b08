"""Small types shared by the case, rule and registry models."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,79}$")]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Percent = Annotated[float, Field(ge=0, le=100)]
Band = Literal["low", "medium", "high", "critical"]
BANDS: tuple[Band, ...] = ("low", "medium", "high", "critical")
GovernmentLevel = Literal["central", "regional", "municipal", "none"]
Precision = Literal["exact", "approximate", "area"]


class Strict(BaseModel):
    """Base for input models: unknown keys are errors, not silently dropped."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=False,
        allow_inf_nan=False,
        defer_build=True,
    )


class CaseInput(Strict):
    """Base for case-file models: no coercion either ("49" is not 49, "yes" is not true), so
    the loader accepts what the published JSON Schema accepts."""

    model_config = ConfigDict(strict=True)


class LatLon(Strict):
    """WGS84 coordinates in decimal degrees."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class SchemaExtra:
    """Adds keywords to a type's JSON Schema for what the validator checks another way."""

    def __init__(self, **keywords: Any) -> None:
        self.keywords = keywords

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        out = handler(schema)
        out.update(self.keywords)
        return out


#: NonEmpty whose JSON Schema also refuses blank text (the loader strips it, then refuses it).
NonBlank = Annotated[
    str, StringConstraints(min_length=1, strip_whitespace=True), SchemaExtra(pattern=r"\S")
]


def as_whole_number(value: object) -> object:
    """JSON Schema's integers: 3 and 3.0 are, true is not."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(as_whole_number)]


@cache
def currency_codes() -> tuple[str, ...]:
    """ISO 4217 codes as pycountry ships them (kept current with the iso-codes data), less
    the two that name no money: XTS (reserved for testing) and XXX (no currency involved).

    Read on first use: pycountry costs a `screen` of a case without a currency ~50 ms."""
    import pycountry

    return tuple(sorted({c.alpha_3 for c in pycountry.currencies} - {"XTS", "XXX"}))


@cache
def _currencies() -> frozenset[str]:
    return frozenset(currency_codes())


CURRENCY_EXPECTED = "an ISO 4217 currency code (e.g. USD, EUR, ILS, CNY)"


def _known_currency(code: str) -> str:
    if code not in _currencies():
        raise PydanticCustomError(
            "currency", "expected {expected}", {"expected": CURRENCY_EXPECTED}
        )
    return code


class _CurrencyEnum:
    """The JSON Schema of a currency: the same list, as an enum an editor can complete."""

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "enum": list(currency_codes())}


CurrencyCode = Annotated[str, AfterValidator(_known_currency), _CurrencyEnum()]


def new_list() -> list[Any]:
    """An empty list: `Field(default_factory=new_list)`, not `default_factory=list`.

    Building a model's validator, pydantic asks `inspect.signature` whether each default
    factory takes the validated data; for a builtin such as `list` that parses its text
    signature (tokenize and compile, about 0.2 ms a field, about 10 ms of a warm `screen`,
    which builds the validators of the case and result models). A test keeps builtins out.
    """
    return []


def new_dict() -> dict[Any, Any]:
    """An empty dict: `Field(default_factory=new_dict)` (see `new_list`)."""
    return {}
