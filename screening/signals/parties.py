"""A party as the rules see it: what the case says, and what its registry entry adds.

A party matched to a registry entity inherits what the registry knows (government level,
whether it is a state body, its category and list memberships, its state ownership) where
the case is silent; where the case speaks, the case wins. `provenance` records, for each
attribute, whether it came from the case or from which registry entry, so a reviewer can
tell a filer's statement from reference data.
"""

from __future__ import annotations

from typing import Any

from screening.models.case import Case, Owner, Party
from screening.models.common import GovernmentLevel
from screening.models.evidence import OwnershipEvidence, PartyEvidence
from screening.models.registry import Entity
from screening.signals.entities import PartyMatch
from screening.signals.ownership import STATE_KINDS, state_share_list

CASE = "case"
#: Registry categories whose members are, by the category's definition, central government.
CENTRAL_CATEGORIES = frozenset({"central_government_body"})


def government_level(party: Party, entity: Entity | None) -> GovernmentLevel | None:
    """The case's level; else the registry's, stated or implied by a central category."""
    if party.government_level is not None:
        return party.government_level
    if entity is None:
        return None
    if entity.government_level is not None:
        return entity.government_level
    return "central" if entity.category in CENTRAL_CATEGORIES else None


def state_body(party: Party, entity: Entity | None) -> bool | None:
    """Whether the party is the state itself: the registry says so for a matched entity (its
    entry is checked); otherwise a public-body kind in the case does."""
    if entity is not None:
        return entity.state_body
    return True if party.kind in STATE_KINDS else None


def party_attrs(
    case: Case,
    party: Party,
    roles: list[str],
    entity: Entity | None,
    ownership: OwnershipEvidence | None,
) -> dict[str, Any]:
    """The party fact's attributes (what rules match), the registry filling the gaps."""
    attrs: dict[str, Any] = {
        "party": party.id,
        "kind": party.kind,
        "country": party.country,
        "roles": roles,
        "foreign": is_foreign(case, party),
        "state_share": ownership.state_share if ownership else 0.0,
        "foreign_state_share": ownership.foreign_state_share if ownership else 0.0,
        "foreign_state": bool(ownership and ownership.foreign_state_share > 0),
        "state_shares": state_share_list(ownership),
        "former_office_levels": sorted({o.level for o in party.former_offices}),
        "lists": [x.list for x in entity.lists] if entity else [],
    }
    level = government_level(party, entity)
    if level:
        attrs["government_level"] = level
    is_state = state_body(party, entity)
    if is_state is not None:
        attrs["state_body"] = is_state
    if ownership and ownership.state_country:
        attrs["state_country"] = ownership.state_country
    kind = investor_type(party, entity)
    if kind:
        attrs["investor_type"] = kind
    attrs["state_link_kinds"] = foreign_state_link_kinds(case, party)
    return attrs


#: Owners from abroad holding at least this share (through chains) make a domestic vehicle a
#: foreign person for screening (a foreign-controlled entity is a foreign person under the
#: regimes, e.g. 31 CFR 800.224).
FOREIGN_CONTROL_PERCENT = 50.0


def is_foreign(case: Case, party: Party) -> bool:
    """Registered abroad, or controlled from abroad through its recorded owners."""
    if party.country != case.jurisdiction:
        return True
    return foreign_owned_share(case.jurisdiction, party.owners) >= FOREIGN_CONTROL_PERCENT


def foreign_owned_share(jurisdiction: str, owners: list[Owner]) -> float:
    """The share held from abroad: a foreign owner's whole share, else its owners' share of it."""
    total = 0.0
    for owner in owners:
        if owner.country is not None and owner.country != jurisdiction:
            total += owner.percent
        elif owner.owners:
            total += owner.percent * foreign_owned_share(jurisdiction, owner.owners) / 100
    return min(total, 100.0)


def foreign_state_link_kinds(case: Case, party: Party) -> list[str]:
    """Kinds of the party's links to a state other than the case's jurisdiction.

    A state-backed limited partner counts as `state_fund_investor` (an LP of unknown country
    counts): a fund registered at home with foreign state money behind it is the point.
    """
    kinds = {link.kind for link in party.state_links if link.country != case.jurisdiction}
    if any(lp.state and lp.country != case.jurisdiction for lp in party.limited_partners):
        kinds.add("state_fund_investor")
    return sorted(kinds)


#: Registry categories that say what kind of investor an entity is, when the case does not.
INVESTOR_TYPE_OF_CATEGORY = {
    "sovereign_fund": "sovereign_wealth_fund",
    "state_owned_enterprise": "state_owned_enterprise",
}


def investor_type(party: Party, entity: Entity | None) -> str | None:
    """The case's investor type, else the one the registry category implies."""
    if party.investor_type:
        return party.investor_type
    if entity is not None:
        return INVESTOR_TYPE_OF_CATEGORY.get(entity.category)
    return None


def party_evidence(
    party: Party,
    roles: list[str],
    match: PartyMatch,
    entity: Entity | None,
    ownership: OwnershipEvidence | None,
    registry_ref: dict[str, str],
) -> PartyEvidence:
    """The party's evidence, with where each attribute came from and, unmatched, how near
    the closest registry entity came. `registry_ref` maps entity ids to 'registry:file#id'."""
    ref = registry_ref.get(entity.id, f"registry#{entity.id}") if entity else CASE
    provenance = {"country": CASE, "kind": CASE, "roles": CASE}
    level = government_level(party, entity)
    if level:
        provenance["government_level"] = CASE if party.government_level else ref
    is_state = state_body(party, entity)
    if is_state is not None:
        provenance["state_body"] = ref
    if entity is not None:
        provenance |= {"category": ref, "lists": ref}
    if ownership is not None:
        provenance["state_share"] = (
            registry_ref.get(ownership.registry_entity, ownership.registry_entity)
            if ownership.registry_entity
            else CASE
        )
    near = match.nearest
    ambiguity = ", ".join(f"{h.item.name} ({h.item.id})" for h in match.ambiguous)
    return PartyEvidence(
        party=party.id,
        party_name=party.name,
        party_kind=party.kind,
        country=party.country,
        roles=roles,
        government_level=level,
        former_offices=[
            f"{o.title}, {o.body}" + (f" (until {o.until})" if o.until else "")
            for o in party.former_offices
        ],
        represents=list(party.represents),
        entity_id=entity.id if entity else None,
        entity_name=entity.name if entity else None,
        category=entity.category if entity else None,
        state_body=is_state,
        lists=[x.list for x in entity.lists] if entity else [],
        provenance=provenance,
        best_candidate=near.alias if near else None,
        best_candidate_id=near.item.id if near else None,
        best_candidate_score=near.score if near else None,
        match_threshold=None if entity else match.threshold,
        match_note=f"ambiguous: {ambiguity}" if ambiguity else match.note,
    )
