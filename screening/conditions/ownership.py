"""`ownership`: a party's effective state share, through ownership chains, reaches a threshold.

    - ownership: {state_share_gte: 25, foreign_state: true, roles: [investor]}

Shares are multiplied along chains and summed per state in Python; the `party` fact carries
the totals, the largest state holder and each state's own share (`state_shares`), so a test
naming states asks whether one of them holds the share, never their sum.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from pydantic import BaseModel, Field

from screening.conditions.base import (
    CheckContext,
    EvidenceContext,
    ExplainContext,
    JoinKey,
    LeafCondition,
    LeafPath,
    Pattern,
    any_item,
)
from screening.conditions.party import check_roles, party_line
from screening.models import facts as F
from screening.models.common import CountryCode, Slug, Strict, new_list
from screening.models.evidence import Evidence, OwnershipEvidence
from screening.models.facts import Fact

#: Written into an ownership's basis (by `signals.ownership`) when a loop of owners was cut:
#: the share held around it is not counted. The finding then carries a caveat.
LOOP_CUT = "ownership loop not followed"
#: Written into the basis when there are more chains than the evidence lists (all counted).
PATHS_CUT = "not every chain listed"


class OwnershipTest(Strict):
    """A party's effective state share (through ownership chains) reaches a threshold."""

    state_share_gte: float = Field(gt=0, le=100)
    foreign_state: bool | None = Field(
        default=None,
        description="True: only states other than the jurisdiction count (their shares summed).",
    )
    state_countries: list[CountryCode] = Field(
        default_factory=new_list,
        description="Only these states count, each on its own: one of them holds the share.",
    )
    roles: list[Slug] = Field(default_factory=new_list)


class OwnershipCondition(LeafCondition):
    """A party's effective state share, through ownership chains, reaches a threshold."""

    kind: ClassVar[str] = "ownership"
    fact_type: ClassVar[str] = F.PARTY
    keys: ClassVar[tuple[JoinKey, ...]] = ("party",)
    evidence_model: ClassVar[type[BaseModel]] = OwnershipEvidence

    ownership: OwnershipTest

    @property
    def share_field(self) -> str:
        return "foreign_state_share" if self.ownership.foreign_state else "state_share"

    def tests(self) -> list[Pattern]:
        o = self.ownership
        out: list[Pattern] = []
        if o.foreign_state is not None:
            out.append({"foreign_state": o.foreign_state})
        share = float(o.state_share_gte)
        if o.state_countries:
            # Some named state holds the share itself: shares of different states never add up.
            countries = [{"$i.country": c} for c in o.state_countries]
            named = countries[0] if len(countries) == 1 else {"$or": countries}
            held = {"$and": [named, {"$gte": {"$i.share": share}}]}
            out.append({"$iany": {"state_shares": held}})
            if o.foreign_state:
                out.append({"$gte": {self.share_field: share}})
        else:
            out.append({"$gte": {self.share_field: share}})
        return [*out, *any_item("roles", o.roles)]

    def check(self, ctx: CheckContext) -> Iterator[tuple[LeafPath, str, str]]:
        yield from check_roles(("ownership", "roles"), self.ownership.roles)

    def evidence(self, fact: Fact | None, ctx: EvidenceContext) -> Evidence | None:
        return None if fact is None else fact.ownership

    def caveats(self, evidence: Evidence) -> list[str]:
        if not isinstance(evidence, OwnershipEvidence):
            return []
        out = []
        if any(step.certainty != "reported" for path in evidence.paths for step in path):
            out.append(
                f"ownership of {evidence.party_name} rests on shares that are not all "
                "reported exactly"
            )
        if LOOP_CUT in evidence.basis:
            out.append(
                f"ownership of {evidence.party_name} loops back on itself: the share held "
                "around the loop is not counted, so the state share may be higher "
                f"({_after(evidence.basis, LOOP_CUT)})"
            )
        if PATHS_CUT in evidence.basis:
            out.append(
                f"ownership of {evidence.party_name} runs through "
                f"{_after(evidence.basis, PATHS_CUT)}"
            )
        return out

    def describe_match(self, fact: Fact, ctx: ExplainContext) -> str:
        if fact.ownership is not None:
            return ctx.describe(fact.ownership)
        return super().describe_match(fact, ctx)

    def seen(self, ctx: ExplainContext) -> list[str]:
        o = self.ownership
        out = []
        for fact in (f for f in ctx.facts if f.kind == F.PARTY):
            share = float(fact.attrs[self.share_field])
            figure = f"{self.share_field.replace('_', ' ')} {share:g}%"
            if o.state_countries:
                held = {h["country"]: h["share"] for h in fact.attrs.get("state_shares", [])}
                share = max((held.get(c, 0.0) for c in o.state_countries), default=0.0)
                named = ", ".join(f"{c} {held.get(c, 0.0):g}%" for c in o.state_countries)
                figure = f"held by {named}"
            sign = "≥" if share >= o.state_share_gte else "<"
            line = f"{party_line(fact)} ({figure} {sign} {o.state_share_gte:g}%)"
            out.append(line)
        return out or ["the case has no parties"]


def _after(basis: str, mark: str) -> str:
    """What the basis says after `mark: `, up to the next such mark."""
    text = basis.split(f"{mark}: ", 1)[1]
    for other in (LOOP_CUT, PATHS_CUT):
        text = text.split(f"; {other}: ", 1)[0]
    return text
