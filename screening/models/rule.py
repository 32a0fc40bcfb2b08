"""The rule file: one risk signal (or mitigation), its condition, explanation and examples.

A condition (`when`) is a tree of leaves joined by `all`, `any` and `not`. Each leaf names
one kind of fact the signal stage produces (see `screening/models/facts.py`); the compiler
turns the tree into durable-rules patterns over those facts.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from screening.models.common import CountryCode, GovernmentLevel, NonEmpty, Slug, Strict

Scalar = str | int | float | bool


class FieldTest(Strict):
    """Compare one case field (a dotted path such as `transaction.type`) with a value."""

    path: NonEmpty
    equals: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    gte: float | None = None
    gt: float | None = None
    lte: float | None = None
    lt: float | None = None
    contains: Scalar | None = Field(default=None, description="A list field holds this value.")
    contains_any: list[Scalar] | None = None
    all_in: list[Scalar] | None = Field(
        default=None, description="A list field is not empty and holds only these values."
    )
    exists: bool | None = None

    model_config = Strict.model_config | {"populate_by_name": True}

    @field_validator("equals", "contains", mode="before")
    @classmethod
    def _one_value(cls, value: Any) -> Any:
        if isinstance(value, list | dict):
            raise ValueError("expected a single value; for a list use in, contains_any or all_in")
        return value

    @model_validator(mode="after")
    def _one_operator(self) -> FieldTest:
        ops = [k for k in OPERATORS if getattr(self, k) is not None]
        if len(ops) != 1:
            found = ", ".join(o.rstrip("_") for o in ops) or "none"
            raise ValueError(
                "a field test needs exactly one operator of equals, in, gte, gt, lte, lt, "
                f"contains, contains_any, all_in, exists (found {found})"
            )
        return self

    @property
    def operator(self) -> str:
        return next(k for k in OPERATORS if getattr(self, k) is not None)


OPERATORS = (
    "equals",
    "in_",
    "gte",
    "gt",
    "lte",
    "lt",
    "contains",
    "contains_any",
    "all_in",
    "exists",
)

TextSource = Literal["documents", "target.description", "target.technologies", "summary"]
DEFAULT_TEXT_SOURCES: tuple[TextSource, ...] = ("documents", "target.description")


class TextTest(Strict):
    """Phrases of one or more named phrase sets occur (not negated, not excluded) in text."""

    phrases: list[Slug] = Field(min_length=1)
    in_: list[TextSource] = Field(default_factory=lambda: list(DEFAULT_TEXT_SOURCES), alias="in")
    document_kinds: list[Slug] = Field(default_factory=list)

    model_config = Strict.model_config | {"populate_by_name": True}


class ProximityTest(Strict):
    """A site lies within a distance of a facility of given kinds (edge distance, km)."""

    tiers: dict[Slug, float] = Field(
        min_length=1, description="Facility kind -> the largest distance in km that counts."
    )
    basis: Literal["any", "computed", "declared"] = "any"


class EntityTest(Strict):
    """A party matches a registry entity of given categories or lists."""

    categories: list[Slug] = Field(default_factory=list)
    lists: list[Slug] = Field(default_factory=list)
    entities: list[Slug] = Field(default_factory=list)
    roles: list[Slug] = Field(default_factory=list)
    min_score: float = Field(default=90, ge=0, le=100)

    @model_validator(mode="after")
    def _something(self) -> EntityTest:
        if not (self.categories or self.lists or self.entities):
            raise ValueError("an entity test needs categories, lists or entities")
        return self


class OwnershipTest(Strict):
    """A party's effective state share (through ownership chains) reaches a threshold."""

    state_share_gte: float = Field(gt=0, le=100)
    foreign_state: bool | None = Field(
        default=None,
        description="True: only states other than the jurisdiction count (their shares summed).",
    )
    state_countries: list[CountryCode] = Field(default_factory=list)
    roles: list[Slug] = Field(default_factory=list)


class PartyTest(Strict):
    """A party with given attributes is involved."""

    kinds: list[Slug] = Field(default_factory=list)
    roles: list[Slug] = Field(default_factory=list)
    countries: list[CountryCode] = Field(default_factory=list)
    foreign: bool | None = None
    government_levels: list[GovernmentLevel] = Field(default_factory=list)
    former_office_levels: list[GovernmentLevel] = Field(default_factory=list)
    represents_foreign: bool | None = None

    @model_validator(mode="after")
    def _something(self) -> PartyTest:
        if not self.model_fields_set:
            raise ValueError("a party test needs at least one attribute")
        return self


class FieldCondition(Strict):
    field: FieldTest
    as_: Slug | None = Field(default=None, alias="as")
    model_config = Strict.model_config | {"populate_by_name": True}


class TextCondition(Strict):
    text: TextTest
    as_: Slug | None = Field(default=None, alias="as")
    model_config = Strict.model_config | {"populate_by_name": True}


