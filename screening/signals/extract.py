"""Turn one case into the facts the engine matches, each carrying its evidence.

The indexes (phrase automaton, entity names, gazetteer) are built once per rule pack and
reused for every case; extraction itself makes no decision about risk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from screening.conditions.proximity import ProximityCondition
from screening.conditions.tree import iter_leaves
from screening.loading.rulepack import RulePack
from screening.models import facts as F
from screening.models.case import Case, Party, Site
from screening.models.casepaths import case_values, fact_key
from screening.models.evidence import EntityEvidence, LandEvidence, TextEvidence
from screening.models.facts import Fact
from screening.signals.derived import derived_values
from screening.signals.entities import EntityIndex, PartyMatch, entity_entries, match_notices
from screening.signals.ownership import OwnershipResolver
from screening.signals.parties import is_foreign, party_attrs, party_evidence
from screening.signals.proximity import (
    UNMEASURED_REASONS,
    FacilityIndex,
    Gazetteer,
    declared_distances,
)
from screening.signals.text import PhraseIndex, SuppressedMatch


@dataclass
class Extraction:
    facts: list[Fact]
    values: dict[str, Any] = field(default_factory=dict)  # every testable case path's value
    notices: list[str] = field(default_factory=list)
    #: (site name, why): sites whose distances to strategic facilities were not measured
    unmeasured_sites: list[tuple[str, str]] = field(default_factory=list)
    suppressed: list[tuple[str, SuppressedMatch]] = field(default_factory=list)  # (source, hit)

    def by_id(self) -> dict[str, Fact]:
        return {f.id: f for f in self.facts}


def site_key(index: int) -> str:
    """The join key of the case's site at `index` (sites have names, not ids)."""
    return f"site{index + 1}"


#: Transactions that hand the buyer control of what the target or seller holds.
CONTROL_TRANSFERS = ("acquisition", "land_purchase", "concession", "lease")


def acquirers(case: Case) -> list[str]:
    """Parties that take control of the target (and so of the land it holds)."""
    tx = case.transaction
    if tx is None or tx.type not in CONTROL_TRANSFERS or (tx.stake_percent or 100) < 50:
        return []
    return [p.id for p in case.parties if {"acquirer", "investor"} & set(p.roles)]


def selling(case: Case) -> set[str]:
    """Parties whose holdings pass to the buyer: the seller and the target's owner."""
    return {p.id for p in case.parties if {"seller", "target_owner"} & set(p.roles)}


def links(case: Case) -> list[Fact]:
    """`link` facts tying a party to each document it signed and each site it holds or works.

    Joins cross them: "a municipality and a foreign central body sign the same agreement" is
    two party facts joined through two links that share a document; "the state-owned party
    operates the site near the base" joins a party and a site through one link.
    """
    out: list[Fact] = []
    for doc in case.documents:
        signed = {p.id for s in doc.signatories for ref in s.signers() if (p := case.party(ref))}
        for party_id in sorted(signed):
            attrs = {"party": party_id, "document": doc.id, "relation": "signatory"}
            out.append(Fact(f"link:{doc.id}:{party_id}", F.LINK, attrs))
    for index, site in enumerate(case.sites):
        key = site_key(index)
        for sp in site.parties:
            attrs = {"party": sp.party, "site": key, "relation": sp.role}
            out.append(Fact(f"link:{key}:{sp.party}:{sp.role}", F.LINK, attrs))
        out += land_links(case, site, key)
    return out


def land_links(case: Case, site: Site, key: str) -> list[Fact]:
    """Who holds the site's land, and how: each land holder, and a buyer taking control of
    the target, which takes what the target or seller holds (`controlled` where the case
    does not say who holds the site)."""
    held: list[tuple[str, str, float | None, str | None]] = [
        (land.holder, land.tenure, land.duration_years, None) for land in site.land
    ]
    sellers = selling(case)
    for buyer in acquirers(case):
        held += [(buyer, t, years, holder) for holder, t, years, _ in held if holder in sellers]
        if not site.land:
            held.append((buyer, "controlled", None, None))
    out = []
    for party_id, tenure, years, through in dict.fromkeys(held):
        party = case.party(party_id)
        if party is None:
            continue
        foreign = is_foreign(case, party)
        attrs: dict[str, Any] = {
            "party": party_id,
            "site": key,
            "relation": tenure,
            "foreign": foreign,
        }
        if years is not None:
            attrs["term_years"] = years
        evidence = LandEvidence(
            site=site.name,
            party=party_id,
            party_name=party.name,
            tenure=tenure,
            term_years=years,
            through=through,
            foreign=foreign,
        )
        out.append(Fact(f"link:{key}:{party_id}:{tenure}", F.LINK, attrs, evidence))
    return out


def reach(pack: RulePack) -> tuple[float, dict[str, float]]:
    """How far facilities are looked for: the search radius and each range tier's distance,
    no farther than any rule looks (facilities beyond make facts nothing can match)."""
    widest = max(
        (
            leaf.widest_km
            for rule in pack.active_rules
            for leaf in iter_leaves(rule.when)
            if isinstance(leaf, ProximityCondition)
        ),
        default=0.0,
    )
    limit = widest or float("inf")
    search_km = min(pack.matching.proximity_search_km, limit)
    return search_km, {k: min(km, limit) for k, km in pack.matching.ranges.items()}


