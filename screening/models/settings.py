"""Policy settings that live beside the rules so policy staff can change them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from screening.models.common import Slug, Strict, new_dict

#: The range tier of a facility that names none (and of declared distances):
#: `proximity_search_km`.
STANDARD_RANGE = "standard"


class BandThresholds(Strict):
    """Lowest score of each band; below `medium` is `low`."""

    medium: float = Field(gt=0, lt=100)
    high: float = Field(gt=0, lt=100)
    critical: float = Field(gt=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> BandThresholds:
        if not self.medium < self.high < self.critical:
            raise ValueError("band thresholds must rise: medium < high < critical")
        return self


class SensitivityFactors(Strict):
    """What a `scale: sensitivity` rule's weight is multiplied by, per target sensitivity."""

    low: float = Field(ge=0, le=1)
    medium: float = Field(ge=0, le=1)
    high: float = Field(ge=0, le=1)
    unknown: float = Field(ge=0, le=1, description="The case names no sector or holding.")

    def of(self, sensitivity: str | None) -> float:
        return float(getattr(self, sensitivity or "unknown"))


class ScoringFile(Strict):
    """`rules/scoring.yaml`."""

    bands: BandThresholds
    sensitivity_factors: SensitivityFactors = SensitivityFactors(
        low=1.0, medium=1.0, high=1.0, unknown=1.0
    )
    decisive_floor: Literal["none", "medium", "high", "critical"] = Field(
        default="none",
        description="A counted decisive finding corroborated by a counted finding of another "
        "family raises the risk to at least this band's threshold.",
    )


class MatchingFile(Strict):
    """`rules/matching.yaml`: thresholds of the signal stage."""

    entity_min_score: float = Field(
        ge=50, le=100, description="Fuzzy-match score below which no entity fact is made."
    )
    proximity_search_km: float = Field(
        gt=0,
        le=500,
        description="The standard range: a facility without a `range_tier` farther than "
        "this from a site makes no fact.",
    )
    proximity_ranges: dict[Slug, float] = Field(
        default_factory=new_dict,
        description="Named ranges (km) beyond the standard one, e.g. extended: 160.934 (100 "
        "miles); a facility's `range_tier` names one and is measured that far.",
    )
    state_categories: list[Slug] = Field(
        description="Entity categories treated as state-controlled when no owner chain is known."
    )

    @model_validator(mode="after")
    def _ranges_in_bounds(self) -> MatchingFile:
        for name, km in self.proximity_ranges.items():
            if name == STANDARD_RANGE:
                raise ValueError(
                    f"proximity_ranges: '{STANDARD_RANGE}' is the name of proximity_search_km; "
                    "give the other ranges other names"
                )
            if not 0 < km <= 500:
                raise ValueError(
                    f"proximity_ranges.{name}: {km:g} km; expected more than 0, at most 500"
                )
        return self

    @property
    def ranges(self) -> dict[str, float]:
        """Every range tier by name, the standard one included."""
        return {STANDARD_RANGE: self.proximity_search_km, **self.proximity_ranges}

    @property
    def widest_range_km(self) -> float:
        """How far any facility is measured: the search range follows the largest tier."""
        return max(self.ranges.values())
