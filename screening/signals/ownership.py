"""Effective state ownership: the share of a party each state holds through every chain.

Along a chain the shares multiply (60% of a company that is 50% state-held is 30%); across
chains they add, separately for each state: 15% held by one state and 40% by another are
not 55% of either (the party fact lists them per state as `state_shares`). A chain ends at
a state body: an owner marked `state: true`, a public-body kind (ministry, party organ…)
unless the registry says that entity is not a state body, or a registry entity that is a
state body or, with no known owners, belongs to a state-controlled category. A registry link
of unknown share stands for control and passes the parent's share on whole. Cycles and
depth are bounded, and a chain cut at the depth limit is reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from screening.models.case import Owner, Party
from screening.models.evidence import OwnershipEvidence, PathStep
from screening.models.registry import Entity
from screening.signals.entities import EntityIndex

STATE_KINDS = {
    "ministry",
    "government_agency",
    "party_organ",
    "municipality",
    "regional_government",
}
MAX_DEPTH = 12

Chain = tuple[PathStep, ...]  # the owners above a node, nearest first, ending at a state body


@dataclass(frozen=True)
class _Share:
    shares: dict[str, float]  # state country -> % of the node it holds
    chains: tuple[Chain, ...]
    truncated: bool = False  # part of the graph was not followed (depth or cycle)

    @property
    def total(self) -> float:
        return sum(self.shares.values())


_NONE = _Share({}, ())


def _state(country: str) -> _Share:
    return _Share({country: 100.0}, ((),))  # the node itself is the state: one empty chain


@dataclass(frozen=True)
class _Link:
    name: str
    weight: float  # the share the arithmetic uses
    shown: float  # the share the path shows
    certainty: str
    sub: _Share


@dataclass
class OwnershipResolver:
    entities: dict[str, Entity]
    index: EntityIndex
    state_categories: list[str]
    min_score: float
    notices: list[str] = field(default_factory=list)
    _memo: dict[str, _Share] = field(default_factory=dict)
    _party: str = ""  # the party being resolved, for notices about its owners

    def resolve(
        self, party: Party, matched: Entity | None, jurisdiction: str
    ) -> OwnershipEvidence | None:
        """The party's effective state shares with their chains, or None when there are none."""
        self._party = party.name
        result, basis, from_registry = self._choose(party, matched)
        if result.truncated:
            self.notices.append(
                f"the ownership of {party.name} goes deeper than {MAX_DEPTH} "
                "levels or loops; shares beyond that are not counted"
            )
        if result.total <= 0:
            return None
        shares = {c: round(min(v, 100.0), 2) for c, v in sorted(result.shares.items())}
        foreign = sum(v for c, v in shares.items() if c != jurisdiction)
        best = max(result.chains, key=_product)
        text = _chain_text(party.name, best)
        if len(result.chains) > 1:
            text += (
                f" (+{len(result.chains) - 1} more chain{'s' if len(result.chains) > 2 else ''})"
            )
        return OwnershipEvidence(
            party=party.id,
            party_name=party.name,
            state_share=round(min(result.total, 100), 2),
            foreign_state_share=round(min(foreign, 100), 2),
            shares_by_country=shares,
            state_country=max(shares, key=lambda c: shares[c]),
            paths=[list(c) for c in result.chains],
            path_text=text,
            basis=basis,
            registry_entity=matched.id if from_registry and matched is not None else None,
        )

    def _choose(self, party: Party, matched: Entity | None) -> tuple[_Share, str, bool]:
        """The shares, what they rest on, and whether they come from the registry entry.

        The case decides where it speaks (a public-body kind, owners, a declaration either
        way); the registry fills in where it is silent. A public-body kind is not taken for
        the state itself when the registry says the entity is not a state body.
        """
        kind = party.kind.replace("_", " ")
        registry = self._entity(matched, 0, frozenset()) if matched is not None else _NONE
        if party.kind in STATE_KINDS and (matched is None or matched.state_body):
            return _state(party.country), f"is a public body ({kind})", False
        if party.owners:
            return self._owners(party.owners, party.country, 0, frozenset()), _CASE_OWNERS, False
        if party.state_owned is False:
            if matched is not None and registry.total > 0:
                self.notices.append(
                    f"the case declares {party.name} not state-owned; the registry entry "
                    f"'{matched.name}' records a state share of {min(registry.total, 100):g}%, "
                    "which is not counted"
                )
            return _NONE, "declared not state-owned in the case file", False
        if party.kind in STATE_KINDS and matched is not None:  # registry: not a state body
            if registry.total > 0:
                return registry, f"registry entry '{matched.name}' (not a state body)", True
            return _by_kind(party.country, kind, matched), f"is a public body ({kind})", False
        if party.state_owned:
            basis = "declared state-owned in the case file (share not given)"
            if matched is not None and registry.total > 0:
                basis += f"; registry entry '{matched.name}' gives {min(registry.total, 100):g}%"
            return _declared(party.country), basis, False
        if matched is not None:
            return registry, f"registry entry '{matched.name}'", True
        return _NONE, "", False

    def _owners(
        self, owners: list[Owner], country: str, depth: int, seen: frozenset[str]
    ) -> _Share:
        return _combine(
            _Link(
                o.name,
                o.percent,
                o.percent,
                o.certainty,
                self._owner(o, o.country or country, depth + 1, seen),
            )
            for o in owners
        )

    def _owner(self, owner: Owner, country: str, depth: int, seen: frozenset[str]) -> _Share:
        if depth > MAX_DEPTH or owner.name in seen:
            return _Share({}, (), truncated=True)
        seen = seen | {owner.name}
        own_country = owner.country or country  # a state owner with no country: the owned's
        if owner.state:
            return _state(own_country)
        entity = self._registry(owner) if owner.kind in STATE_KINDS or not owner.owners else None
        if owner.kind in STATE_KINDS:
            if entity is None or entity.state_body:
                return _state(own_country)
            sub = self._entity(entity, depth, seen)  # the registry says: not a state body
            return sub if sub.total > 0 else _by_kind(own_country, owner.kind, entity)
        if owner.owners:
            return self._owners(owner.owners, own_country, depth, seen)
        return self._entity(entity, depth, seen) if entity is not None else _NONE

    def _registry(self, owner: Owner) -> Entity | None:
        """The registry entity an owner's name denotes; an ambiguous name links to none."""
        m = self.index.match(owner.name, self.min_score)
        if m.ambiguous:
            names = " and ".join(f"'{h.item.name}' ({h.item.id})" for h in m.ambiguous)
            self.notices.append(
                f"owner '{owner.name}' of {self._party} fits {names} equally well; its "
                "ownership is not followed: give its full registered name or its owners"
            )
        return m.hit.item if m.hit is not None else None

    def _entity(self, entity: Entity, depth: int, seen: frozenset[str]) -> _Share:
        if entity.id in self._memo:
            return self._memo[entity.id]
        if depth > MAX_DEPTH or entity.id in seen:
            return _Share({}, (), truncated=True)
        seen = seen | {entity.id}
        if entity.state_body:
            result = _state(entity.country)
        elif entity.owners:
            links = []
            for link in entity.owners:
                parent = self.entities.get(link.entity)
                if parent is None:
                    continue
                control = link.certainty == "unknown"  # "controlled, share not published"
                links.append(
                    _Link(
                        parent.name,
                        100.0 if control else link.percent,
                        link.percent,
                        "control, share unknown" if control else link.certainty,
                        self._entity(parent, depth + 1, seen),
                    )
                )
            result = _combine(links)
        elif entity.category in self.state_categories:
            step = PathStep(
                name=f"the state (registry category {entity.category}; share unknown)",
                percent=100,
                certainty="approximate",
            )
            result = _Share({entity.country: 100.0}, ((step,),))
        else:
            result = _NONE
        if not result.truncated:  # a result cut short by this path's depth is not the entity's
            self._memo[entity.id] = result
        return result


