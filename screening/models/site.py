"""Where the investment is: a site's position, the facilities declared near it, and its land.

Who holds the land, and on what terms, matters as much as where it is: a 99-year lease next
to a naval base is a different case from a five-year one.
"""

from __future__ import annotations

from typing import Literal

from pydantic import (
    ConfigDict,
    Field,
    JsonValue,
    ValidationInfo,
    field_validator,
    model_validator,
)

from screening.models.common import CaseInput, LatLon, NonBlank, Slug, new_list

Tenure = Literal["ownership", "lease", "concession"]
SiteRole = Literal["operator", "contractor", "developer", "tenant"]


class Coordinates(LatLon):
    """A site's WGS84 position; as strict as the rest of a case file."""

    model_config = ConfigDict(strict=True)


class DeclaredFacility(CaseInput):
    """A facility the filer states is near the site, when the site cannot be placed."""

    facility: NonBlank
    kind: Slug
    distance_km: float = Field(ge=0, le=20000)


class LandTenure(CaseInput):
    """Who holds the site's land or buildings, and how."""

    model_config = ConfigDict(
        json_schema_extra={
            "if": {"required": ["tenure"], "properties": {"tenure": {"const": "ownership"}}},
            "then": {"properties": {"duration_years": {"type": "null"}}},
        }
    )

    tenure: Tenure
    holder: Slug = Field(description="The party (its id in `parties`) that holds it.")
    duration_years: float | None = Field(
        default=None, gt=0, le=999, description="Term of a lease or concession, in years."
    )
    area_ha: float | None = Field(default=None, gt=0, le=10_000_000, description="Hectares.")
    note: NonBlank | None = None

    @field_validator("duration_years")
    @classmethod
    def _a_term_for_leases(cls, years: float | None, info: ValidationInfo) -> float | None:
        if years is not None and info.data.get("tenure") == "ownership":
            raise ValueError(
                "ownership has no term; expected duration_years only for a lease or a concession"
            )
        return years


class SiteParty(CaseInput):
    """A party that works at the site without holding its land: it runs, builds or uses it."""

    party: Slug = Field(description="The party (its id in `parties`).")
    role: SiteRole
    note: NonBlank | None = None


def _given(key: str, schema: dict[str, JsonValue]) -> JsonValue:
    return {"required": [key], "properties": {key: schema}}


class Site(CaseInput):
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                _given("coordinates", {"type": "object"}),
                _given("place", {"type": "string"}),
                _given("declared_nearby", {"type": "array", "minItems": 1}),
            ]
        }
    )

    name: NonBlank
    coordinates: Coordinates | None = None
    place: NonBlank | None = Field(
        default=None,
        description="A gazetteer place name or id, used when there are no coordinates.",
    )
    declared_nearby: list[DeclaredFacility] = Field(default_factory=new_list)
    land: list[LandTenure] = Field(
        default_factory=new_list, description="Land and real estate on the site (schema version 2)."
    )
    parties: list[SiteParty] = Field(
        default_factory=new_list,
        description="Who operates, builds, develops or uses the site (schema version 2); "
        "rules can join a party with the site through these and the land holders.",
    )
    description: str | None = None

    @model_validator(mode="after")
    def _somewhere(self) -> Site:
        if self.coordinates is None and self.place is None and not self.declared_nearby:
            raise ValueError("a site needs coordinates, a place, or declared_nearby facilities")
        return self
