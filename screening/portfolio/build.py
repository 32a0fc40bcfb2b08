"""Build the portfolio from a results database: each case file's last screening, read again.

The database holds results; the parties, sites and their places are in the case files it
names, read with the same loader as `screen` (a file that is gone or no longer valid is
listed, not fatal). A party is linked to the registry with the signal stage's own name
matching, and to its group by the registry's ownership chain: the majority owner, up to the
top. Strategic facilities come from the proximity evidence of the results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from screening.errors import InputError
from screening.loading.case import load_case
from screening.loading.rulepack import RulePack
from screening.models.case import Case
from screening.models.party import Party
from screening.models.registry import Entity
from screening.monitor.store import Screening, last_screenings, open_database
from screening.portfolio.model import Edge, Filters, Node, NodeKind, Portfolio
from screening.signals.entities import EntityIndex

#: A local or regional authority: one side of a twinning or cooperation agreement.
LOCAL_KINDS = {"municipality", "regional_government"}
#: A foreign public body: the other side.
BODY_KINDS = {"ministry", "government_agency", "party_organ", "regional_government", "municipality"}
#: Most ownership steps followed up to a group (registries have no deeper chains).
MAX_CHAIN = 20


def build(database: Path, pack: RulePack, filters: Filters | None = None) -> Portfolio:
    """The portfolio of `database` under `filters`; `InputError` when it is not a database."""
    db = open_database(database)
    try:
        screenings = last_screenings(db)
    finally:
        db.close()
    out = Portfolio(str(database), filters=filters or Filters())
    index = EntityIndex(pack.entities.values())
    for s in screenings:
        try:
            case, _ = load_case(Path(s.path), pack)
        except InputError as exc:
            out.problems += [str(p) for p in exc.problems]
            continue
        if _selected(case, s, pack, index, out.filters):
            _add_case(out, case, s, pack, index)
    return out


def case_date(case: Case, s: Screening) -> str:
    """The case's date (its start when partial), else the day it was screened."""
    return str(case.date).rstrip("~") if case.date else s.screened_at[:10]


def group_of(entity: Entity, pack: RulePack) -> Entity:
    """The top of the entity's majority ownership chain in the registry (itself if none)."""
    seen = {entity.id}
    current = entity
    for _ in range(MAX_CHAIN):
        owner = next((o for o in current.owners if o.percent > 50), None)
        parent = pack.entities.get(owner.entity) if owner else None
        if parent is None or parent.id in seen:
            break
        seen.add(parent.id)
        current = parent
    return current


def _foreign(party: Party, case: Case) -> bool:
    return party.country != case.jurisdiction


def _entity(party: Party, pack: RulePack, index: EntityIndex) -> Entity | None:
    match = index.match_party(party, pack.matching.entity_min_score)
    return pack.entities.get(match.evidence.entity_id) if match.evidence else None


def _selected(case: Case, s: Screening, pack: RulePack, index: EntityIndex, f: Filters) -> bool:
    day = case_date(case, s)
    if f.since and day < f.since:
        return False
    if f.until and day[: len(f.until)] > f.until:
        return False
    if f.municipality:
        wanted = f.municipality.casefold()
        local = [p for p in case.parties if p.kind in LOCAL_KINDS and not _foreign(p, case)]
        if not any(wanted in p.name.casefold() for p in local):
            return False
    if f.foreign_body:
        wanted = f.foreign_body.casefold()
        names: list[str] = []
        for p in (p for p in case.parties if _foreign(p, case)):
            names.append(p.name)
            entity = _entity(p, pack, index)
            if entity is not None:
                names += [entity.name, group_of(entity, pack).name]
        if not any(wanted in n.casefold() for n in names):
            return False
    return True


def _party_kind(party: Party, case: Case) -> NodeKind:
    if party.kind in LOCAL_KINDS and not _foreign(party, case):
        return "municipality"
    if party.kind in BODY_KINDS and _foreign(party, case):
        return "foreign_body"
    return "company" if party.kind == "company" else "party"


