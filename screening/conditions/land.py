"""`land`: a party holds a site's land, by ownership, lease, concession or control of its holder.

    - land: {tenures: [ownership, lease, concession], longer_than_years: 5, foreign: true}

Each holding is a `link` fact tying the party to the site (so a `land` leaf joins with a
`proximity` leaf on the same site), with its tenure, term and whether the holder is foreign.
A buyer taking control of the target holds the target's land (`controlled` where the case
does not say who holds a site).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from screening.conditions.base import (
    CheckContext,
    ExplainContext,
    JoinKey,
    LeafCondition,
    LeafPath,
    Pattern,
)
from screening.models import facts as F
from screening.models.common import Strict
from screening.models.evidence import Evidence, LandEvidence
from screening.models.facts import Fact

Holding = Literal["ownership", "lease", "concession", "controlled"]
HOLDINGS: tuple[Holding, ...] = ("ownership", "lease", "concession", "controlled")
#: Holdings with a term; ownership and control have none and always outlast a term.
TERMED = ("lease", "concession")


class LandTest(Strict):
    """A party holds land on a site in one of these ways."""

    tenures: list[Holding] = Field(default_factory=lambda: list(HOLDINGS), min_length=1)
    longer_than_years: float | None = Field(
        default=None,
        ge=0,
        description="A lease or concession counts only when its term is longer (ownership and "
        "control always count; a lease of unknown term does not).",
    )
    foreign: bool | None = Field(
        default=None, description="The holder is foreign (or controlled from abroad)."
    )


class LandCondition(LeafCondition):
    """A party holds a site's land by ownership, lease, concession or control of its holder."""

    kind: ClassVar[str] = "land"
    fact_type: ClassVar[str] = F.LINK
    keys: ClassVar[tuple[JoinKey, ...]] = ("site", "party")
    evidence_model: ClassVar[type[BaseModel]] = LandEvidence

    land: LandTest

    def tests(self) -> list[Pattern]:
        t = self.land
        alternatives: list[Pattern] = []
        for tenure in t.tenures:
            if tenure in TERMED and t.longer_than_years is not None:
                term = {"$gt": {"term_years": float(t.longer_than_years)}}
                alternatives.append({"$and": [{"relation": tenure}, term]})
            else:
                alternatives.append({"relation": tenure})
        out: list[Pattern] = [] if t.foreign is None else [{"foreign": t.foreign}]
        return [*out, alternatives[0] if len(alternatives) == 1 else {"$or": alternatives}]

    def check(self, ctx: CheckContext) -> Iterator[tuple[LeafPath, str, str]]:
        t = self.land
        if t.longer_than_years is not None and not set(t.tenures) & set(TERMED):
            msg = "longer_than_years applies to a lease or concession; none is listed in tenures"
            yield ("land", "longer_than_years"), msg, "rule-condition"

    def caveats(self, evidence: Evidence) -> list[str]:
        if isinstance(evidence, LandEvidence) and evidence.tenure == "controlled":
            return [
                f"{evidence.party_name} holds site '{evidence.site}' through control of the "
                "target; the case does not say how the target holds it"
            ]
        return []

    def describe_match(self, fact: Fact, ctx: ExplainContext) -> str:
        return land_line(fact)

    def seen(self, ctx: ExplainContext) -> list[str]:
        held = [land_line(f) for f in ctx.facts if isinstance(f.evidence, LandEvidence)]
        return held or ["the case says nobody holds land on its sites"]


def land_line(fact: Fact) -> str:
    ev = fact.evidence
    if not isinstance(ev, LandEvidence):
        return fact.id
    term = f" for {ev.term_years:g} years" if ev.term_years is not None else ""
    through = f" (through {ev.through})" if ev.through else ""
    who = "foreign" if ev.foreign else "domestic"
    return f"land: {ev.party_name} ({who}) holds site '{ev.site}' by {ev.tenure}{term}{through}"
