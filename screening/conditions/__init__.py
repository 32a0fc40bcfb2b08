"""Condition kinds: one module each, and the registry everything else reads.

To add a kind, write `screening/conditions/<kind>.py` with a `LeafCondition` subclass (its
test model, durable-rules tests, checks, evidence and explanation) and list it in `KINDS`.
The rule model, the compiler, the pack checks and the explainer find it here.
"""

from __future__ import annotations

from screening.conditions.base import LeafCondition
from screening.conditions.entity import EntityCondition
from screening.conditions.field import FieldCondition
from screening.conditions.finding import FindingCondition
from screening.conditions.land import LandCondition
from screening.conditions.ownership import OwnershipCondition
from screening.conditions.party import PartyCondition
from screening.conditions.proximity import ProximityCondition
from screening.conditions.text import TextCondition

#: Every condition kind by its YAML key, in the order the documentation lists them.
KINDS: dict[str, type[LeafCondition]] = {
    cls.kind: cls
    for cls in (
        FieldCondition,
        TextCondition,
        ProximityCondition,
        LandCondition,
        EntityCondition,
        OwnershipCondition,
        PartyCondition,
        FindingCondition,
    )
}

__all__ = ["KINDS", "LeafCondition"]
