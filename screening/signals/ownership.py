"""Effective state ownership: the share of a party a state body holds through every chain.

Along a chain the shares multiply (60% of a company that is 50% state-held is 30%); across
chains they add. A chain ends at a state body: an owner marked `state: true`, a public-body
kind (ministry, party organ…), or a registry entity that is a state body or, with no known
owners, belongs to a state-controlled category. Cycles and depth are bounded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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
    share: float  # 0..100
    country: str | None
    chains: tuple[Chain, ...]


_NONE = _Share(0.0, None, ())
_IS_STATE = ((),)  # the node itself is the state: one empty chain


class OwnershipResolver:
    def __init__(
        self,
        entities: dict[str, Entity],
        index: EntityIndex,
        state_categories: list[str],
        min_score: float,
    ) -> None:
        self._entities = entities
        self._index = index
        self._state_categories = set(state_categories)
        self._min_score = min_score
        self._memo: dict[str, _Share] = {}

    def resolve(self, party: Party, matched: Entity | None) -> OwnershipEvidence | None:
        """The party's effective state share with its chains, or None when it is 0."""
        if party.kind in STATE_KINDS:
            result = _Share(100.0, party.country, _IS_STATE)
            basis = f"is a public body ({party.kind.replace('_', ' ')})"
        elif party.owners:
            result, basis = self._owners(party.owners, 0, frozenset()), "owners in the case file"
        elif party.state_owned:
            result, basis = (
                _Share(100.0, party.country, _IS_STATE),
                "declared state-owned in the case file (share not given)",
            )
        elif matched is not None:
            result = self._entity(matched, 0, frozenset())
            basis = f"registry entry '{matched.name}'"
        else:
            return None
        if result.share <= 0:
            return None
        best = max(result.chains, key=_product)
        return OwnershipEvidence(
            party=party.id,
            party_name=party.name,
            state_share=round(min(result.share, 100), 2),
            state_country=result.country,
            paths=[list(c) for c in result.chains],
            path_text=_chain_text(party.name, best),
            basis=basis,
        )

    def _owners(self, owners: list[Owner], depth: int, seen: frozenset[str]) -> _Share:
        return _combine(
            (o.name, o.percent, o.certainty, self._owner(o, depth + 1, seen)) for o in owners
        )

    def _owner(self, owner: Owner, depth: int, seen: frozenset[str]) -> _Share:
        if depth > MAX_DEPTH or owner.name in seen:
            return _NONE
        seen = seen | {owner.name}
        if owner.state or owner.kind in STATE_KINDS:
            return _Share(100.0, owner.country, _IS_STATE)
        if owner.owners:
            return self._owners(owner.owners, depth, seen)
        hit = self._index.lookup(owner.name, self._min_score)
        return self._entity(hit.item, depth, seen) if hit is not None else _NONE

    def _entity(self, entity: Entity, depth: int, seen: frozenset[str]) -> _Share:
        if entity.id in self._memo:
            return self._memo[entity.id]
        if depth > MAX_DEPTH or entity.id in seen:
            return _NONE
        seen = seen | {entity.id}
        if entity.state_body:
            result = _Share(100.0, entity.country, _IS_STATE)
        elif entity.owners:
            links = [(link, self._entities.get(link.entity)) for link in entity.owners]
            result = _combine(
                (parent.name, link.percent, link.certainty, self._entity(parent, depth + 1, seen))
                for link, parent in links
                if parent is not None
            )
        elif entity.category in self._state_categories:
            step = PathStep(
                name=f"the state (registry category {entity.category}; share unknown)",
                percent=100,
                certainty="approximate",
            )
            result = _Share(100.0, entity.country, ((step,),))
        else:
            result = _NONE
        self._memo[entity.id] = result
        return result


def _combine(links: Iterable[tuple[str, float, str, _Share]]) -> _Share:
    """A node's share from its owners': multiplied along each link, added across links."""
    total, country, chains = 0.0, None, list[Chain]()
    for name, percent, certainty, sub in links:
        if sub.share <= 0:
            continue
        total += percent * sub.share / 100
        country = country or sub.country
        label = name + (" (state)" if sub.chains == _IS_STATE else "")
        step = PathStep(name=label, percent=percent, certainty=certainty)
        chains.extend((step, *c) for c in sub.chains)
    return _Share(total, country, tuple(chains))


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
