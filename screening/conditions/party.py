"""`party`: a party with given attributes is involved.

    - party: {kinds: [municipality], government_levels: [municipal], roles: [signatory]}

Each party is one `party` fact: its kind, country, roles (a signatory of any document has
the role `signatory`), government level, former offices, whom it represents.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar, get_args

from pydantic import BaseModel, Field, model_validator

from screening.conditions.base import (
    CheckContext,
    ExplainContext,
    JoinKey,
    LeafCondition,
    LeafPath,
    Pattern,
    any_item,
    any_of,
    expected,
)
from screening.models import facts as F
from screening.models.case import PartyKind, Role
from screening.models.common import CountryCode, GovernmentLevel, Slug, Strict, new_list
from screening.models.evidence import PartyEvidence
from screening.models.facts import Fact
from screening.models.party import InvestorType, StateLinkKind

ROLES: frozenset[str] = frozenset(get_args(Role))
PARTY_KINDS: frozenset[str] = frozenset(get_args(PartyKind))


def check_roles(where: LeafPath, roles: list[str]) -> Iterator[tuple[LeafPath, str, str]]:
    for i, r in enumerate(roles):
        if r not in ROLES:
            yield (*where, i), f"unknown role '{r}'; {expected(ROLES, r)}", "rule-vocabulary"


def party_line(fact: Fact) -> str:
    """A party fact's attributes in one line, for `explain`."""
    a = fact.attrs
    return (
        f"{a['party']}: {a['kind']}, {a['country']}, roles {', '.join(a['roles'])}, "
        f"foreign {a['foreign']}, government level {a.get('government_level', 'none')}, "
        f"state share {a['state_share']:g}%, foreign state {a['foreign_state']}"
    )


class PartyTest(Strict):
    """A party with given attributes is involved."""

    kinds: list[Slug] = Field(default_factory=new_list)
    roles: list[Slug] = Field(default_factory=new_list)
    countries: list[CountryCode] = Field(default_factory=new_list)
    foreign: bool | None = None
    government_levels: list[GovernmentLevel] = Field(default_factory=new_list)
    former_office_levels: list[GovernmentLevel] = Field(default_factory=new_list)
    represents_foreign: bool | None = None
    investor_types: list[InvestorType] = Field(
        default_factory=new_list,
        description="The party is one of these kinds of investor (the case's investor_type, "
        "else implied by its registry category).",
    )
    state_link_kinds: list[StateLinkKind] = Field(
        default_factory=new_list,
        description="The party has a link of one of these kinds to a state other than the "
        "case's jurisdiction (short of ownership; a state-backed limited partner counts as "
        "state_fund_investor).",
    )

    @model_validator(mode="after")
    def _something(self) -> PartyTest:
        if not self.model_fields_set:
            raise ValueError("a party test needs at least one attribute")
        return self


class PartyCondition(LeafCondition):
    """A party with given attributes is involved."""

    kind: ClassVar[str] = "party"
    fact_type: ClassVar[str] = F.PARTY
    keys: ClassVar[tuple[JoinKey, ...]] = ("party",)
    evidence_model: ClassVar[type[BaseModel]] = PartyEvidence

    party: PartyTest

    def tests(self) -> list[Pattern]:
        p = self.party
        out: list[Pattern] = []
        if p.foreign is not None:
            out.append({"foreign": p.foreign})
        if p.represents_foreign is not None:
            out.append({"represents_foreign": p.represents_foreign})
        out += any_of("kind", p.kinds) + any_of("country", p.countries)
        out += any_of("government_level", p.government_levels)
        out += any_item("roles", p.roles)
        out += any_item("former_office_levels", p.former_office_levels)
        out += any_of("investor_type", p.investor_types)
        out += any_item("state_link_kinds", p.state_link_kinds)
        return out

    def check(self, ctx: CheckContext) -> Iterator[tuple[LeafPath, str, str]]:
        yield from check_roles(("party", "roles"), self.party.roles)
        for i, k in enumerate(self.party.kinds):
            if k not in PARTY_KINDS:
                msg = f"unknown party kind '{k}'; {expected(PARTY_KINDS, k)}"
                yield ("party", "kinds", i), msg, "rule-vocabulary"

    def seen(self, ctx: ExplainContext) -> list[str]:
        p = self.party
        wanted: dict[str, Sequence[str]] = {
            "kind": p.kinds,
            "country": p.countries,
            "government_level": p.government_levels,
            "investor_type": p.investor_types,
        }
        out = []
        for fact in (f for f in ctx.facts if f.kind == F.PARTY):
            a = fact.attrs
            why = [
                f"{key} {a.get(key, 'none')} not {', '.join(values)}"
                for key, values in wanted.items()
                if values and a.get(key) not in values
            ]
            if p.roles and not set(a["roles"]) & set(p.roles):
                why.append(f"roles {', '.join(a['roles'])} not {', '.join(p.roles)}")
            if p.foreign is not None and a["foreign"] != p.foreign:
                why.append(f"foreign is {a['foreign']}")
            if p.represents_foreign is not None and a["represents_foreign"] != p.represents_foreign:
                why.append(f"represents foreign interests is {a['represents_foreign']}")
            links = p.state_link_kinds
            if links and not set(a.get("state_link_kinds", [])) & set(links):
                held = ", ".join(a.get("state_link_kinds", [])) or "none"
                why.append(f"state links {held} not {', '.join(links)}")
            levels = p.former_office_levels
            if levels and not set(a["former_office_levels"]) & set(levels):
                held = ", ".join(a["former_office_levels"]) or "none"
                why.append(f"former office levels {held} not {', '.join(levels)}")
            out.append(party_line(fact) + (f" (not met: {'; '.join(why)})" if why else ""))
        return out or ["the case has no parties"]