def _add_case(out: Portfolio, case: Case, s: Screening, pack: RulePack, idx: EntityIndex) -> None:
    cid = out.add_node(
        Node(
            f"case:{case.id}",
            "case",
            case.title,
            country=case.jurisdiction,
            band=s.band,
            detail=f"{case_date(case, s)}; score {s.score:.1f}",
        )
    )
    ids: dict[str, str] = {}
    for party in case.parties:
        entity = _entity(party, pack, idx)
        key = f"entity:{entity.id}" if entity else _key(party.name)
        kind = _party_kind(party, case)
        detail = f"registry: {entity.name} ({entity.id})" if entity else None
        pid = out.add_node(Node(f"party:{key}", kind, party.name, party.country, detail=detail))
        ids[party.id] = pid
        out.add_edge(Edge(cid, pid, "party_of", ", ".join(party.roles), case.id))
        if entity is not None and _foreign(party, case):
            group = group_of(entity, pack)
            if group.id != entity.id:
                gid = out.add_node(Node(f"group:{group.id}", "group", group.name, group.country))
                out.add_edge(Edge(pid, gid, "owned_by", "registry ownership chain", case.id))
    local = [p for p in case.parties if _party_kind(p, case) == "municipality"]
    foreign = [p for p in case.parties if _foreign(p, case)]
    for a in local:
        for b in foreign:
            out.add_edge(Edge(ids[a.id], ids[b.id], "agreement", case.title, case.id))
    for site in case.sites:
        lat, lon = _position(site.coordinates, site.place, pack)
        sid = out.add_node(Node(f"site:{_key(site.name)}", "site", site.name, lat=lat, lon=lon))
        out.add_edge(Edge(cid, sid, "site_of", "", case.id))
        for tenure in site.land:
            if tenure.holder in ids:
                out.add_edge(Edge(ids[tenure.holder], sid, "holds", tenure.tenure, case.id))
        for sp in site.parties:
            if sp.party in ids:
                out.add_edge(Edge(ids[sp.party], sid, "holds", sp.role, case.id))
    _facilities(out, s, pack, case.id)


def _facilities(out: Portfolio, s: Screening, pack: RulePack, case_id: str) -> None:
    """Strategic facilities the case's sites were measured against, from its findings."""
    by_id = {f.id: f for f in pack.facilities}
    for ev in _proximity(s.result):
        facility = by_id.get(str(ev.get("facility_id")))
        name = str(ev.get("facility") or "")
        fid = f"facility:{facility.id if facility else _key(name)}"
        loc = facility.location if facility else None
        out.add_node(
            Node(
                fid,
                "facility",
                facility.name if facility else name,
                facility.country if facility else None,
                lat=loc.lat if loc else None,
                lon=loc.lon if loc else None,
                detail=str(ev.get("facility_kind") or ""),
            )
        )
        km = ev.get("distance_km")
        label = f"{km:.1f} km" if isinstance(km, int | float) else "same area"
        site = f"site:{_key(str(ev.get('site') or ''))}"
        if site in out.nodes:
            out.add_edge(Edge(site, fid, "near", label, case_id))


def _proximity(result: dict[str, Any]) -> list[dict[str, Any]]:
    findings = [*result.get("findings", []), *(w["finding"] for w in result.get("waived", []))]
    return [
        ev
        for f in findings
        for ev in f.get("evidence", [])
        if isinstance(ev, dict) and ev.get("kind") == "proximity"
    ]


def _position(coords: Any, place: str | None, pack: RulePack) -> tuple[float | None, float | None]:
    if coords is not None:
        return float(coords.lat), float(coords.lon)
    if place:
        wanted = place.casefold()
        for p in pack.places:
            if wanted in {n.casefold() for n in (p.name, *p.aliases)}:
                return p.location.lat, p.location.lon
    return None, None


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()
