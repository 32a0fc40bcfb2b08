"""`finding`: another rule fired on this case (forward chaining: compound rules escalate).

    - finding: near-military-site

A rule that fires asserts a `finding` fact, which later rules join with.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from pydantic import BaseModel

from screening.conditions.base import (
    JOIN_KEYS,
    CheckContext,
    EvidenceContext,
    ExplainContext,
    JoinKey,
    LeafCondition,
    LeafPath,
    Pattern,
    Verdict,
    expected,
)
from screening.models import facts as F
from screening.models.common import Slug
from screening.models.evidence import Evidence, FindingEvidence
from screening.models.facts import Fact


class FindingCondition(LeafCondition):
    """Another rule fired on this case (forward chaining: compound rules escalate)."""

    kind: ClassVar[str] = "finding"
    fact_type: ClassVar[str] = F.FINDING
    # A finding carries each key its firing's facts agree on (pipeline.engine.finding_keys).
    keys: ClassVar[tuple[JoinKey, ...]] = JOIN_KEYS
    evidence_model: ClassVar[type[BaseModel]] = FindingEvidence

    finding: Slug

    def tests(self) -> list[Pattern]:
        return [{"rule": self.finding}]

    @property
    def depends_on(self) -> str | None:
        return self.finding

    def check(self, ctx: CheckContext) -> Iterator[tuple[LeafPath, str, str]]:
        if self.finding not in ctx.rule_ids:
            msg = f"unknown rule '{self.finding}'; {expected(ctx.rule_ids, self.finding)}"
            yield ("finding",), msg, "rule-reference"

    def evidence(self, fact: Fact | None, ctx: EvidenceContext) -> Evidence | None:
        return FindingEvidence(rule_id=self.finding, title=ctx.rule_title(self.finding))

    def cache_key(self, fact_id: str) -> tuple[str, str]:
        return (self.kind, self.finding)

    def evidence_key(self, fact_id: str, ctx: EvidenceContext) -> str | None:
        return None  # a finding is not case evidence; the facts behind it are

    def verdict(self, matched: list[str], negated: bool, ctx: ExplainContext) -> Verdict:
        present = self.finding in ctx.fired
        said = "fired" if present else "did not fire"
        return Verdict(present != negated, seen=[f"rule {self.finding} {said}"])