class SignalExtractor:
    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        self.phrases = PhraseIndex(pack.phrase_sets.values())
        self.entities = EntityIndex(pack.entities.values())
        self.registry_refs = {k: e.ref for k, e in entity_entries(pack.docs).items()}
        self.gazetteer = Gazetteer(pack.places)
        self.facilities = FacilityIndex(pack.facilities)
        self.min_score = pack.matching.entity_min_score
        self.search_km, self.ranges = reach(pack)

    def extract(self, case: Case) -> Extraction:
        values = case_values(case) | derived_values(case, self.pack)
        case_fact = Fact("case", F.CASE, {fact_key(path): v for path, v in values.items()})
        out = Extraction(facts=[case_fact], values=values)
        self._text(case, out)
        self._proximity(case, out)
        self._parties(case, out)
        out.facts += links(case)
        return out

    def _text(self, case: Case, out: Extraction) -> None:
        items: list[tuple[str, str, str | None, str | None, str | None]] = [
            ("documents", d.text, d.id, d.title, d.kind) for d in case.documents
        ]
        if case.target and case.target.description:
            items.append(("target.description", case.target.description, None, None, None))
        if case.target:
            items += [
                ("target.technologies", t, None, None, None) for t in case.target.technologies
            ]
        if case.summary:
            items.append(("summary", case.summary, None, None, None))
        n = 0
        for source, text, doc_id, title, doc_kind in items:
            hits, suppressed = self.phrases.search(text)
            out.suppressed += [(doc_id or source, s) for s in suppressed]
            for hit in hits:
                n += 1
                attrs = {"set": hit.set_id, "source": source, "phrase": hit.phrase}
                if doc_kind:
                    attrs["doc_kind"] = doc_kind
                if doc_id:
                    attrs["document"] = doc_id  # join key: the same document
                out.facts.append(
                    Fact(
                        f"text:{n}",
                        F.TEXT_HIT,
                        attrs,
                        TextEvidence(
                            phrase_set=hit.set_id,
                            phrase=hit.phrase,
                            matched=hit.matched,
                            source=source,
                            document=doc_id,
                            document_title=title,
                            start=hit.start,
                            end=hit.end,
                            sentence=hit.sentence,
                            sentence_start=hit.sentence_start,
                        ),
                    )
                )

    def _proximity(self, case: Case, out: Extraction) -> None:
        n = 0
        for index, site in enumerate(case.sites):
            placed = self.gazetteer.place(site)
            if placed.location is None and placed.note:
                out.notices.append(placed.note)
                out.unmeasured_sites.append((site.name, UNMEASURED_REASONS[placed.precision]))
            evidence = self.facilities.distances(placed, self.search_km, self.ranges)
            evidence += declared_distances(site)
            for ev in evidence:
                n += 1
                attrs: dict[str, Any] = {
                    "facility_kind": ev.facility_kind,
                    "basis": ev.basis,
                    "facility": ev.facility_id or ev.facility,
                    "site": site_key(index),  # join key: the same site
                    "range_tier": self.facilities.tier_of(ev),
                }
                if ev.distance_km is not None:  # a same-area fact has no distance to test
                    attrs["km"] = ev.distance_km
                out.facts.append(Fact(f"prx:{n}", F.PROXIMITY, attrs, ev))

    def _parties(self, case: Case, out: Extraction) -> None:
        resolver = OwnershipResolver(
            self.pack.entities, self.entities, self.pack.matching.state_categories, self.min_score
        )
        signing = {
            p.id
            for d in case.documents
            for s in d.signatories
            for ref in s.signers()
            if (p := case.party(ref)) is not None
        }
        matches: list[tuple[Party, PartyMatch]] = []
        for party in case.parties:
            roles: list[str] = list(party.roles)
            if party.id in signing and "signatory" not in roles:
                roles.append("signatory")
            match = self.entities.match_party(party, self.min_score)
            hit = match.evidence
            entity = self.pack.entities[hit.entity_id] if hit else None
            if hit is not None and entity is not None:
                foreign = is_foreign(case, party) or entity.country != case.jurisdiction
                out.facts.append(self._entity_fact(party, roles, hit, foreign))
            matches.append((party, match))
            ownership = resolver.resolve(party, entity, case.jurisdiction)
            attrs = party_attrs(case, party, roles, entity, ownership)
            attrs["represents_foreign"] = self._represents_foreign(case, party)
            evidence = party_evidence(party, roles, match, entity, ownership, self.registry_refs)
            out.facts.append(Fact(f"party:{party.id}", F.PARTY, attrs, evidence, ownership))
        out.notices += match_notices(matches) + resolver.notices

    @staticmethod
    def _entity_fact(party: Party, roles: list[str], hit: EntityEvidence, foreign: bool) -> Fact:
        """`foreign`: the party or the entity it matched is of another country than the case's."""
        attrs = {
            "foreign": foreign,
            "party": party.id,
            "entity": hit.entity_id,
            "category": hit.category,
            "score": hit.score,
            "roles": roles,
            "lists": hit.lists,
        }
        return Fact(f"ent:{party.id}", F.ENTITY_HIT, attrs, hit)

    def _represents_foreign(self, case: Case, party: Party) -> bool:
        if any(c != case.jurisdiction for c in party.represents_countries):
            return True
        for ref in party.represents:
            other = case.party(ref)
            if other is not None:
                if other.country != case.jurisdiction:
                    return True
                continue
            hit = self.entities.lookup(ref, self.min_score)
            if hit is not None and hit.item.country != case.jurisdiction:
                return True
        return False