class ProximityCondition(Strict):
    proximity: ProximityTest
    as_: Slug | None = Field(default=None, alias="as")
    model_config = Strict.model_config | {"populate_by_name": True}


class EntityCondition(Strict):
    entity: EntityTest
    as_: Slug | None = Field(default=None, alias="as")
    model_config = Strict.model_config | {"populate_by_name": True}


class OwnershipCondition(Strict):
    ownership: OwnershipTest
    as_: Slug | None = Field(default=None, alias="as")
    model_config = Strict.model_config | {"populate_by_name": True}


class PartyCondition(Strict):
    party: PartyTest
    as_: Slug | None = Field(default=None, alias="as")
    model_config = Strict.model_config | {"populate_by_name": True}


class FindingCondition(Strict):
    """Another rule fired on this case (forward chaining: compound rules escalate)."""

    finding: Slug
    as_: Slug | None = Field(default=None, alias="as")
    model_config = Strict.model_config | {"populate_by_name": True}


class AllCondition(Strict):
    all: list[Condition] = Field(min_length=1)


class AnyCondition(Strict):
    any: list[Condition] = Field(min_length=1)


class NotCondition(Strict):
    not_: Condition = Field(alias="not")
    model_config = Strict.model_config | {"populate_by_name": True}


CONDITION_KINDS = (
    "all",
    "any",
    "not",
    "field",
    "text",
    "proximity",
    "entity",
    "ownership",
    "party",
    "finding",
)


def _condition_kind(value: Any) -> str | None:
    """Pick the condition model by its key, so errors speak about that kind only."""
    if isinstance(value, dict):
        keys = [k for k in value if k != "as"]
        if len(keys) == 1 and keys[0] in CONDITION_KINDS:
            return str(keys[0])
        return None
    for kind, cls in _BY_KIND.items():
        if isinstance(value, cls):
            return kind
    return None


Condition = Annotated[
    Annotated[AllCondition, Tag("all")]
    | Annotated[AnyCondition, Tag("any")]
    | Annotated[NotCondition, Tag("not")]
    | Annotated[FieldCondition, Tag("field")]
    | Annotated[TextCondition, Tag("text")]
    | Annotated[ProximityCondition, Tag("proximity")]
    | Annotated[EntityCondition, Tag("entity")]
    | Annotated[OwnershipCondition, Tag("ownership")]
    | Annotated[PartyCondition, Tag("party")]
    | Annotated[FindingCondition, Tag("finding")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition_kind",
        custom_error_message=(
            "expected a mapping with exactly one of all, any, not, field, text, proximity, "
            "entity, ownership, party, finding (and optionally 'as')"
        ),
    ),
]

Leaf = (
    FieldCondition
    | TextCondition
    | ProximityCondition
    | EntityCondition
    | OwnershipCondition
    | PartyCondition
    | FindingCondition
)

_BY_KIND: dict[str, type] = {
    "all": AllCondition,
    "any": AnyCondition,
    "not": NotCondition,
    "field": FieldCondition,
    "text": TextCondition,
    "proximity": ProximityCondition,
    "entity": EntityCondition,
    "ownership": OwnershipCondition,
    "party": PartyCondition,
    "finding": FindingCondition,
}


def leaf_kind(leaf: Leaf) -> str:
    for kind, cls in _BY_KIND.items():
        if isinstance(leaf, cls):
            return kind
    raise TypeError(type(leaf).__name__)  # pragma: no cover


class Reference(Strict):
    """Where the rule's rationale comes from: a source document and a verbatim quote."""

    document: NonEmpty
    quote: NonEmpty = Field(max_length=600)


class Recommendation(Strict):
    action: NonEmpty
    route: NonEmpty = Field(
        description="Which regulator or national body should see the case, or that none has remit."
    )


class Example(Strict):
    """A case the rule must fire on (`fire`) or stay quiet on (`quiet`)."""

    expect: Literal["fire", "quiet"]
    case: str | dict[str, Any] = Field(
        description="A case file path relative to the rule file, or an inline case."
    )
    note: str | None = None
    known_gap: bool = Field(
        default=False,
        description="The rule does not get this example right yet; tracked, not failing.",
    )


class Rule(Strict):
    id: Slug
    title: NonEmpty
    description: NonEmpty
    family: Slug
    weight: int = Field(ge=-100, le=100)
    status: Literal["active", "draft", "deprecated"] = "active"
    tags: list[Slug] = Field(default_factory=list)
    when: Condition
    explanation: NonEmpty
    references: list[Reference] = Field(min_length=1)
    recommendation: Recommendation
    examples: list[Example] = Field(default_factory=list)

    @model_validator(mode="after")
    def _nonzero(self) -> Rule:
        if self.weight == 0:
            raise ValueError("weight must not be 0 (risk rules are positive, mitigations negative)")
        return self

    @property
    def is_mitigation(self) -> bool:
        return self.weight < 0


AllCondition.model_rebuild()
AnyCondition.model_rebuild()
NotCondition.model_rebuild()
Rule.model_rebuild()
