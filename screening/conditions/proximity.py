"""`proximity`: a site lies within a distance of a facility of given kinds (edge distance).

    - proximity: {tiers: {naval_base: 3, military_airbase: 5}, basis: computed}
    - proximity: {tiers: {air_base: 160.934}, range_tiers: [extended]}

A facility is measured as far as its registry range tier reaches (matching.yaml: the
standard proximity_search_km, or a named range such as the 100-mile extended range of US
Part 802 installations), so a fact exists only within the facility's own range.

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
from screening.models.common import Slug, Strict, new_list
from screening.models.evidence import Evidence, ProximityEvidence
from screening.models.settings import STANDARD_RANGE


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
    range_tiers: list[Slug] = Field(
        default_factory=new_list,
        description="Only facilities whose registry range is one of these (matching.yaml "
        "proximity_ranges, or 'standard' for a facility that names none and for declared "
        "distances); empty: any. The tiers' distances may reach the widest of them.",
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
        ranges = [{"range_tier": t} for t in sorted(set(p.range_tiers))]
        within: list[Pattern] = (
            [ranges[0] if len(ranges) == 1 else {"$or": ranges}] if ranges else []
        )
        if p.basis == "same_area":
            kinds = [{"facility_kind": k} for k in sorted(p.tiers)]
            kind = kinds[0] if len(kinds) == 1 else {"$or": kinds}
            return [{"basis": "same_area"}, *within, kind]
        tiers = [
            {"$and": [{"facility_kind": k}, {"$lte": {"km": float(km)}}]}
            for k, km in sorted(p.tiers.items())
        ]
        out: list[Pattern] = [{"basis": p.basis}] if p.basis != "any" else []
        return [*out, *within, tiers[0] if len(tiers) == 1 else {"$or": tiers}]

    @property
    def widest_km(self) -> float:
        return max(self.proximity.tiers.values())

    def check(self, ctx: CheckContext) -> Iterator[tuple[LeafPath, str, str]]:
        for kind, km in self.proximity.tiers.items():
            where: LeafPath = ("proximity", "tiers", kind)
            if kind not in ctx.facility_kinds:
                msg = f"unknown facility kind '{kind}'; {expected(ctx.facility_kinds, kind)}"
                yield where, msg, "rule-vocabulary"
            limit = ctx.range_km(self.proximity.range_tiers)
            if km <= 0 or km > limit:
                of = ", ".join(self.proximity.range_tiers) or "every range tier"
                msg = (
                    f"distance {km:g} km out of range; expected more than 0 and at most "
                    f"{limit:g} (the widest range of {of}: proximity_search_km and "
                    "proximity_ranges in matching.yaml)"
                )
                yield where, msg, "rule-range"
        known = ctx.proximity_ranges or {STANDARD_RANGE: ctx.proximity_search_km}
        for i, tier in enumerate(self.proximity.range_tiers):
            if tier not in known:
                msg = f"unknown range tier '{tier}'; {expected(set(known), tier)}"
                yield ("proximity", "range_tiers", i), msg, "rule-vocabulary"

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
