"""Registry names that normalisation would merge: two entities one name cannot tell apart.

Normalisation drops legal forms, punctuation and other decoration, so two entities whose
names differ only by those ("X Co., Ltd." and "X Limited") read as the same key and a
party or owner of that name could be linked to the wrong one. The matcher refuses such a
link (it reports an ambiguity); this check reports the cause in the registry, at both
entries, so it is fixed where it is made.
"""

from __future__ import annotations

from pathlib import Path

from screening.errors import Location, Problem
from screening.loading.rulepack import RulePack
from screening.models.registry import Entity
from screening.signals.entities import EntityEntry, entity_entries
from screening.signals.names import NameIndex

CODE = "registry-collision"


def registry_collisions(pack: RulePack) -> list[Problem]:
    """One error per pair of names of different entities that share a normalised key,
    located at the later name and naming the earlier one's file:line."""
    index: NameIndex[Entity] = NameIndex((e, [e.name, *e.aliases]) for e in pack.entities.values())
    where = entity_entries(pack.docs)
    out: list[Problem] = []
    seen: set[tuple[str, str, str, str]] = set()
    for key, entries in index.by_key():
        first = entries[0]
        for other in entries[1:]:
            pair = (first.item.id, first.alias, other.item.id, other.alias)
            if pair in seen:
                continue
            seen.add(pair)
            there = _name_location(where, first.item, first.alias, pack.root)
            out.append(
                Problem(
                    _name_location(where, other.item, other.alias, pack.root),
                    f"entity '{other.item.id}': name '{other.alias}' and name "
                    f"'{first.alias}' of entity '{first.item.id}' ({there}) both normalise "
                    f"to '{key}', so a party of that name cannot be told apart; expected "
                    "names that stay distinct without legal forms and punctuation "
                    "(qualify or remove one)",
                    CODE,
                )
            )
    return out


def _name_location(
    where: dict[str, EntityEntry],
    entity: Entity,
    alias: str,
    root: Path,
) -> Location:
    """Where `alias` is written in the entity's entry (its name, or one of its aliases)."""
    if entity.id not in where:
        return Location(str(root))
    doc, i, item = where[entity.id]
    aliases = item.get("aliases")
    if alias != entity.name and isinstance(aliases, list):
        for j, written in enumerate(aliases):
            if isinstance(written, str) and written.strip() == alias:
                return doc.location(("entities", i, "aliases", j))
    return doc.location(("entities", i, "name"))