_CASE_OWNERS = "owners in the case file"


def _declared(country: str) -> _Share:
    """Declared state-owned, share not given: the whole share, through a step that says so
    (the party is not itself a state body)."""
    step = PathStep(
        name="the state (declared in the case file; share not given)",
        percent=100,
        certainty="unknown",
    )
    return _Share({country: 100.0}, ((step,),))


def _by_kind(country: str, kind: str, entity: Entity) -> _Share:
    """A public-body kind in the case for an entity the registry does not hold to be a state
    body: counted as state-held, through a step that says why, not as the state itself."""
    step = PathStep(
        name=f"the state (a {kind.replace('_', ' ')} by the case; the registry entry "
        f"'{entity.name}' is not a state body)",
        percent=100,
        certainty="unknown",
    )
    return _Share({country: 100.0}, ((step,),))


def state_share_list(ownership: OwnershipEvidence | None) -> list[dict[str, str | float]]:
    """Each state's effective share, largest first: [{"country": "CN", "share": 24.0}, ...].

    The party fact carries it as `state_shares`, so a rule can ask whether one named state
    holds a threshold (durable-rules `$iany`); shares of different states are never added.
    """
    if ownership is None:
        return []
    ranked = sorted(ownership.shares_by_country.items(), key=lambda cs: (-cs[1], cs[0]))
    return [{"country": country, "share": share} for country, share in ranked if share > 0]


def _combine(links: Iterable[_Link]) -> _Share:
    """A node's shares from its owners': multiplied along each link, added per state."""
    shares: dict[str, float] = {}
    chains: list[Chain] = []
    truncated = False
    for link in links:
        truncated = truncated or link.sub.truncated
        if link.sub.total <= 0:
            continue
        for country, share in link.sub.shares.items():
            shares[country] = shares.get(country, 0.0) + link.weight * share / 100
        label = link.name + (" (state)" if link.sub.chains == ((),) else "")
        step = PathStep(name=label, percent=link.shown, certainty=link.certainty)
        chains.extend((step, *c) for c in link.sub.chains)
    return _Share(shares, tuple(chains), truncated)


def _product(chain: Chain) -> float:
    value = 1.0
    for step in chain:
        value *= step.percent / 100
    return value


def _chain_text(name: str, chain: Chain) -> str:
    """'PMEC <- China Harbour (100%) <- SASAC (state) (63.8%, approximate)'."""
    parts = [name]
    for step in chain:
        mark = "" if step.certainty == "reported" else f", {step.certainty}"
        parts.append(f"{step.name} ({step.percent:g}%{mark})")
    return " <- ".join(parts) if chain else f"{name} (itself a state body)"
