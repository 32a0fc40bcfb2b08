"""One-line descriptions of evidence and findings, shared by every output format."""

from __future__ import annotations

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
from screening.models.result import Result

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
        return (
            f"ownership: {ev.state_share:g}% effective state share"
            f"{' (' + ev.state_country + ')' if ev.state_country else ''}: {ev.path_text} "
            f"[{ev.basis}]"
        )
    if isinstance(ev, PartyEvidence):
        extra = ""
        if ev.former_offices:
            extra += f"; former offices: {'; '.join(ev.former_offices)}"
        if ev.represents:
            extra += f"; represents: {', '.join(ev.represents)}"
        level = f", {ev.government_level} government" if ev.government_level else ""
        return (
            f"party: {ev.party_name} ({ev.party_kind.replace('_', ' ')}, {ev.country}{level}; "
            f"roles: {', '.join(ev.roles)}){extra}"
        )
    if isinstance(ev, FieldEvidence):
        value = ", ".join(map(str, ev.value)) if isinstance(ev.value, list) else ev.value
        regimes = f" (falls under {'; '.join(ev.regimes)})" if ev.regimes else ""
        return f"case: {ev.path} = {value}{regimes}"
    if isinstance(ev, FindingEvidence):
        return f"finding: {ev.rule_id} ({ev.title})"
    return str(ev)  # pragma: no cover


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


def plain(text: str) -> str:
    """Case text without control characters (an ESC sequence could rewrite a terminal)."""
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text)
