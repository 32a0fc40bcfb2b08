"""The case file: one investment proposal or historical case, as a reviewer files it."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from screening.models.common import (
    Band,
    CountryCode,
    GovernmentLevel,
    LatLon,
    NonEmpty,
    Percent,
    Slug,
    Strict,
)

PartyKind = Literal[
    "company",
    "municipality",
    "regional_government",
    "ministry",
    "government_agency",
    "party_organ",
    "association",
    "bank",
    "fund",
    "university",
    "person",
]
Role = Literal[
    "investor",
    "acquirer",
    "contractor",
    "operator",
    "lender",
    "counterparty",
    "signatory",
    "intermediary",
    "broker",
    "lobbyist",
    "advisor",
    "partner",
    "facilitator",
    "seller",
    "target_owner",
    "tender_authority",
]
TransactionType = Literal[
    "acquisition",
    "minority_stake",
    "concession",
    "lease",
    "tender",
    "greenfield",
    "mou",
    "joint_venture",
    "rd_centre",
    "academic_institution",
    "twinning",
    "cooperation_agreement",
    "procurement",
    "export",
    "venture_fund",
    "framework_agreement",
]
DocumentKind = Literal[
    "agreement",
    "mou",
    "press_release",
    "speech",
    "news",
    "report",
    "tender",
    "minutes",
    "letter",
    "other",
]
ControlRight = Literal[
    "board_seat",
    "veto",
    "management",
    "information_access",
    "operational_control",
    "technology_access",
    "data_access",
    "none",
]


def _owners_add_up(owners: list[Owner]) -> None:
    total = sum(o.percent for o in owners)
    if total > 100.01:
        raise ValueError(f"owners add up to {total:g}%; expected at most 100%")


class Owner(Strict):
    """One owner of a party, with the share it holds; owners nest to describe a chain."""

    name: NonEmpty
    percent: Percent
    country: CountryCode | None = None
    kind: PartyKind | None = None
    state: bool | None = Field(
        default=None, description="True when this owner is a state body (government, party, SASAC)."
    )
    certainty: Literal["reported", "approximate", "unknown"] = "reported"
    owners: list[Owner] = Field(default_factory=list)

    @model_validator(mode="after")
    def _shares(self) -> Owner:
        _owners_add_up(self.owners)
        return self


class FormerOffice(Strict):
    title: NonEmpty
    body: NonEmpty
    level: GovernmentLevel = "central"
    country: CountryCode | None = None
    until: int | None = Field(default=None, ge=1900, le=2100)


class Party(Strict):
    """An investor, counterparty or intermediary named in the case."""

    id: Slug
    name: NonEmpty
    aliases: list[NonEmpty] = Field(default_factory=list)
    country: CountryCode
    kind: PartyKind
    roles: list[Role] = Field(min_length=1)
    government_level: GovernmentLevel | None = Field(
        default=None, description="For public bodies: the level of government they belong to."
    )
    state_owned: bool | None = Field(
        default=None, description="Declared state ownership, when known without an owner list."
    )
    owners: list[Owner] = Field(default_factory=list)
    former_offices: list[FormerOffice] = Field(default_factory=list)
    represents: list[NonEmpty] = Field(
        default_factory=list, description="Parties (ids or names) this intermediary acts for."
    )
    represents_countries: list[CountryCode] = Field(
        default_factory=list,
        description="Countries whose companies or government this intermediary acts for, "
        "when the principals are not named.",
    )
    notes: str | None = None

    @model_validator(mode="after")
    def _shares(self) -> Party:
        _owners_add_up(self.owners)
        return self


class Target(Strict):
    name: NonEmpty
    sectors: list[Slug] = Field(default_factory=list)
    description: str | None = None
    technologies: list[NonEmpty] = Field(default_factory=list)


class Money(Strict):
    amount: float = Field(ge=0)
    currency: Literal["USD", "EUR", "ILS", "CNY", "GBP"] = "USD"


class Financing(Strict):
    lender: NonEmpty
    kind: Literal["loan", "credit_line", "equity", "grant", "guarantee"] = "loan"
    tied_to_contract: bool | None = Field(
        default=None, description="True when the financing is offered with a construction contract."
    )


class Transaction(Strict):
    type: TransactionType
    value: Money | None = None
    stake_percent: Percent | None = None
    control_rights: list[ControlRight] = Field(default_factory=list)
    financing: list[Financing] = Field(default_factory=list)
    duration_years: float | None = Field(default=None, ge=0, le=999)
    national_review: Literal["done", "pending", "none", "unknown"] = "unknown"
    national_government_notified: bool | None = None


class DeclaredFacility(Strict):
    """A facility the filer states is near the site, when the site cannot be placed."""

    facility: NonEmpty
    kind: Slug
    distance_km: float = Field(ge=0, le=20000)


class Site(Strict):
    name: NonEmpty
    coordinates: LatLon | None = None
    place: NonEmpty | None = Field(
        default=None,
        description="A gazetteer place name or id, used when there are no coordinates.",
    )
    declared_nearby: list[DeclaredFacility] = Field(default_factory=list)
    description: str | None = None

    @model_validator(mode="after")
    def _somewhere(self) -> Site:
        if self.coordinates is None and self.place is None and not self.declared_nearby:
            raise ValueError("a site needs coordinates, a place, or declared_nearby facilities")
        return self


class Signatory(Strict):
    party: NonEmpty = Field(description="A party id (or name) from `parties`.")
    level: GovernmentLevel = "none"


class Document(Strict):
    id: Slug
    title: NonEmpty
    kind: DocumentKind
    date: dt.date | None = None
    language: Literal["en", "he", "zh", "ar", "ru", "other"] = "en"
    signatories: list[Signatory] = Field(default_factory=list)
    text: str = Field(max_length=2_000_000)


class Source(Strict):
    title: NonEmpty
    document: str | None = Field(default=None, description="Seed document file name, if any.")
    url: str | None = None
    note: str | None = None


class Outcome(Strict):
    status: Literal[
        "approved",
        "approved_with_conditions",
        "blocked",
        "withdrawn",
        "frozen",
        "completed",
        "cancelled",
        "not_materialised",
        "ongoing",
        "unknown",
    ]
    year: int | None = Field(default=None, ge=1900, le=2100)
    summary: str | None = None


class Case(Strict):
    """A screening case: who, what, where, and the documents that say so."""

    id: Slug
    title: NonEmpty
    date: dt.date | None = None
    jurisdiction: CountryCode
    status: Literal["proposed", "historical"] = "proposed"
    summary: str | None = None
    parties: list[Party] = Field(default_factory=list)
    target: Target | None = None
    transaction: Transaction | None = None
    sites: list[Site] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    outcome: Outcome | None = None
    expected_band: Band | None = Field(
        default=None, description="The band the case's author judges right (for backtesting)."
    )

    def party(self, ref: str) -> Party | None:
        """A party by id, or by exact name/alias (signatories may use either)."""
        for p in self.parties:
            if ref == p.id or ref == p.name or ref in p.aliases:
                return p
        return None
