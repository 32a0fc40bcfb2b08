"""What every condition kind provides, and the contexts it is given.

A condition kind is one leaf of a rule's `when` tree (`field`, `text`, `proximity`, …). Its
class holds everything about it: the YAML test it reads, the durable-rules tests it compiles
to, the vocabulary checks a rule author needs, the evidence a match shows, and how `explain`
says why it was or was not met. Nothing else in the code branches on the kind.

The contexts are protocols so this package stays below the layers that implement them
(loading, signals, the pipeline and the explainer).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, Field

from screening.models.common import Slug, Strict, new_dict
from screening.models.evidence import Evidence
from screening.models.facts import Fact
from screening.models.settings import STANDARD_RANGE

Pattern = dict[str, Any]
#: A path inside the leaf's YAML mapping, e.g. ("proximity", "tiers", "naval_base").
LeafPath = tuple[str | int, ...]
#: The keys facts can be joined on: the same document, the same site, the same party.
#: A fact carries a key as an attribute of that name; `link` facts tie a party to the
#: documents it signed and the sites it holds, so a party can be joined with either.
JoinKey = Literal["document", "site", "party"]
JOIN_KEYS: tuple[JoinKey, ...] = ("document", "site", "party")

#: Longer lists of allowed values are not spelled out in a message, only the closest one.
MAX_LISTED = 20


def expected(values: Collection[str], got: str) -> str:
    """'expected one of a, b, c (did you mean 'b'?)' for a value not among `values`."""
    close = difflib.get_close_matches(got, list(values), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    if len(values) > MAX_LISTED:
        return f"expected one of {len(values)} known values{hint}"
    return f"expected one of {', '.join(sorted(values))}{hint}"


def any_of(key: str, values: Sequence[Any]) -> list[Pattern]:
    """The scalar field `key` equals one of `values` (no test when there are none)."""
    if not values:
        return []
    if len(values) == 1:
        return [{key: values[0]}]
    return [{"$or": [{key: v} for v in values]}]


def any_item(key: str, values: Sequence[Any]) -> list[Pattern]:
    """The list field `key` holds at least one of `values` (no test when there are none)."""
    if not values:
        return []
    tests = [{"$iany": {key: {"$i": v}}} for v in values]
    return tests if len(tests) == 1 else [{"$or": tests}]


@dataclass(frozen=True)
class CheckContext:
    """What a rule's conditions are checked against: the pack's vocabularies and registries."""

    facility_kinds: frozenset[str]
    entity_categories: frozenset[str]
    lists: frozenset[str]
    sectors: frozenset[str]
    phrase_sets: frozenset[str]
    entities: frozenset[str]
    rule_ids: frozenset[str]
    proximity_search_km: float
    entity_min_score: float
    #: every range tier by name (km), the standard one included (matching.yaml)
    proximity_ranges: Mapping[str, float] = field(default_factory=dict)

    def range_km(self, tiers: Sequence[str] = ()) -> float:
        """The widest distance a rule may test among these tiers (all tiers when none)."""
        ranges = self.proximity_ranges or {STANDARD_RANGE: self.proximity_search_km}
        known = [ranges[t] for t in tiers if t in ranges] if tiers else list(ranges.values())
        return max(known, default=self.proximity_search_km)


@dataclass
class Verdict:
    """How `explain` reports one leaf: met or not, the matches, and what the case held."""

    holds: bool
    matched: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)


class EvidenceContext(Protocol):
    """What building a match's evidence needs from the case and the pack."""

    def case_value(self, path: str) -> Any: ...
    def sector_regimes(self, sectors: Any) -> list[str]: ...
    def rule_title(self, rule_id: str) -> str: ...


class ExplainContext(EvidenceContext, Protocol):
    """What `explain` can ask about the case when it says why a leaf did or did not match."""

    @property
    def facts(self) -> Sequence[Fact]: ...
    @property
    def fired(self) -> set[str]: ...
    def describe(self, evidence: Evidence) -> str: ...
    def suppressed(self, phrase_sets: set[str]) -> list[str]: ...
    def nearest(self, tiers: dict[str, float]) -> list[str]: ...
    def entity_candidates(self) -> list[str]: ...


