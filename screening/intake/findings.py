"""Findings: what extraction read from a document, each value with its evidence.

`extract` fills them, `build` turns them into a draft case; nothing here reads text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from screening.intake.evidence import Evidence
from screening.intake.read import DocumentText
from screening.models.registry import Entity, Place


@dataclass
class Found:
    """A value found in the text, with its evidence (several mentions keep the first)."""

    value: object
    evidence: Evidence
    mentions: int = 1


@dataclass
class PartyFound:
    entity: Entity | None  # None: a legal-form name the registry does not know
    name: str
    evidence: Evidence
    roles: dict[str, Evidence] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    nearest: str | None = None
    mentions: int = 1
    kind: str | None = None  # for a name found by pattern: person, ministry, ...
    level: str | None = None  # government level its words state
    title: str | None = None  # a person's title as written
    deal: Evidence | None = None  # a sentence naming it tells of the deal (see `split`)
    review: Evidence | None = None  # a public body reviewing or deciding the deal


@dataclass
class Findings:
    doc: DocumentText
    text: str
    parties: list[PartyFound]
    places: list[tuple[Place, Evidence]]
    sectors: list[Found]
    technologies: list[Found]
    percentages: list[Found]
    amounts: list[Found]
    durations: list[Found]
    dates: list[Found]
    kind: Found | None
    transaction_type: Found | None
    notes: list[str]
    #: Named only in passing: no role cue and no sentence about the deal (see `split`).
    mentions: list[PartyFound] = field(default_factory=list)
    #: The company or asset the deal's words say is acquired ('the takeover of KUKA').
    target: Found | None = None
    #: (rank, market) the text gives the target in an apposition to its name.
    market_rank: Found | None = None
