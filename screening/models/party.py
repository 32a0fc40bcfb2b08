"""The parties of a case: who they are, who owns them, and how a state reaches them.

Ownership is one way a state reaches a company; filings show others short of it (a party
committee in the articles, a golden share, a state fund among the investors, state bank
credit, a founder from a ministry). Each is a `StateLink` with how sure the filer is.
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

from screening.models.common import (
    CaseInput,
    CountryCode,
    GovernmentLevel,
    NonBlank,
    Percent,
    Slug,
    new_list,
)
from screening.models.partial_date import PartialDate

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
InvestorType = Literal[
    "operating_company",
    "state_owned_enterprise",
    "sovereign_wealth_fund",
    "pension_fund",
    "private_equity_fund",
    "venture_capital_fund",
    "individual",
    "public_body",
]
#: Investor types whose limited partners a case may list.
FUND_TYPES: tuple[InvestorType, ...] = ("private_equity_fund", "venture_capital_fund")
StateLinkKind = Literal[
    "party_committee_in_articles",
    "golden_share",
    "state_fund_investor",
    "state_bank_financing",
    "former_state_official",
    "unknown",
]
LinkCertainty = Literal["documented", "reported", "suspected"]


def _shares_add_up(shares: list[float], what: str) -> None:
    total = sum(shares)
    if total > 100.01:
        raise ValueError(f"{what} add up to {total:g}%; expected at most 100%")


def _present(*keys: str) -> list[JsonValue]:
    """JSON Schema: the key is there and not null (for 'one of these must be given')."""
    return [{"required": [k], "properties": {k: {"not": {"type": "null"}}}} for k in keys]


class Owner(CaseInput):
    """One owner of a party, with the share it holds; owners nest to describe a chain."""

    name: NonBlank
    percent: Percent
    country: CountryCode | None = None
    kind: PartyKind | None = None
    state: bool | None = Field(
        default=None, description="True when this owner is a state body (government, party, SASAC)."
    )
    certainty: Literal["reported", "approximate", "unknown"] = "reported"
    owners: list[Owner] = Field(default_factory=new_list)

    @field_validator("owners")
    @classmethod
    def _shares(cls, owners: list[Owner]) -> list[Owner]:
        _shares_add_up([o.percent for o in owners], "owners")
        return owners


class FormerOffice(CaseInput):
    title: NonBlank
    body: NonBlank
    level: GovernmentLevel = "central"
    country: CountryCode | None = None
    until: PartialDate | None = None


class StateLink(CaseInput):
    """A way a state reaches this party short of (or besides) owning it."""

    model_config = ConfigDict(json_schema_extra={"anyOf": _present("source", "note")})

    kind: StateLinkKind = Field(
        description="party_committee_in_articles: a party committee written into the articles "
        "of association; golden_share: a special share with veto or appointment rights held by "
        "the state; state_fund_investor: a state guidance fund or state-backed fund as investor "
        "or limited partner; state_bank_financing: credit from a state bank; "
        "former_state_official: a founder or executive who held state office; unknown: "
        "state-linked, nature unknown."
    )
    certainty: LinkCertainty = Field(
        description="documented: in the party's own filings or an official record; reported: "
        "in credible reporting or research; suspected: inferred, not shown."
    )
    country: CountryCode = Field(description="The state's country.")
    through: NonBlank | None = Field(
        default=None, description="The body, fund, bank or person the link runs through."
    )
    source: NonBlank | None = Field(default=None, description="Where this is shown.")
    note: NonBlank | None = None

    @model_validator(mode="after")
    def _says_why(self) -> StateLink:
        if self.source is None and self.note is None:
            raise ValueError("a state link needs a source or a note saying what shows it")
        return self


class LimitedPartner(CaseInput):
    """An investor in a fund; state money behind a private-looking fund is the point."""

    name: NonBlank
    country: CountryCode | None = None
    state: bool | None = Field(default=None, description="True when a state body or state fund.")
    percent: Percent | None = Field(default=None, description="Share of commitments, if known.")


class Party(CaseInput):
    """An investor, counterparty or intermediary named in the case."""

    model_config = ConfigDict(
        json_schema_extra={  # no limited partners unless a fund: as the validator below says
            "if": {
                "not": {
                    "required": ["investor_type"],
                    "properties": {"investor_type": {"enum": list(FUND_TYPES)}},
                }
            },
            "then": {"properties": {"limited_partners": {"maxItems": 0}}},
        }
    )

    id: Slug
    name: NonBlank
    aliases: list[NonBlank] = Field(default_factory=new_list)
    country: CountryCode
    kind: PartyKind
    roles: list[Role] = Field(min_length=1)
    investor_type: InvestorType | None = Field(
        default=None, description="What kind of investor the party is (schema version 2)."
    )
    government_level: GovernmentLevel | None = Field(
        default=None, description="For public bodies: the level of government they belong to."
    )
    state_owned: bool | None = Field(
        default=None, description="Declared state ownership, when known without an owner list."
    )
    owners: list[Owner] = Field(default_factory=new_list)
    state_links: list[StateLink] = Field(
        default_factory=new_list, description="State links short of ownership (schema version 2)."
    )
    limited_partners: list[LimitedPartner] = Field(
        default_factory=new_list,
        description="A private equity or venture fund's limited partners (schema version 2).",
    )
    former_offices: list[FormerOffice] = Field(default_factory=new_list)
    represents: list[NonBlank] = Field(
        default_factory=new_list, description="Parties (ids or names) this intermediary acts for."
    )
    represents_countries: list[CountryCode] = Field(
        default_factory=new_list,
        description="Countries whose companies or government this intermediary acts for, "
        "when the principals are not named.",
    )
    notes: str | None = None

    @field_validator("limited_partners")
    @classmethod
    def _partners_of_a_fund(
        cls, partners: list[LimitedPartner], info: ValidationInfo
    ) -> list[LimitedPartner]:
        if "investor_type" not in info.data:
            return partners  # investor_type itself is wrong, and reported
        kind = info.data["investor_type"]
        if partners and kind not in FUND_TYPES:
            raise ValueError(
                f"limited partners belong to a fund; expected investor_type "
                f"{' or '.join(FUND_TYPES)} (got {kind or 'none'})"
            )
        _shares_add_up([p.percent for p in partners if p.percent is not None], "limited partners")
        return partners

    @field_validator("owners")
    @classmethod
    def _shares(cls, owners: list[Owner]) -> list[Owner]:
        _shares_add_up([o.percent for o in owners], "owners")
        return owners
