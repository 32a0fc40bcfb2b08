"""One-line descriptions of evidence and findings, shared by every output format."""

from __future__ import annotations

import datetime as dt
import re

from screening.models.evidence import (
    EntityEvidence,
    Evidence,
    FieldEvidence,
    FindingEvidence,
    OwnershipEvidence,
    PartyEvidence,
    ProximityEvidence,
    TextEvidence,
)
from screening.models.result import Result, Route

SNIPPET = 240
#: Findings named when a case's score is summed up in one line.
TOP_DRIVERS = 3


def describe(ev: Evidence) -> str:
    if isinstance(ev, TextEvidence):
        where = f"document '{ev.document}'" if ev.document else ev.source
        return (
            f'text: "{ev.matched}" ({ev.phrase_set}) in {where} at {ev.start}-{ev.end}: '
            f'"{_snip(ev.sentence)}"'
        )
    if isinstance(ev, ProximityEvidence) and ev.distance_km is None:
        return (
            f"proximity: site '{ev.site}' is in the same area as {ev.facility} "
            f"({ev.facility_kind}) [facility placed only at its area's reference point; "
            "distance unknown]"
        )
    if isinstance(ev, ProximityEvidence):
        basis = "declared by filer" if ev.basis == "declared" else f"computed, {ev.precision}"
        return (
            f"proximity: site '{ev.site}' is {ev.distance_km:g} km from {ev.facility} "
            f"({ev.facility_kind}) [{basis}]"
        )
    if isinstance(ev, EntityEvidence):
        lists = f"; on {', '.join(ev.lists)}" if ev.lists else ""
        return (
            f"entity: party '{ev.party_name}' matches {ev.entity_name} ({ev.category}) "
            f"via alias '{ev.alias}', score {ev.score:g}{lists}"
        )
    if isinstance(ev, OwnershipEvidence):
        states = sorted(ev.shares_by_country.items(), key=lambda cs: (-cs[1], cs[0]))
        if len(states) > 1:  # each state's own share: they are never one holding
            who = " (" + ", ".join(f"{c} {v:g}%" for c, v in states) + ")"
        else:
            who = f" ({ev.state_country})" if ev.state_country else ""
        return (
            f"ownership: {ev.state_share:g}% effective state share{who}: {ev.path_text} "
            f"[{ev.basis}]"
        )
    if isinstance(ev, PartyEvidence):
        return _party(ev)
    if isinstance(ev, FieldEvidence):
        value = ", ".join(map(str, ev.value)) if isinstance(ev.value, list) else ev.value
        regimes = f" (falls under {'; '.join(ev.regimes)})" if ev.regimes else ""
        return f"case: {ev.path} = {value}{regimes}"
    if isinstance(ev, FindingEvidence):
        return f"finding: {ev.rule_id} ({ev.title})"
    return str(ev)  # pragma: no cover


def _party(ev: PartyEvidence) -> str:
    """'party: SIPG (company, CN; roles: investor); registry: Shanghai International Port
    (Group) Co., Ltd. (state owned enterprise; not a state body)'.

    Whether a party is a state body is said only as its registry entry (or, unmatched, its
    kind in the case) has it; a value the registry supplied is marked '(registry)'.
    """

    def origin(attr: str) -> str:
        return " (registry)" if ev.provenance.get(attr, "case").startswith("registry") else ""

    level = f", {ev.government_level} government{origin('government_level')}"
    extra = ""
    if ev.entity_name:
        what = (ev.category or "").replace("_", " ")
        if ev.state_body is not None:
            what += "; a state body" if ev.state_body else "; not a state body"
        extra += f"; registry: {ev.entity_name} ({what})"
        if ev.lists:
            extra += f"; on {', '.join(ev.lists)}"
    elif ev.match_note and ev.match_note.startswith("ambiguous"):
        extra += f"; no registry entity linked ({ev.match_note})"
    elif ev.best_candidate is not None and ev.match_threshold is not None:
        extra += (
            f"; no registry match: best candidate '{ev.best_candidate}' scored "
            f"{ev.best_candidate_score:g} < {ev.match_threshold:g}"
        )
    if ev.former_offices:
        extra += f"; former offices: {'; '.join(ev.former_offices)}"
    if ev.represents:
        extra += f"; represents: {', '.join(ev.represents)}"
    return (
        f"party: {ev.party_name} ({ev.party_kind.replace('_', ' ')}, {ev.country}"
        f"{level if ev.government_level else ''}; roles: {', '.join(ev.roles)}){extra}"
    )


def _snip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


def signed(value: float) -> str:
    return f"{value:+.1f}"


def drivers(result: Result) -> str:
    """The findings that contributed most, e.g. 'near-military-site +40, … (+5 more)'."""
    counted = [f for f in result.findings if f.counted and f.contribution]
    text = ", ".join(f"{f.rule_id} {f.contribution:+.0f}" for f in counted[:TOP_DRIVERS])
    if len(counted) > TOP_DRIVERS:
        text += f" (+{len(counted) - TOP_DRIVERS} more)"
    return text or "none"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def timestamp(value: dt.datetime | None = None) -> str:
    """A moment (default: now) as every output writes it: UTC, to the second, ISO 8601 with
    `Z`, as in the JSON results: 2026-03-01T09:30:00Z."""
    value = (value or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    return value.isoformat().replace("+00:00", "Z")


def plain(text: str) -> str:
    """Case text without control characters (an ESC sequence could rewrite a terminal)."""
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text)


FILING = {
    "mandatory": "filing mandatory",
    "voluntary": "filing voluntary",
    "by_referral": "by referral from a regulator",
    "none": "no filing: informs or advises",
    "unknown": "filing duty not mapped",
}


def route_line(route: Route) -> str:
    """'Body (filing; legal basis) [kind]', or the reason no body has remit."""
    if route.body_id is None:
        why = f": {route.note}" if route.note else ""
        return f"{route.body}{why}"
    parts = [FILING.get(route.filing or "", route.filing or ""), route.legal_basis or ""]
    detail = "; ".join(p for p in parts if p)
    note = f" — {route.note}" if route.note else ""
    return f"{route.body} ({detail}) [{route.kind_label.lower()}]{note}"


def incomplete_note(result: Result) -> str | None:
    """What the score leaves out (`Result.unmeasured`), or None when the result is complete."""
    sites = [u.site for u in result.unmeasured if u.what == "proximity"]
    if not sites:
        return None
    names = ", ".join(f"'{s}'" for s in sites)
    return (
        f"not measured: distances to strategic facilities from site{'s' if len(sites) > 1 else ''} "
        f"{names}"
    )
