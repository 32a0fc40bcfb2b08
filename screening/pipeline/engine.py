"""Matching stage: compile the pack onto durable-rules once, then match each case's facts.

durable-rules decides what fires. A rule that fires asserts a `finding` fact (once per case)
so compound rules can join on it within the same call (forward chaining).
"""

from __future__ import annotations

from dataclasses import dataclass

from screening.compile.dnf import Literal, carried_keys, strata, to_dnf
from screening.compile.durable import CompiledRule, DurableSession, Frame, compile_conjunction
from screening.conditions.base import JOIN_KEYS
from screening.models import facts as F
from screening.models.facts import Fact
from screening.models.rule import Rule


@dataclass(frozen=True)
class RuleFiring:
    """One fact combination that satisfied a rule: evidence alias -> (literal, fact id)."""

    rule_id: str
    frame: dict[str, tuple[Literal, str]]


def compile_rules(rules: list[Rule]) -> tuple[list[CompiledRule], int]:
    """Every rule as engine rules (one per alternative of its condition) and the top stratum."""
    by_id = {r.id: r for r in rules}
    levels = strata(by_id)
    carried = carried_keys(by_id)
    compiled = [
        compile_conjunction(r.id, i, conj, levels[r.id], carried)
        for r in rules
        for i, conj in enumerate(to_dnf(r))
    ]
    return compiled, max(levels.values(), default=0)


def finding_keys(frame: Frame) -> dict[str, str]:
    """The document, site and party a firing rests on, where its facts agree on one.

    A compound rule can then join this finding with others on the same key: a finding about
    two different parties carries no party, one about a single document carries it.
    """
    out: dict[str, str] = {}
    for key in JOIN_KEYS:
        values = {str(fact[key]) for fact in frame.values() if fact.get(key) is not None}
        if len(values) == 1:
            out[key] = values.pop()
    return out


class Matcher:
    """A compiled rule pack on one durable-rules ruleset; one isolated session per case."""

    def __init__(self, rules: list[Rule]) -> None:
        compiled, self.max_stratum = compile_rules(rules)
        self._by_name = {c.name: c for c in compiled}
        self._finding_asserted: set[tuple[str, str]] = set()
        self._session = DurableSession(compiled, self._on_fire)
        self._cases = 0

    def _on_fire(self, sid: str, name: str, frame: Frame) -> None:
        """Assert the rule's finding once per case and per join keys it rests on."""
        rule_id = self._by_name[name].rule_id
        keys = finding_keys(frame)
        fact_id = "finding:" + "|".join([rule_id, *(f"{k}={v}" for k, v in keys.items())])
        if (sid, fact_id) not in self._finding_asserted:
            self._finding_asserted.add((sid, fact_id))
            self._session.assert_from_action(
                {"t": F.FINDING, "rule": rule_id, **keys, "id": fact_id, "sid": sid}
            )

    def match(self, facts: list[Fact]) -> list[RuleFiring]:
        """Assert one case's facts in a fresh session; return every firing, in engine order."""
        self._cases += 1
        sid = str(self._cases)
        try:
            raw = self._session.run_case(sid, [f.message(sid) for f in facts], self.max_stratum)
        finally:
            self._finding_asserted = {k for k in self._finding_asserted if k[0] != sid}
        firings = []
        for name, frame in raw:
            compiled = self._by_name[name]
            firings.append(
                RuleFiring(
                    compiled.rule_id,
                    {
                        compiled.literals[alias].alias: (compiled.literals[alias], fact_id)
                        for alias, fact_id in frame.items()
                        if alias in compiled.literals
                    },
                )
            )
        return firings

    def close(self) -> None:
        self._session.close()
