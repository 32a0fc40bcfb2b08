"""Findings -> a draft case (schema version 2) as plain data, with evidence per field path.

Only what the text states is set. Fields the schema requires but the text may not give are
filled with the schema's most neutral value and a note says so: a party's role defaults to
`counterparty`, an unknown country is `ZZ` (ISO 3166's code for 'unknown'), a target the text
does not name is '(not named in the document)'.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any, cast

from screening.intake.evidence import Evidence
from screening.intake.findings import Findings, PartyFound
from screening.models.registry import Entity

UNKNOWN_COUNTRY = "ZZ"
UNNAMED_TARGET = "(not named in the document)"
Path_ = tuple[str | int, ...]

_KIND_BY_CATEGORY = {
    "state_owned_enterprise": "company",
    "private_company": "company",
    "policy_bank": "bank",
    "state_commercial_bank": "bank",
    "sovereign_fund": "fund",
    "investment_firm": "fund",
    "central_government_body": "government_agency",
    "regional_government_body": "regional_government",
    "party_organ": "party_organ",
    "united_front_organ": "association",
    "university": "university",
    "military_linked_university": "university",
}


def slug(text: str, fallback: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return out or fallback


def _kind(entity: Entity) -> str:
    if entity.category == "regional_government_body" and entity.government_level == "municipal":
        return "municipality"
    return _KIND_BY_CATEGORY.get(entity.category, "company")


class Builder:
    def __init__(self, findings: Findings, *, jurisdiction: str | None = None) -> None:
        self.f = findings
        self.evidence: dict[Path_, Evidence] = {}
        self.notes: list[str] = list(findings.notes)
        self.jurisdiction = jurisdiction

    def build(self, case_id: str) -> dict[str, Any]:
        f = self.f
        title = self._title()
        data: dict[str, Any] = {"schema_version": 2, "id": case_id, "title": title}
        if f.dates:
            data["date"] = f.dates[0].value
            self.evidence[("date",)] = f.dates[0].evidence
        data["jurisdiction"] = self._jurisdiction()
        data["status"] = "proposed"
        parties = self._parties()
        self._mentions()
        if parties:
            data["parties"] = parties
        target = self._target(parties)
        if target:
            data["target"] = target
        transaction = self._transaction(parties)
        if transaction:
            data["transaction"] = transaction
        sites = self._sites()
        if sites:
            data["sites"] = sites
        data["documents"] = [self._document(case_id, title, parties)]
        data["sources"] = [
            {
                "title": title,
                "note": f"intake of {f.doc.path.name} "
                f"({f.doc.format}, {f.doc.pages} page{'s' * (f.doc.pages > 1)})",
            }
        ]
        return data

    def _title(self) -> str:
        doc = self.f.doc
        heading = next((b.text for b in doc.blocks if b.heading), None)
        first = doc.blocks[0].text
        title = doc.title or heading or (first if len(first) <= 200 else None)
        return " ".join((title or doc.path.stem).split())[:300]

    def _jurisdiction(self) -> str:
        if self.jurisdiction:
            return self.jurisdiction
        countries = Counter(p.country for p, _ in self.f.places)
        if countries:
            (country, n), *_ = countries.most_common(1)
            _, ev = next((p, e) for p, e in self.f.places if p.country == country)
            self.evidence[("jurisdiction",)] = Evidence(
                ev.where,
                ev.quote,
                round(0.4 + 0.5 * n / sum(countries.values()), 2),
                f"inferred: {n} of {sum(countries.values())} places named are in {country}",
            )
            return country
        self.notes.append(
            "jurisdiction: not stated and no gazetteer place found; set to ZZ "
            "(unknown): give --jurisdiction"
        )
        return UNKNOWN_COUNTRY

    def _parties(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        ids: set[str] = set()
        for n, p in enumerate(self.f.parties):
            path: Path_ = ("parties", len(out))
            entry = self._party(p, n, ids)
            ids.add(entry["id"])
            self.evidence[path] = p.evidence
            if p.roles:
                first = next(iter(p.roles.values()))
                self.evidence[(*path, "roles")] = first
            else:
                self.evidence[(*path, "roles")] = Evidence(
                    p.evidence.where,
                    p.evidence.quote,
                    0.3,
                    "no role stated; counterparty is a placeholder",
                )
            out.append(entry)
        return out

    def _party(self, p: PartyFound, n: int, ids: set[str]) -> dict[str, Any]:
        roles = sorted(p.roles) or ["counterparty"]
        if p.entity is not None:
            e = p.entity
            entry: dict[str, Any] = {"id": e.id, "name": e.name}
            if p.aliases:
                entry["aliases"] = p.aliases[:5]
            entry |= {"country": e.country, "kind": _kind(e), "roles": roles}
            if e.government_level:
                entry["government_level"] = e.government_level
            entry["notes"] = f"registry entity {e.id} ({e.category}); {p.mentions} mention(s)"
            return entry
        ident = slug(p.name, f"org-{n + 1}")
        while ident in ids:
            ident = f"{ident}-{n + 1}"
        if p.kind is not None:
            return self._patterned(p, ident, roles)
        nearest = f"; nearest registry name {p.nearest}" if p.nearest else ""
        self.notes.append(
            f"party '{p.name}' ({p.evidence.where}): unresolved: not in the "
            f"registry{nearest}; country unknown (ZZ)"
        )
        return {
            "id": ident,
            "name": p.name,
            "country": UNKNOWN_COUNTRY,
            "kind": "company",
            "roles": roles,
            "notes": f"unresolved: not in the registry{nearest}; country "
            "not stated (ZZ); kind from its legal form or organisation word",
        }

    def _patterned(self, p: PartyFound, ident: str, roles: list[str]) -> dict[str, Any]:
        """A person or public body found by pattern: its kind and, for a body, the level
        its words state; the country is left unknown (ZZ) as for any unresolved party."""
        what = "person" if p.kind == "person" else f"public body ({p.kind})"
        title = f", {p.title}" if p.title else ""
        self.notes.append(
            f"party '{p.name}' ({p.evidence.where}): unresolved: {what}{title}, found by "
            "pattern, not in the registry; country unknown (ZZ)"
        )
        entry: dict[str, Any] = {"id": ident, "name": p.name}
        if p.aliases:
            entry["aliases"] = p.aliases[:5]
        entry |= {"country": UNKNOWN_COUNTRY, "kind": p.kind, "roles": roles}
        if p.level:
            entry["government_level"] = p.level
        entry["notes"] = (
            f"unresolved: {what}{title} found by pattern, not in the registry; country not "
            f"stated (ZZ); {p.mentions} mention(s)"
        )
        return entry

    def _mentions(self) -> None:
        for m in self.f.mentions:
            what = m.entity.id if m.entity is not None else (m.kind or "legal-form name")
            why = (
                f"the reviewing authority: '{m.review.quote}'"
                if m.review is not None
                else "no role cue and no sentence about the deal names it"
            )
            self.notes.append(
                f"mentioned, not drafted as a party: '{m.name}' ({what}; {m.evidence.where}, "
                f"{m.mentions} mention(s)): {why}"
            )

    def _target(self, parties: list[dict[str, Any]]) -> dict[str, Any] | None:
        f = self.f
        if not f.sectors and not f.technologies and f.target is None:
            return None
        owner = next((p for p in parties if "seller" in p["roles"]), None)
        target: dict[str, Any] = {"name": owner["name"] if owner else UNNAMED_TARGET}
        if f.target is not None:
            target["name"] = str(f.target.value)
            self.evidence[("target", "name")] = f.target.evidence
        elif owner is None:
            self.notes.append("target: the document does not name it; fill in target.name")
        if f.sectors:
            target["sectors"] = [s.value for s in f.sectors]
            for i, s in enumerate(f.sectors):
                self.evidence[("target", "sectors", i)] = s.evidence
        if f.technologies:
            target["technologies"] = [t.value for t in f.technologies]
            for i, t in enumerate(f.technologies):
                self.evidence[("target", "technologies", i)] = t.evidence
        if f.market_rank is not None and f.target is not None:
            rank, market = cast(tuple[int, str], f.market_rank.value)
            target["market_position"] = {
                "rank": rank,
                "market": market,
                "note": "as the document words it; check the rank, the market and the source",
            }
            self.evidence[("target", "market_position")] = f.market_rank.evidence
        return target

    def _transaction(self, parties: list[dict[str, Any]]) -> dict[str, Any] | None:
        f = self.f
        stake = next((p for p in f.percentages if p.evidence.confidence >= 0.8), None)
        value = next((a for a in f.amounts if a.evidence.confidence >= 0.8), None)
        term = next((d for d in f.durations if d.evidence.confidence >= 0.8), None)
        if f.transaction_type is None:
            if stake or value or term:
                self.notes.append(
                    "transaction: figures found but no transaction type stated; "
                    "left out (see the figures below)"
                )
            return None
        out: dict[str, Any] = {"type": f.transaction_type.value}
        self.evidence[("transaction", "type")] = f.transaction_type.evidence
        if value is not None:
            amount, currency = cast(tuple[float, str], value.value)
            out["value"] = {"amount": float(amount), "currency": currency}
            self.evidence[("transaction", "value")] = value.evidence
        if stake is not None:
            out["stake_percent"] = float(stake.value)  # type: ignore[arg-type]
            self.evidence[("transaction", "stake_percent")] = stake.evidence
        lenders = [p for p in parties if "lender" in p["roles"]]
        if lenders:
            out["financing"] = [{"lender": p["name"], "kind": "loan"} for p in lenders]
        if term is not None:
            out["duration_years"] = float(term.value)  # type: ignore[arg-type]
            self.evidence[("transaction", "duration_years")] = term.evidence
        return out

    def _sites(self) -> list[dict[str, Any]]:
        out = []
        for i, (place, ev) in enumerate(self.f.places):
            loc = place.location
            precision = f"precision {place.precision}" + (
                f": {place.precision_note}" if place.precision_note else ""
            )
            out.append(
                {
                    "name": place.name,
                    "place": place.name,
                    "description": f"Named in the document; gazetteer entry {place.id} "
                    f"({place.kind}, {place.country}) at {loc.lat:g}, {loc.lon:g}, "
                    f"{precision}",
                }
            )
            self.evidence[("sites", i)] = Evidence(
                ev.where, ev.quote, ev.confidence, f"{loc.lat:g}, {loc.lon:g}; {place.precision}"
            )
        return out

    def _document(self, case_id: str, title: str, parties: list[dict[str, Any]]) -> dict[str, Any]:
        f = self.f
        doc: dict[str, Any] = {"id": slug(f.doc.path.stem, case_id), "title": title}
        if f.kind is not None:
            doc["kind"] = f.kind.value
            self.evidence[("documents", 0, "kind")] = f.kind.evidence
        else:
            doc["kind"] = "other"
            self.notes.append("document kind: no cue found; set to 'other'")
        if f.dates:
            doc["date"] = f.dates[0].value
        doc["language"] = language(f.text)
        signers = [p for p in parties if "signatory" in p["roles"]]
        if signers:
            doc["signatories"] = [
                {"party": p["id"], "level": p.get("government_level", "none")} for p in signers
            ]
        doc["text"] = f.text
        return doc


def language(text: str) -> str:
    """en, he or zh by the letters the text is mostly written in; other for the rest."""
    counts = Counter(
        "he"
        if "\u0590" <= ch <= "\u05ff"
        else "zh"
        if "\u4e00" <= ch <= "\u9fff"
        else "ar"
        if "\u0600" <= ch <= "\u06ff"
        else "ru"
        if "\u0400" <= ch <= "\u04ff"
        else "en"
        if ch.isascii()
        else "other"
        for ch in text[:20000]
        if ch.isalpha()
    )
    if not counts:
        return "other"
    # a CJK character carries a word's worth of meaning: weigh it like four letters
    counts["zh"] *= 4
    return counts.most_common(1)[0][0]
