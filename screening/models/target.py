"""What the investment reaches: the target's sectors, data, customers and technologies.

Screening regimes ask the same few questions of a target: whose personal data it holds and
on how many people, whether it supplies defence or government, whether it runs critical
infrastructure, and which of its technologies are export-controlled.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from screening.models.common import CaseInput, NonBlank, Slug, WholeNumber, new_list

PersonalDataCategory = Literal[
    "health",
    "genetic",
    "biometric",
    "precise_location",
    "financial",
    "communications",
    "government_personnel",
]
Customer = Literal["defence", "government"]

#: US Commerce Control List numbers: category 0-9, product group A-E, three digits, then
#: sub-paragraphs (3A001.b.2); EAR99 for items subject to the EAR but not listed.
ECCN_PATTERN = r"^(?:EAR99|[0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)*)$"
#: EU dual-use list entries (Regulation (EU) 2021/821, Annex I) share that numbering.
EU_DUAL_USE_PATTERN = r"^[0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)*$"


class PersonalData(CaseInput):
    """A category of personal data the target holds, and on how many people."""

    category: PersonalDataCategory
    people: Annotated[WholeNumber, Field(ge=0)] | None = Field(
        default=None, description="Number of people whose data it holds, if known."
    )
    note: NonBlank | None = None


class CriticalTechnology(CaseInput):
    """A technology the target develops or holds, with its export-control entries if known."""

    name: NonBlank
    eccn: Annotated[str, StringConstraints(pattern=ECCN_PATTERN)] | None = Field(
        default=None, description="US Export Control Classification Number, e.g. 3A001.b.2."
    )
    eu_dual_use: Annotated[str, StringConstraints(pattern=EU_DUAL_USE_PATTERN)] | None = Field(
        default=None, description="EU dual-use list entry (Regulation (EU) 2021/821 Annex I)."
    )
    note: NonBlank | None = None


class MarketPosition(CaseInput):
    """Where the target ranks among the producers or operators of its market, as a source says.

    Screening asks who would control a country's supply, not only what the target makes: a
    foreign owner of the largest or second-largest domestic supplier decides much of that
    supply (50 U.S.C. 4565(f)(3); Regulation (EU) 2019/452 Art. 4(1)(c)).
    """

    rank: Annotated[WholeNumber, Field(ge=1)] = Field(
        description="1 for the largest, 2 for the second-largest, and so on."
    )
    market: NonBlank = Field(
        description="The market ranked, e.g. 'steelmakers in the United States by output'."
    )
    note: NonBlank | None = Field(
        default=None, description="The source of the rank, or what is uncertain about it."
    )


class Target(CaseInput):
    name: NonBlank
    sectors: list[Slug] = Field(default_factory=new_list)
    description: str | None = None
    technologies: list[NonBlank] = Field(default_factory=new_list)
    personal_data: list[PersonalData] = Field(
        default_factory=new_list, description="Personal data the target holds (schema version 2)."
    )
    supplier_to: list[Customer] = Field(
        default_factory=new_list,
        description="The target supplies defence or government customers (schema version 2).",
    )
    critical_infrastructure_operator: bool | None = Field(
        default=None, description="The target operates critical infrastructure (schema version 2)."
    )
    critical_technologies: list[CriticalTechnology] = Field(
        default_factory=new_list,
        description="Critical technologies, with export-control entries (schema version 2).",
    )
    market_position: MarketPosition | None = Field(
        default=None,
        description="The target's rank in its market, where a source gives it (schema version 2).",
    )
