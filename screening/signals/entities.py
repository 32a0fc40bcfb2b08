"""Match case parties against the entity registry (aliases, then fuzzy names).

A party either links to one entity, or to none: when two entities fit equally well the
match is ambiguous and both are named in a notice, and when none reaches the threshold the
closest one is kept with its score, so a reviewer can see how near it came.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from screening.loading.yamlio import YamlDocument
from screening.models.case import Party
from screening.models.evidence import EntityEvidence
from screening.models.registry import Entity
from screening.signals.names import MIN_FUZZY_LENGTH, NameHit, NameIndex, NameMatch
from screening.signals.normalise import normalise_name

#: Points taken off a match between a party and an entity of different countries.
COUNTRY_PENALTY = 10.0
#: An unmatched party whose best candidate scored this much gets a notice of its own; the
#: others share one line (most are people and local bodies the registry need not know).
NEAR_MISS = 60.0


@dataclass(frozen=True)
class PartyMatch:
    """A party's registry link, or why it has none."""

    evidence: EntityEvidence | None
    threshold: float
    nearest: NameHit[Entity] | None = None  # no link: the closest entity and its score
    note: str | None = None  # no link: why `nearest` did not count, beyond its score
    ambiguous: tuple[NameHit[Entity], ...] = ()  # no link: entities it cannot tell apart
    name: str | None = None  # the party's name the nearest or ambiguous result is for

    @property
    def near_miss(self) -> bool:
        """Unlinked, and worth its own notice: ambiguous, or a candidate came close."""
        if self.evidence is not None:
            return False
        return bool(self.ambiguous) or (
            self.nearest is not None and self.nearest.score >= NEAR_MISS
        )

    def notice(self, party: Party) -> str | None:
        """'party X matches no registry entity: best candidate 'Y' (id) scored 84 < 88'."""
        if not self.near_miss:
            return None
        if self.ambiguous:
            names = " and ".join(f"'{h.item.name}' ({h.item.id})" for h in self.ambiguous)
            return (
                f"party '{party.name}': the name '{self.name}' fits {names} equally well, so "
                "no registry entity is linked; give the party's full registered name"
            )
        head = f"party '{party.name}' matches no registry entity"
        assert self.nearest is not None  # a near miss has a nearest candidate
        note = f" ({self.note})" if self.note else ""
        return (
            f"{head}: best candidate '{self.nearest.alias}' ({self.nearest.item.id}) scored "
            f"{self.nearest.score:g} < {self.threshold:g}{note}"
        )


def match_notices(matches: list[tuple[Party, PartyMatch]]) -> list[str]:
    """A notice per near miss, then one line for every other party that matched nothing."""
    out = [n for party, m in matches if (n := m.notice(party))]
    far = [(p, m) for p, m in matches if m.evidence is None and not m.near_miss]
    if far:
        names = ", ".join(
            f"'{p.name}' ({m.nearest.score:g})" if m.nearest else f"'{p.name}' (no candidate)"
            for p, m in far
        )
        out.append(
            f"no registry entity matches {names} (the best candidate's score; a match "
            f"needs {far[0][1].threshold:g})"
        )
    return out


class EntityIndex:
    def __init__(self, entities: Iterable[Entity]) -> None:
        self._index: NameIndex[Entity] = NameIndex((e, [e.name, *e.aliases]) for e in entities)

    def lookup(self, name: str, min_score: float) -> NameHit[Entity] | None:
        return self._index.lookup(name, min_score)

    def match(self, name: str, min_score: float) -> NameMatch[Entity]:
        return self._index.match(name, min_score)

    def match_party(self, party: Party, min_score: float) -> PartyMatch:
        """The one entity any of the party's names denotes, if it reaches `min_score`."""
        hits: list[tuple[NameHit[Entity], str]] = []
        misses: list[tuple[NameHit[Entity], str, str | None]] = []
        ambiguous: tuple[tuple[NameHit[Entity], ...], str] | None = None
        for name in (party.name, *party.aliases):
            m = self._index.match(name, min_score)
            if m.hit is not None:
                hit, note = m.hit, None
                if hit.item.country != party.country:
                    hit, note = _across_borders(hit, party.country)
                if hit.score >= min_score and note != SHORT_ABROAD:
                    hits.append((hit, name))
                else:
                    misses.append((hit, name, note))
            elif m.ambiguous:
                ambiguous = ambiguous or (m.ambiguous, name)
            elif m.nearest is not None:
                near, note = m.nearest, m.note
                if near.item.country != party.country:
                    near, border = _across_borders(near, party.country)
                    note = note or border
                misses.append((near, name, note))
        if hits:
            best = max(h.score for h, _ in hits)
            top = [(h, n) for h, n in hits if h.score == best]
            ids = {h.item.id for h, _ in top}
            if len(ids) == 1:
                return PartyMatch(_evidence(party, *top[0]), min_score)
            ambiguous = (tuple({h.item.id: h for h, _ in top}.values()), top[0][1])
        if ambiguous is not None:
            return PartyMatch(None, min_score, ambiguous=ambiguous[0], name=ambiguous[1])
        if not misses:
            return PartyMatch(None, min_score)
        near, name, note = max(misses, key=lambda m: m[0].score)
        return PartyMatch(None, min_score, nearest=near, note=note, name=name)


SHORT_ABROAD = "a short alias of an entity of another country is taken for a coincidence"


def _across_borders(hit: NameHit[Entity], country: str) -> tuple[NameHit[Entity], str]:
    """A party of another country than the entity: a short alias ('HIT', 'BIT') is a
    coincidence; a longer name may be a subsidiary abroad, so it keeps a reduced score."""
    if len(normalise_name(hit.alias)) < MIN_FUZZY_LENGTH:
        return hit, SHORT_ABROAD
    score = round(hit.score - COUNTRY_PENALTY, 1)
    note = f"entity of {hit.item.country}, party of {country}: {COUNTRY_PENALTY:g} points off"
    return NameHit(hit.item, hit.alias, score), note


def _evidence(party: Party, hit: NameHit[Entity], name: str) -> EntityEvidence:
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


class EntityEntry(NamedTuple):
    """Where an entity is written: its file, its position in `entities`, its raw mapping."""

    doc: YamlDocument
    position: int
    raw: dict[str, Any]

    @property
    def ref(self) -> str:
        """'registry:china.yaml#cn-sipg', as provenance maps cite it."""
        return f"registry:{Path(self.doc.path).name}#{self.raw['id']}"


def entity_entries(docs: dict[str, YamlDocument]) -> dict[str, EntityEntry]:
    """Entity id -> its entry, from the pack's YAML documents (the first of duplicates)."""
    out: dict[str, EntityEntry] = {}
    for path in sorted(docs):
        doc = docs[path]
        entities = doc.data.get("entities") if isinstance(doc.data, dict) else None
        for i, item in enumerate(entities if isinstance(entities, list) else []):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                out.setdefault(item["id"], EntityEntry(doc, i, item))
    return out
