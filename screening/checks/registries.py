"""Registry checks: facility kinds, entity categories, lists and owner links that exist, and
entity names that normalisation would merge."""

from __future__ import annotations

from screening.conditions.base import expected
from screening.errors import Location, Problem
from screening.loading.rulepack import RulePack
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
    for ent in pack.entities.values():
        for listing in ent.lists:
            if listing.list not in known_lists:
                out.append(
                    Problem(
                        where.get(("entity", ent.id), Location(str(pack.root))),
                        f"entity '{ent.id}': unknown list '{listing.list}'; "
                        f"{expected(known_lists, listing.list)}",
                        "registry",
                    )
                )
    for c in pack.matching.state_categories:
        if c not in categories:
            out.append(
                Problem(
                    Location(str(pack.root / "matching.yaml")),
                    f"state_categories: unknown category '{c}'; {expected(categories, c)}",
                    "matching",
                )
            )
    out += registry_collisions(pack)
    return out


def registry_locations(pack: RulePack) -> dict[tuple[str, str], Location]:
    out: dict[tuple[str, str], Location] = {}
    for doc in pack.docs.values():
        data = doc.data if isinstance(doc.data, dict) else {}
        for key, label in (("facilities", "facility"), ("entities", "entity"), ("places", "place")):
            for i, item in enumerate(data.get(key) or []):
                if isinstance(item, dict) and "id" in item:
                    out[(label, str(item["id"]))] = doc.location((key, i, "id"))
    return out
