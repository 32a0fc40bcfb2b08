"""Match case parties against the entity registry (aliases, then fuzzy names)."""

from __future__ import annotations

from collections.abc import Iterable

from screening.models.case import Party
from screening.models.evidence import EntityEvidence
from screening.models.registry import Entity
from screening.signals.names import MIN_FUZZY_LENGTH, NameHit, NameIndex, normalise_name


class EntityIndex:
    def __init__(self, entities: Iterable[Entity]) -> None:
        self._index: NameIndex[Entity] = NameIndex((e, [e.name, *e.aliases]) for e in entities)

    def lookup(self, name: str, min_score: float) -> NameHit[Entity] | None:
        return self._index.lookup(name, min_score)

    def match_party(self, party: Party, min_score: float) -> EntityEvidence | None:
        """The best registry match for any of the party's names, if it reaches `min_score`."""
        best: tuple[NameHit[Entity], str] | None = None
        for name in (party.name, *party.aliases):
            hit = self._index.lookup(name, min_score)
            if hit is not None and hit.item.country != party.country:
                hit = _across_borders(hit, min_score)
            if hit is not None and (best is None or hit.score > best[0].score):
                best = (hit, name)
        if best is None:
            return None
        hit, name = best
        entity = hit.item
        return EntityEvidence(
            party=party.id,
            party_name=party.name,
            name_matched=name,
            entity_id=entity.id,
            entity_name=entity.name,
            alias=hit.alias,
            score=hit.score,
            category=entity.category,
            lists=[x.list for x in entity.lists],
            source=entity.source,
        )


#: Points taken off a match between a party and an entity of different countries.
COUNTRY_PENALTY = 10.0


def _across_borders(hit: NameHit[Entity], min_score: float) -> NameHit[Entity] | None:
    """A party of another country than the entity: a short alias ('HIT', 'BIT') is a
    coincidence; a longer name may be a subsidiary abroad, so it keeps a reduced score."""
    if len(normalise_name(hit.alias)) < MIN_FUZZY_LENGTH:
        return None
    score = hit.score - COUNTRY_PENALTY
    return NameHit(hit.item, hit.alias, score) if score >= min_score else None
