"""The case file: one investment proposal or historical case, as a reviewer files it.

Schema version 2 (`schema_version: 2`) adds partial and approximate dates, any ISO 4217
currency, state links, investor types and limited partners, rights beyond equity, the
target's data, customers and technologies, and land tenure; every version-1 file is a
valid version-2 file. Parties, targets and sites live in their own modules.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from screening.models.common import (
    Band,
    CaseInput,
    CountryCode,
    CurrencyCode,
    GovernmentLevel,
    NonBlank,
    Percent,
    Slug,
    as_whole_number,
    new_list,
)
from screening.models.partial_date import PartialDate
from screening.models.party import Owner, Party, PartyKind, Role
from screening.models.site import Site
from screening.models.target import Target

__all__ = ["Case", "DocumentKind", "Owner", "Party", "PartyKind", "Role", "Site", "Target"]

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
    "equipment_supply",
    "managed_service",
    "technology_licence",
    "land_purchase",
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
#: Rights beyond equity, in the words screening regimes use (CFIUS's covered investments:
#: board seat or observer, material non-public technical information, involvement in
#: substantive decisions), plus the version-1 control rights.
RightKind = Literal[
    "board_seat",
    "board_observer",
    "veto",
    "material_nonpublic_technical_information",
    "substantive_decision_involvement",
    "information_rights",
    "management",
    "operational_control",
    "technology_access",
    "data_access",
]


class Money(CaseInput):
    amount: float = Field(ge=0, le=1e18)
    currency: CurrencyCode = "USD"


class Right(CaseInput):
    """A right an investor gets beyond its shares."""

    kind: RightKind = Field(
        description="veto: over key decisions; material_nonpublic_technical_information: "
        "access to it; substantive_decision_involvement: a say, other than by voting shares, "
        "in substantive decisions."
    )
    holder: Slug | None = Field(default=None, description="The party (its id) holding it.")
    scope: NonBlank | None = Field(
        default=None, description="What it covers, e.g. 'annual budget, key hires'."
    )


class Financing(CaseInput):
    lender: NonBlank
    kind: Literal["loan", "credit_line", "equity", "grant", "guarantee"] = "loan"
    tied_to_contract: bool | None = Field(
        default=None, description="True when the financing is offered with a construction contract."
    )


class Transaction(CaseInput):
    type: TransactionType
    value: Money | None = None
    stake_percent: Percent | None = None
    control_rights: list[ControlRight] = Field(
        default_factory=new_list, description="Version-1 shorthand; `rights` says who holds what."
    )
    rights: list[Right] = Field(
        default_factory=new_list, description="Rights beyond equity (schema version 2)."
    )
    financing: list[Financing] = Field(default_factory=new_list)
    duration_years: float | None = Field(default=None, ge=0, le=999)
    national_review: Literal["done", "pending", "none", "unknown"] = "unknown"
    national_government_notified: bool | None = None


class Signatory(CaseInput):
    party: NonBlank = Field(description="A party id (or name) from `parties`.")
    level: GovernmentLevel = "none"
    on_behalf_of: NonBlank | None = Field(
        default=None,
        description="The party (id or name) this person signs for, e.g. a mayor for the "
        "municipality: that party is a signatory of the document too.",
    )

    def signers(self) -> list[str]:
        """The party references that sign: the signatory and whom it signs for."""
        return [self.party] + ([self.on_behalf_of] if self.on_behalf_of else [])


class Document(CaseInput):
    id: Slug
    title: NonBlank
    kind: DocumentKind
    date: PartialDate | None = None
    language: Literal["en", "he", "zh", "ar", "ru", "other"] = "en"
    signatories: list[Signatory] = Field(default_factory=new_list)
    text: str = Field(max_length=2_000_000)


class Source(CaseInput):
    title: NonBlank
    document: str | None = Field(default=None, description="Seed document file name, if any.")
    url: str | None = None
    note: str | None = None


class Outcome(CaseInput):
    """What happened: the decision of the screening body, or of the parties."""

    status: Literal[
        "approved",
        "approved_with_conditions",
        "blocked",
        "divestment_ordered",
        "no_jurisdiction",
        "withdrawn",
        "frozen",
        "completed",
        "cancelled",
        "not_materialised",
        "ongoing",
        "unknown",
    ]
    year: PartialDate | None = Field(
        default=None, description="When the outcome came: a year, or a month or day."
    )
    summary: str | None = None
    body: NonBlank | None = Field(
        default=None, description="Who decided (the screening body, minister or court)."
    )
    legal_basis: NonBlank | None = Field(
        default=None, description="The law and section the decision was taken under."
    )


#: Parties, sites and documents one case may list: a real file names tens; each costs about a
#: millisecond of matching, so a file listing thousands is refused at its line, not screened
#: for seconds.
MAX_CASE_ITEMS = 1000


class Case(CaseInput):
    """A screening case: who, what, where, and the documents that say so."""

    schema_version: Annotated[Literal[1, 2], BeforeValidator(as_whole_number)] = Field(
        default=1, description="Case file format; absent means 1. Version 2 adds fields."
    )
    id: Slug
    title: NonBlank
    date: PartialDate | None = None
    jurisdiction: CountryCode
    status: Literal["proposed", "historical"] = "proposed"
    summary: str | None = None
    parties: list[Party] = Field(default_factory=new_list, max_length=MAX_CASE_ITEMS)
    target: Target | None = None
    transaction: Transaction | None = None
    sites: list[Site] = Field(default_factory=new_list, max_length=MAX_CASE_ITEMS)
    documents: list[Document] = Field(default_factory=new_list, max_length=MAX_CASE_ITEMS)
    sources: list[Source] = Field(default_factory=new_list)
    outcome: Outcome | None = None
    expected_band: Band | None = Field(
        default=None, description="The band the case's author judges right (for backtesting)."
    )
    expected_band_reason: NonBlank | None = Field(
        default=None, description="Why the author expects that band (one or two sentences)."
    )
    control: bool = Field(
        default=False,
        description="A harmless case kept to check that misleading words or an ordinary "
        "state-owned buyer do not raise the score (the backtest counts controls apart).",
    )

    def party(self, ref: str) -> Party | None:
        """A party by id, or by exact name/alias (signatories may use either)."""
        for p in self.parties:
            if ref == p.id or ref == p.name or ref in p.aliases:
                return p
        return None
