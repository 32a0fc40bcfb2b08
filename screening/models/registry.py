"""Reference data the signals are measured against: facilities, places, entities, vocabularies.

Every entry names its source. Where a position or a share is uncertain, the entry says so
(`precision`, `certainty`) and findings built on it repeat the caveat.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, Self

from pydantic import Field, model_validator

from screening.models.common import (
    CountryCode,
    GovernmentLevel,
    LatLon,
    NonEmpty,
    Percent,
    Precision,
    Slug,
    Strict,
    new_dict,
    new_list,
)
from screening.models.partial_date import PartialDate

#: How well a facility's position is known; `unknown`: it has none (a place in words only).
FacilityPrecision = Literal["exact", "approximate", "area", "unknown"]


class Facility(Strict):
    """A strategic facility; distance is measured to its edge, approximated by a radius.

    A facility whose position no source gives (`precision: unknown`) has no `location` and
    no `radius_km`, only a `place` in words: it is known to exist but is never measured."""

    id: Slug
    name: NonEmpty
    aliases: list[NonEmpty] = Field(default_factory=new_list)
    kind: Slug
    country: CountryCode
    location: LatLon | None = Field(
        default=None, description="WGS84 position; absent only with precision `unknown`."
    )
    radius_km: float | None = Field(
        default=None, ge=0, le=50, description="Approximate footprint radius; with a location."
    )
    precision: FacilityPrecision
    precision_note: str | None = None
    place: NonEmpty | None = Field(
        default=None,
        description="Where it is in words (city or county, state), as its listing gives it; "
        "required when it has no location.",
    )
    us_802_part: Literal[1, 2] | None = Field(
        default=None,
        description="The Part of Appendix A to 31 CFR part 802 (US covered real estate) that "
        "lists it: 1 (close proximity, 1 mile) or 2 (extended range, 100 miles).",
    )
    range_tier: Slug | None = Field(
        default=None,
        description="A range named in matching.yaml `proximity_ranges` (e.g. extended): how far "
        "from the facility a site is measured; absent: the standard proximity_search_km.",
    )
    source: NonEmpty
    notes: str | None = None

    @model_validator(mode="after")
    def _a_position_or_a_place(self) -> Self:
        if self.precision == "unknown":
            if self.location is not None or self.radius_km is not None:
                raise ValueError(
                    "a facility with precision 'unknown' has no location or radius_km; give "
                    "the precision of the position instead (exact, approximate or area)"
                )
            if self.place is None or not self.precision_note:
                raise ValueError(
                    "a facility with precision 'unknown' needs a place (city or county, "
                    "state) and a precision_note saying why it has no position"
                )
        elif self.location is None or self.radius_km is None:
            raise ValueError(
                f"a facility with precision '{self.precision}' needs a location and a "
                "radius_km; without a published position, use precision 'unknown' and a place"
            )
        return self


class Place(Strict):
    """A gazetteer entry so a case can name a place instead of giving coordinates."""

    id: Slug
    name: NonEmpty
    aliases: list[NonEmpty] = Field(default_factory=new_list)
    kind: Literal[
        "city",
        "port",
        "industrial_zone",
        "hi_tech_park",
        "logistics_zone",
        "free_trade_zone",
        "district",
        "campus",
        "site",
    ]
    country: CountryCode
    location: LatLon
    precision: Precision
    precision_note: str | None = None
    source: NonEmpty


class EntityOwner(Strict):
    entity: Slug
    percent: Percent
    certainty: Literal["reported", "approximate", "unknown"] = "reported"
    source: NonEmpty | None = None


class Listing(Strict):
    """Membership of a public list (an id of the `lists` vocabulary): since when, under which
    act, read where, and until when if it has ended."""

    list: Slug
    since: PartialDate = Field(description="When it was first listed: YYYY, YYYY-MM or YYYY-MM-DD.")
    until: PartialDate | None = Field(
        default=None,
        description="When the listing ended (removal, end of a debarment); absent while in force.",
    )
    basis: NonEmpty = Field(description="The legal act under which it was listed, when it was.")
    source: NonEmpty = Field(description="Where the listing was read.")
    note: str | None = None

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> Self:
        if self.until is not None and self.until.latest < self.since.earliest:
            raise ValueError(f"until {self.until} is before since {self.since}")
        return self

    def in_force(self, day: dt.date) -> bool:
        """Listed on `day`: on or after the start and, when it has ended, not after the end
        (a date given to the month or year counts to its last day)."""
        started = self.since.earliest <= day
        return started and (self.until is None or day <= self.until.latest)


class Entity(Strict):
    """An organisation screening cares about, with the names it goes by."""

    id: Slug
    name: NonEmpty
    aliases: list[NonEmpty] = Field(default_factory=new_list)
    country: CountryCode
    category: Slug
    state_body: bool = Field(
        default=False,
        description="True for the state itself: governments, ministries, commissions, party organs",
    )
    government_level: GovernmentLevel | None = Field(
        default=None,
        description="The level of government of a public body, where the source says it; a "
        "party matched to the entity inherits it unless the case gives one.",
    )
    memberships: list[Listing] = Field(
        default_factory=new_list,
        alias="lists",
        description="Public export-control, sanctions or debarment lists it is or was on; an "
        "ended membership keeps its `until`.",
    )
    owners: list[EntityOwner] = Field(default_factory=new_list)
    source: NonEmpty
    notes: str | None = None

    @property
    def lists(self) -> list[Listing]:
        """The memberships in force today: the only ones the engine's facts carry. (The YAML
        key `lists` holds every membership, ended ones too; they are `memberships`.)"""
        today = dt.date.today()
        return [m for m in self.memberships if m.in_force(today)]


class FacilitiesFile(Strict):
    facilities: list[Facility]


class PlacesFile(Strict):
    places: list[Place]


class EntitiesFile(Strict):
    entities: list[Entity]


class Term(Strict):
    """One entry of a controlled vocabulary."""

    id: Slug
    label: NonEmpty
    description: str | None = None


Sensitivity = Literal["low", "medium", "high"]


class Sector(Term):
    """A sector, mapped to the lists that screening regimes use."""

    sensitivity: Sensitivity = Field(
        default="medium",
        description="How much a foreign state's control of a target in this sector matters: "
        "state-ownership findings are scaled by it (rules/scoring.yaml).",
    )
    regimes: dict[Slug, list[NonEmpty]] = Field(
        default_factory=new_dict,
        description="Regime id -> the items of that regime's list the sector falls under.",
    )


class PublicList(Strict):
    """A public export-control or sanctions list entities can be on."""

    id: Slug
    label: NonEmpty
    source: NonEmpty


class Regime(Strict):
    id: Slug
    label: NonEmpty
    source: NonEmpty


class VocabularyFile(Strict):
    """`rules/vocabulary.yaml`: sectors, regimes, facility kinds, entity categories, lists."""

    regimes: list[Regime] = Field(default_factory=new_list)
    sectors: list[Sector] = Field(default_factory=new_list)
    facility_kinds: list[Term] = Field(default_factory=new_list)
    entity_categories: list[Term] = Field(default_factory=new_list)
    lists: list[PublicList] = Field(default_factory=new_list)


class PhraseSet(Strict):
    """Named phrases searched in case text; one automaton serves every set of the pack."""

    id: Slug
    description: NonEmpty
    phrases: list[NonEmpty] = Field(min_length=1)
    exclude_context: list[NonEmpty] = Field(
        default_factory=new_list,
        description="A hit whose sentence holds one of these (e.g. 'film festival') is ignored.",
    )
    negations: list[NonEmpty] = Field(
        default_factory=new_list,
        description="Cues that negate a hit when they precede it in the same sentence; a cue "
        "written with … ('与…无关') negates a hit it surrounds.",
    )


class PhrasesFile(Strict):
    phrase_sets: list[PhraseSet]
