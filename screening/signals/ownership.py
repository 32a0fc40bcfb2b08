"""Effective state ownership: the share of a party each state holds through every chain.

Along a chain the shares multiply (60% of a company that is 50% state-held is 30%); across
chains they add, separately for each state: 15% held by one state and 40% by another are
not 55% of either (the party fact lists them per state as `state_shares`). A chain ends at
a state body: an owner marked `state: true`, a public-body kind (ministry, party organ…)
unless the registry says that entity is not a state body, or a registry entity that is a
state body or, with no known owners, belongs to a state-controlled category. A registry link
of unknown share stands for control and passes the parent's share on whole.

Chains are followed to any depth, without recursion: each owner is a step of an explicit
walk, and each registry entity is resolved once per party, so a graph of diamonds (2^30
chains through 60 entities) costs 60 steps. The shares count every chain; the evidence lists
the `MAX_PATHS` strongest and says how many there are. A loop (A owned by B owned by A) is
cut where the walk comes back to a company already on its chain: the share held around the
loop is not counted, and the case notices, the evidence's basis and the finding's caveat
say so (`conditions.ownership.LOOP_CUT`).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

from screening.conditions.ownership import LOOP_CUT, PATHS_CUT
from screening.models.case import Owner, Party
from screening.models.evidence import OwnershipEvidence, PathStep
from screening.models.registry import Entity
from screening.signals.entities import EntityIndex
from screening.signals.ownership_chains import (
    NONE,
    Link,
    Share,
    chain_text,
    combine,
    figure,
    one_step,
    state,
    strength,
    with_loops,
)

STATE_KINDS = {
    "ministry",
    "government_agency",
    "party_organ",
    "municipality",
    "regional_government",
}
#: A node of the walk: it yields the walks of the nodes it needs and receives their shares.
_Walk = Generator[Any, Share, Share]


@dataclass
class OwnershipResolver:
    entities: dict[str, Entity]
    index: EntityIndex
    state_categories: list[str]
    min_score: float
    notices: list[str] = field(default_factory=list)
    _memo: dict[str, Share] = field(default_factory=dict)  # entities with no loop below
    _party: str = ""  # the party being resolved, for notices about its owners
    _local: dict[str, Share] = field(default_factory=dict)  # every entity, for one party
    _trail: list[str] = field(default_factory=list)  # names on the chain being walked
    _on_trail: dict[tuple[str, str], int] = field(default_factory=dict)  # -> index in _trail

    def resolve(
        self, party: Party, matched: Entity | None, jurisdiction: str
    ) -> OwnershipEvidence | None:
        """The party's effective state shares with their chains, or None when there are none."""
        self._party = party.name
        self._local, self._trail, self._on_trail = {}, [], {}
        result, basis, from_registry = self._choose(party, matched)
        if result.loops:
            self.notices.append(
                f"the ownership of {party.name} loops ({'; '.join(result.loops)}); the share "
                "held around a loop is not counted"
            )
        if result.total <= 0:
            return None
        shares = {c: round(min(v, 100.0), 2) for c, v in sorted(result.shares.items())}
        foreign = sum(v for c, v in shares.items() if c != jurisdiction)
        best = max(result.chains, key=strength)
        text = chain_text(party.name, [] if best is None else best.steps())
        if result.count > 1:
            more = result.count - 1
            text += f" (+{figure(more)} more chain{'s' if more > 1 else ''})"
        if result.count > len(result.chains):
            basis += (
                f"; {PATHS_CUT}: {figure(result.count)} chains, the "
                f"{len(result.chains)} strongest listed, all counted"
            )
        if result.loops:
            basis += f"; {LOOP_CUT}: {'; '.join(result.loops)}"
        return OwnershipEvidence(
            party=party.id,
            party_name=party.name,
            state_share=round(min(result.total, 100), 2),
            foreign_state_share=round(min(foreign, 100), 2),
            shares_by_country=shares,
            state_country=max(shares, key=lambda c: shares[c]),
            paths=[[] if c is None else c.steps() for c in result.chains],
            path_text=text,
            basis=basis,
            registry_entity=matched.id if from_registry and matched is not None else None,
        )

    def _choose(self, party: Party, matched: Entity | None) -> tuple[Share, str, bool]:
        """The shares, what they rest on, and whether they come from the registry entry.

        The case decides where it speaks (a public-body kind, owners, a declaration either
        way); the registry fills in where it is silent. A public-body kind is not taken for
        the state itself when the registry says the entity is not a state body.
        """
        kind = party.kind.replace("_", " ")
        registry = self._walk(self._entity(matched)) if matched is not None else NONE
        if party.kind in STATE_KINDS and (matched is None or matched.state_body):
            return state(party.country), f"is a public body ({kind})", False
        if party.owners:
            owners = self._walk(self._owners(party.owners, party.country))
            return owners, _CASE_OWNERS, False
        if party.state_owned is False:
            if matched is not None and registry.total > 0:
                self.notices.append(
                    f"the case declares {party.name} not state-owned; the registry entry "
                    f"'{matched.name}' records a state share of {min(registry.total, 100):g}%, "
                    "which is not counted"
                )
            return NONE, "declared not state-owned in the case file", False
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
        return NONE, "", False

    # -- the walk -------------------------------------------------------------------------
    @staticmethod
    def _walk(root: _Walk) -> Share:
        """Run a walk to its end with an explicit stack: no depth limit, no recursion."""
        stack = [root]
        value: Any = None
        while True:
            try:
                child = stack[-1].send(value)
            except StopIteration as done:
                stack.pop()
                if not stack:
                    result: Share = done.value
                    return result
                value = done.value
                continue
            stack.append(child)
            value = None

    def _enter(self, key: tuple[str, str], name: str) -> str | None:
        """Put a node on the chain; if it is there already, the loop it closes, written out."""
        if key in self._on_trail:
            names = [*self._trail[self._on_trail[key] :], name]
            if len(names) > 6:
                names = [*names[:3], f"… ({len(names) - 4} more)", names[-1]]
            return " <- ".join(names)
        self._on_trail[key] = len(self._trail)
        self._trail.append(name)
        return None

    def _leave(self, key: tuple[str, str]) -> None:
        del self._on_trail[key]
        self._trail.pop()

    def _owners(self, owners: list[Owner], country: str) -> _Walk:
        links = []
        for o in owners:
            sub = yield self._owner(o, o.country or country)
            links.append(Link(o.name, o.percent, o.percent, o.certainty, sub))
        return combine(links)

    def _owner(self, owner: Owner, country: str) -> _Walk:
        key = ("owner", owner.name)
        loop = self._enter(key, owner.name)
        if loop is not None:
            return Share({}, (), 0, (loop,))
        try:
            own_country = owner.country or country  # a state owner with no country: the owned's
            if owner.state:
                return state(own_country)
            entity = (
                self._registry(owner) if owner.kind in STATE_KINDS or not owner.owners else None
            )
            if owner.kind in STATE_KINDS:
                if entity is None or entity.state_body:
                    return state(own_country)
                sub = yield self._entity(entity)  # the registry says: not a state body
                if sub.total > 0:
                    return sub
                return with_loops(_by_kind(own_country, owner.kind, entity), sub.loops)
            if owner.owners:
                return (yield from self._owners(owner.owners, own_country))
            return (yield self._entity(entity)) if entity is not None else NONE
        finally:
            self._leave(key)

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

    def _entity(self, entity: Entity) -> _Walk:
        known = self._memo.get(entity.id) or self._local.get(entity.id)
        if known is not None:
            return known
        key = ("entity", entity.id)
        loop = self._enter(key, entity.name)
        if loop is not None:
            return Share({}, (), 0, (loop,))
        try:
            if entity.state_body:
                result = state(entity.country)
            elif entity.owners:
                links = []
                for link in entity.owners:
                    parent = self.entities.get(link.entity)
                    if parent is None:
                        continue
                    control = link.certainty == "unknown"  # "controlled, share not published"
                    sub = yield self._entity(parent)
                    links.append(
                        Link(
                            parent.name,
                            100.0 if control else link.percent,
                            link.percent,
                            "control, share unknown" if control else link.certainty,
                            sub,
                        )
                    )
                result = combine(links)
            elif entity.category in self.state_categories:
                step = PathStep(
                    name=f"the state (registry category {entity.category}; share unknown)",
                    percent=100,
                    certainty="approximate",
                )
                result = one_step(entity.country, step)
            else:
                result = NONE
        finally:
            self._leave(key)
        # A result with a loop cut below depends on the chain it was reached by: it is kept
        # for this party only. Any other is the entity's own, for every party.
        self._local[entity.id] = result
        if not result.loops:
            self._memo[entity.id] = result
        return result