class LeafCondition(Strict):
    """Base of every condition kind: one test of one kind, its alias and its joins.

    Subclasses declare `kind` (the YAML key, also the name of the field holding the test),
    `fact_type` (the engine fact it matches; empty for kinds matched on findings only) and
    `keys` (which join keys its facts carry), and override the hooks below as needed.
    """

    kind: ClassVar[str]
    fact_type: ClassVar[str]
    keys: ClassVar[tuple[JoinKey, ...]] = ()
    evidence_model: ClassVar[type[BaseModel]]

    as_: Slug | None = Field(default=None, alias="as")
    same: dict[JoinKey, Slug] = Field(
        default_factory=new_dict,
        description="Join: this fact is about the same document, site or party as the fact "
        "matched by the named condition (its alias), e.g. {document: muni}.",
    )

    model_config = Strict.model_config | {"populate_by_name": True}

    @property
    def test(self) -> Any:
        return getattr(self, self.kind)

    def spec(self) -> str:
        """The test as the rule author wrote it (and its joins), for labels."""
        test = self.test
        text = str(test)
        if isinstance(test, BaseModel):
            data = test.model_dump(by_alias=True, exclude_defaults=True)
            text = json.dumps(data, ensure_ascii=False)
        joins = ", ".join(f"same {key} as {alias}" for key, alias in self.same.items())
        return f"{text} ({joins})" if joins else text

    # --- compiling ---------------------------------------------------------------------
    def tests(self) -> list[Pattern]:
        """The durable-rules tests after the fact-type test (equality tests first: P8)."""
        raise NotImplementedError

    def pattern(self) -> Pattern:
        """The `$and` pattern that matches the fact this leaf is about (type test first)."""
        return {"$and": [{"t": self.fact_type}, *self.tests()]}

    @property
    def depends_on(self) -> str | None:
        """The rule id this leaf waits for (only `finding` leaves have one)."""
        return None

    # --- checking ----------------------------------------------------------------------
    def check(self, ctx: CheckContext) -> Iterator[tuple[LeafPath, str, str]]:
        """(path inside the leaf, message, problem code) for each vocabulary problem."""
        return iter(())

    # --- evidence ----------------------------------------------------------------------
    def evidence(self, fact: Fact | None, ctx: EvidenceContext) -> Evidence | None:
        """What a match of this leaf shows the reviewer (default: the fact's own evidence)."""
        return None if fact is None else fact.evidence

    def evidence_key(self, fact_id: str, ctx: EvidenceContext) -> str | None:
        """The case evidence a match rests on, for counting the same evidence once.

        Facts about one party (its entity match, ownership, attributes) are one piece of
        evidence; findings are not case evidence (None).
        """
        kind, _, rest = fact_id.partition(":")
        return f"party:{rest}" if kind in ("ent", "party") else fact_id

    def cache_key(self, fact_id: str) -> tuple[str, str]:
        """Evidence of one fact is the same in every firing that uses it."""
        return (self.kind, fact_id)

    def caveats(self, evidence: Evidence) -> list[str]:
        """What the reviewer should double-check about this piece of evidence."""
        return []

    # --- explaining --------------------------------------------------------------------
    def verdict(self, matched: list[str], negated: bool, ctx: ExplainContext) -> Verdict:
        """Met or not, given the ids of the facts durable-rules matched this leaf with."""
        by_id = {f.id: f for f in ctx.facts}
        lines = [self.describe_match(by_id[i], ctx) for i in dict.fromkeys(matched) if i in by_id]
        verdict = Verdict(bool(matched) != negated, matched=lines)
        if not matched:
            verdict.seen = self.seen(ctx)
        return verdict

    def describe_match(self, fact: Fact, ctx: ExplainContext) -> str:
        return ctx.describe(fact.evidence) if fact.evidence is not None else fact.id

    def seen(self, ctx: ExplainContext) -> list[str]:
        """What the case held of this kind, with the figures that kept it from matching."""
        return []
