"""Registry checks: facility kinds, entity categories, lists and owner links that exist, list
memberships that make sense in time, and entity names that normalisation would merge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import pairwise

from screening.conditions.base import expected
from screening.errors import Location, Problem
from screening.loading.rulepack import RulePack
from screening.models.registry import Entity, Listing
from screening.signals.collisions import registry_collisions

#: The country whose regulation `us_802_part` refers to (31 CFR part 802, Appendix A).
US_802_COUNTRY = "US"


def check_registries(pack: RulePack) -> list[Problem]:
    out: list[Problem] = []
    kinds = {k.id for k in pack.vocabulary.facility_kinds}
    categories = {c.id for c in pack.vocabulary.entity_categories}
    where = registry_locations(pack)
    for fac in pack.facilities:
        loc = where.get(("facility", fac.id), Location(str(pack.root)))
        if fac.kind not in kinds:
            msg = f"facility '{fac.id}': unknown kind '{fac.kind}'; {expected(kinds, fac.kind)}"
            out.append(Problem(loc, msg, "registry"))
        if fac.range_tier is not None and fac.range_tier not in pack.matching.proximity_ranges:
            known = set(pack.matching.proximity_ranges)
            msg = (
                f"facility '{fac.id}': unknown range_tier '{fac.range_tier}'; "
                f"{expected(known, fac.range_tier)} (matching.yaml proximity_ranges)"
            )
            out.append(Problem(loc, msg, "registry"))
        if fac.us_802_part is not None and fac.country != US_802_COUNTRY:
            msg = (
                f"facility '{fac.id}': us_802_part is for installations listed in 31 CFR part "
                f"802 (country {US_802_COUNTRY}); got country {fac.country}"
            )
            out.append(Problem(loc, msg, "registry"))
    for ent in pack.entities.values():
        loc = where.get(("entity", ent.id), Location(str(pack.root)))
        if ent.category not in categories:
            out.append(
                Problem(
                    loc,
                    f"entity '{ent.id}': unknown category '{ent.category}'; "
                    f"{expected(categories, ent.category)}",
                    "registry",
                )
            )
        for link in ent.owners:
            if link.entity not in pack.entities:
                out.append(
                    Problem(
                        loc,
                        f"entity '{ent.id}': owner '{link.entity}' is not in "
                        "the registry; expected an entity id",
                        "registry",
                    )
                )
    known_lists = {x.id for x in pack.vocabulary.lists}
    today = dt.date.today()
    for ent in pack.entities.values():
        for j, message in membership_problems(ent, known_lists, today):
            at = where.get(("listing", f"{ent.id}/{j}")) or where.get(("entity", ent.id))
            out.append(Problem(at or Location(str(pack.root)), message, "registry"))
    matching = pack.docs.get(str(pack.root / "matching.yaml"))
    for i, c in enumerate(pack.matching.state_categories):
        if c not in categories:
            out.append(
                Problem(
                    matching.location(("state_categories", i))
                    if matching
                    else Location(str(pack.root / "matching.yaml")),
                    f"state_categories: unknown category '{c}'; {expected(categories, c)}",
                    "matching",
                )
            )
    out += registry_collisions(pack)
    return out


def membership_problems(
    ent: Entity, known_lists: set[str], today: dt.date
) -> Iterator[tuple[int, str]]:
    """(index of the membership under `lists`, message) for each membership that names an
    unknown list, starts after today, or overlaps another membership of the same list."""
    by_list: dict[str, list[tuple[int, Listing]]] = {}
    for j, m in enumerate(ent.memberships):
        by_list.setdefault(m.list, []).append((j, m))
        if m.list not in known_lists:
            yield j, f"{_what(ent, j, m)}: unknown list; {expected(known_lists, m.list)}"
        if m.since.earliest > today:
            yield j, f"{_what(ent, j, m)}: since {m.since} is after today ({today.isoformat()})"
    for same in by_list.values():
        same.sort(key=lambda jm: jm[1].since.earliest)
        for (_, prev), (j, m) in pairwise(same):
            if prev.until is None or prev.until.latest >= m.since.earliest:
                end = f"until {prev.until}" if prev.until else "with no until"
                msg = (
                    f"overlaps another membership of the same list (since {prev.since}, {end}); "
                    "record a listing once, from the date first listed"
                )
                yield j, f"{_what(ent, j, m)}: {msg}"


def _what(ent: Entity, j: int, m: Listing) -> str:
    return f"entity '{ent.id}': lists[{j}] ({m.list})"


def registry_locations(pack: RulePack) -> dict[tuple[str, str], Location]:
    """Where each facility, entity and place id is written, and each entity's memberships
    (`("listing", "<entity id>/<index>")`)."""
    out: dict[tuple[str, str], Location] = {}
    for doc in pack.docs.values():
        data = doc.data if isinstance(doc.data, dict) else {}
        for key, label in (("facilities", "facility"), ("entities", "entity"), ("places", "place")):
            items = data.get(key)
            for i, item in enumerate(items if isinstance(items, list) else []):
                if isinstance(item, dict) and "id" in item:
                    out[(label, str(item["id"]))] = doc.location((key, i, "id"))
                    listed = item.get("lists") if key == "entities" else None
                    for j in range(len(listed) if isinstance(listed, list) else 0):
                        out[("listing", f"{item['id']}/{j}")] = doc.location((key, i, "lists", j))
    return out