_CASE_OWNERS = "owners in the case file"


def _declared(country: str) -> Share:
    """Declared state-owned, share not given: the whole share, through a step that says so
    (the party is not itself a state body)."""
    step = PathStep(
        name="the state (declared in the case file; share not given)",
        percent=100,
        certainty="unknown",
    )
    return one_step(country, step)


def _by_kind(country: str, kind: str, entity: Entity) -> Share:
    """A public-body kind in the case for an entity the registry does not hold to be a state
    body: counted as state-held, through a step that says why, not as the state itself."""
    step = PathStep(
        name=f"the state (a {kind.replace('_', ' ')} by the case; the registry entry "
        f"'{entity.name}' is not a state body)",
        percent=100,
        certainty="unknown",
    )
    return one_step(country, step)


def state_share_list(ownership: OwnershipEvidence | None) -> list[dict[str, str | float]]:
    """Each state's effective share, largest first: [{"country": "CN", "share": 24.0}, ...].

    The party fact carries it as `state_shares`, so a rule can ask whether one named state
    holds a threshold (durable-rules `$iany`); shares of different states are never added.
    """
    if ownership is None:
        return []
    ranked = sorted(ownership.shares_by_country.items(), key=lambda cs: (-cs[1], cs[0]))
    return [{"country": country, "share": share} for country, share in ranked if share > 0]
