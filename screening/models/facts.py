"""Facts: what the signal stage hands to the rules engine.

`attrs` is what durable-rules matches: a flat mapping of JSON scalars, scalar lists and
lists of flat objects (tested item by item with `$iany`, e.g. `state_shares`), with no
dotted keys (the engine treats `a.b` as a path). `evidence` stays in Python and explains
the fact in the report; facts are linked to it by their unique `id`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from screening.models.evidence import (
    EntityEvidence,
    FieldEvidence,
    LandEvidence,
    OwnershipEvidence,
    PartyEvidence,
    ProximityEvidence,
    TextEvidence,
)

#: Fact type tags (`t`) the compiler may refer to.
CASE, TEXT_HIT, PROXIMITY, ENTITY_HIT, PARTY, FINDING, LINK = (
    "case",
    "text_hit",
    "proximity",
    "entity_hit",
    "party",
    "finding",
    "link",
)

FactEvidence = (
    TextEvidence
    | ProximityEvidence
    | EntityEvidence
    | PartyEvidence
    | OwnershipEvidence
    | FieldEvidence
    | LandEvidence
    | None
)


@dataclass(frozen=True)
class Fact:
    id: str
    kind: str
    attrs: dict[str, Any]
    evidence: FactEvidence = None
    ownership: OwnershipEvidence | None = None  # parties: the state-ownership path, if any

    def message(self, sid: str) -> dict[str, Any]:
        """The JSON object asserted into the engine for case session `sid`."""
        return {**self.attrs, "t": self.kind, "id": self.id, "sid": sid}
