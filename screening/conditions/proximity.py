"""`proximity`: a site lies within a distance of a facility of given kinds (edge distance).

    - proximity: {tiers: {naval_base: 3, military_airbase: 5}, basis: computed}

Distances are geodesic, measured in Python from the site to the facility's footprint (or
declared by the filer); each is a `proximity` fact with the facility kind, km and basis.
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
    expected,
)
from screening.models import facts as F
from screening.models.common import Slug, Strict
from screening.models.evidence import Evidence, ProximityEvidence


class ProximityTest(Strict):
    """A site lies within a distance of a facility of given kinds (edge distance, km)."""

    tiers: dict[Slug, float] = Field(
        min_length=1, description="Facility kind -> the largest distance in km that counts."
    )
    basis: Literal["any", "computed", "declared", "same_area"] = Field(
        default="any",
        description="same_area: facilities placed only at a city or area point, the site in "
        "that area (no distance is known, so the tiers' distances are not tested).",
    )


class ProximityCondition(LeafCondition):
    """A site lies within a distance of a facility of given kinds."""

    kind: ClassVar[str] = "proximity"
    fact_type: ClassVar[str] = F.PROXIMITY
    keys: ClassVar[tuple[JoinKey, ...]] = ("site",)
    evidence_model: ClassVar[type[BaseModel]] = ProximityEvidence

    proximity: ProximityTest

    def tests(self) -> list[Pattern]:
        p = self.proximity
        if p.basis == "same_area":
            kinds = [{"facility_kind": k} for k in sorted(p.tiers)]
            return [{"basis": "same_area"}, kinds[0] if len(kinds) == 1 else {"$or": kinds}]
        tiers = [
            {"$and": [{"facility_kind": k}, {"$lte": {"km": float(km)}}]}
            for k, km in sorted(p.tiers.items())
        ]
        out: list[Pattern] = [{"basis": p.basis}] if p.basis != "any" else []
        return [*out, tiers[0] if len(tiers) == 1 else {"$or": tiers}]

    @property
    def widest_km(self) -> float:
        return max(self.proximity.tiers.values())

    def check(self, ctx: CheckContext) -> Iterator[tuple[LeafPath, str, str]]:
        for kind, km in self.proximity.tiers.items():
            where: LeafPath = ("proximity", "tiers", kind)
            if kind not in ctx.facility_kinds:
                msg = f"unknown facility kind '{kind}'; {expected(ctx.facility_kinds, kind)}"
                yield where, msg, "rule-vocabulary"
            if km <= 0 or km > ctx.proximity_search_km:
                msg = (
                    f"distance {km:g} km out of range; expected more than 0 and at most "
                    f"proximity_search_km ({ctx.proximity_search_km:g})"
                )
                yield where, msg, "rule-range"

    def caveats(self, evidence: Evidence) -> list[str]:
        if not isinstance(evidence, ProximityEvidence):
            return []
        if evidence.basis == "declared":
            return [f"distance to {evidence.facility} is as declared by the filer, not computed"]
        if evidence.basis == "same_area":
            return [
                f"{evidence.facility} is placed only at its area's reference point: the site is "
                "in the same area, distance unknown; ask for the facility's position"
            ]
        if evidence.precision_note:
            return [f"distance to {evidence.facility} is approximate: {evidence.precision_note}"]
        return []

    def seen(self, ctx: ExplainContext) -> list[str]:
        return ctx.nearest(dict(self.proximity.tiers))
