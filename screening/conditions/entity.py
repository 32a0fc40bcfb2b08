"""`entity`: a party matches a registry entity of given categories, lists or ids.

    - entity: {categories: [state_owned_enterprise], lists: [us-entity-list], min_score: 92}
    - entity: {categories: [sovereign_fund], foreign: true}

`foreign: true` counts only a party registered or controlled abroad, or matching an entity of
another country than the case's: a state company investing at home is not a foreign investor.

Names are matched in Python (normalised, fuzzy); each match is an `entity_hit` fact with the
entity, its category, its lists, the party's roles and the match score.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from pydantic import BaseModel, Field, model_validator

from screening.conditions.base import (
    CheckContext,
    ExplainContext,
    JoinKey,
    LeafCondition,
    LeafPath,
    Pattern,
    any_item,
    expected,
)
from screening.conditions.party import check_roles
from screening.models import facts as F
from screening.models.common import Slug, Strict, new_list
from screening.models.evidence import EntityEvidence, Evidence
from screening.models.facts import Fact


class EntityTest(Strict):
    """A party matches a registry entity of given categories or lists."""

    categories: list[Slug] = Field(default_factory=new_list)
    lists: list[Slug] = Field(default_factory=new_list)
    entities: list[Slug] = Field(default_factory=new_list)
    roles: list[Slug] = Field(default_factory=new_list)
    min_score: float = Field(default=90, ge=0, le=100)
    foreign: bool | None = None

    @model_validator(mode="after")
    def _something(self) -> EntityTest:
        if not (self.categories or self.lists or self.entities):
            raise ValueError("an entity test needs categories, lists or entities")
        return self


class EntityCondition(LeafCondition):
    """A party matches a registry entity of given categories, lists or ids."""

    kind: ClassVar[str] = "entity"
    fact_type: ClassVar[str] = F.ENTITY_HIT
    keys: ClassVar[tuple[JoinKey, ...]] = ("party",)
    evidence_model: ClassVar[type[BaseModel]] = EntityEvidence

    entity: EntityTest

    def tests(self) -> list[Pattern]:
        e = self.entity
        alternatives: list[Pattern] = [
            *({"category": c} for c in e.categories),
            *({"entity": x} for x in e.entities),
            *({"$iany": {"lists": {"$i": x}}} for x in e.lists),
        ]
        which = alternatives[0] if len(alternatives) == 1 else {"$or": alternatives}
        own = [] if e.foreign is None else [{"foreign": e.foreign}]
        return [which, {"$gte": {"score": float(e.min_score)}}, *own, *any_item("roles", e.roles)]

    def check(self, ctx: CheckContext) -> Iterator[tuple[LeafPath, str, str]]:
        e = self.entity
        for i, c in enumerate(e.categories):
            if c not in ctx.entity_categories:
                msg = f"unknown entity category '{c}'; {expected(ctx.entity_categories, c)}"
                yield ("entity", "categories", i), msg, "rule-vocabulary"
        for i, x in enumerate(e.entities):
            if x not in ctx.entities:
                msg = f"unknown entity '{x}'; {expected(ctx.entities, x)}"
                yield ("entity", "entities", i), msg, "rule-reference"
        for i, x in enumerate(e.lists):
            if x not in ctx.lists:
                msg = f"unknown list '{x}'; {expected(ctx.lists, x)}"
                yield ("entity", "lists", i), msg, "rule-vocabulary"
        if e.min_score < ctx.entity_min_score:
            msg = (
                f"min_score {e.min_score:g} is below the matcher's floor entity_min_score "
                f"({ctx.entity_min_score:g}); expected at least that"
            )
            yield ("entity", "min_score"), msg, "rule-range"
        yield from check_roles(("entity", "roles"), e.roles)

    def caveats(self, evidence: Evidence) -> list[str]:
        if isinstance(evidence, EntityEvidence) and evidence.score < 100:
            return [
                f"'{evidence.name_matched}' matched '{evidence.alias}' by fuzzy name match "
                f"(score {evidence.score:g}); confirm the identity"
            ]
        return []

    def describe_match(self, fact: Fact, ctx: ExplainContext) -> str:
        return f"{super().describe_match(fact, ctx)}; roles {', '.join(fact.attrs['roles'])}"

    def seen(self, ctx: ExplainContext) -> list[str]:
        e = self.entity
        out = []
        for fact in ctx.facts:
            if fact.kind != F.ENTITY_HIT or fact.evidence is None:
                continue
            a = fact.attrs
            why = []
            wanted = bool(e.categories or e.entities or e.lists)
            if wanted and not (
                a["category"] in e.categories
                or a["entity"] in e.entities
                or set(a["lists"]) & set(e.lists)
            ):
                why.append(f"category {a['category']}, lists {', '.join(a['lists']) or 'none'}")
            if a["score"] < e.min_score:
                why.append(f"score {a['score']:g} < {e.min_score:g}")
            if e.foreign is not None and a["foreign"] != e.foreign:
                why.append("a domestic party" if e.foreign else "a foreign party")
            if e.roles and not set(a["roles"]) & set(e.roles):
                why.append(f"roles {', '.join(a['roles'])} not {', '.join(e.roles)}")
            out.append(f"{self.describe_match(fact, ctx)} (not counted: {'; '.join(why)})")
        return out + ctx.entity_candidates() or ["no party matched any registry entity"]
