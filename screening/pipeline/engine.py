"""Matching stage: compile the pack onto durable-rules once, then match each case's facts.

durable-rules decides what fires. A rule that fires asserts a `finding` fact (once per case
and join keys) so compound rules can join on it: within the same call (forward chaining) or,
when the pack is split into several rulesets, in the rulesets that run after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from screening.compile.alpha import LIMITS, Limits
from screening.compile.dnf import Literal, carried_keys, finding_dependencies, strata, to_dnf
from screening.compile.durable import (
    HELPERS,
    STRATUM,
    CompiledRule,
    DurableSession,
    EngineError,
    Frame,
    compile_conjunction,
    encode,
)
from screening.compile.shards import OversizedRule, partition
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
    """A compiled rule pack on durable-rules, one isolated session per ruleset and case.

    A large pack overflows the fixed tables of one durable-rules ruleset (error 303, heap
    corruption, hangs: docs/durable-rules-limits.md), so the pack is split into rulesets that
    each stay under every limit (`compile.shards`), run in order within a case. Every finding
    a ruleset asserts is carried into the later ones as a fact, so a compound rule sees the
    findings of rules in earlier rulesets (they come first in dependency order).
    """

    def __init__(self, rules: list[Rule], limits: Limits = LIMITS) -> None:
        compiled, self.max_stratum = compile_rules(rules)
        self._by_name = {c.name: c for c in compiled}
        by_id = {r.id: r for r in rules}
        levels = strata(by_id)
        depends = {r.id: [dep for dep, _ in finding_dependencies(r)] for r in rules}
        try:
            self.shards = partition(compiled, depends, HELPERS, limits)
        except OversizedRule as exc:
            raise EngineError(f"rules too large for any durable-rules ruleset: {exc}") from exc
        self._top = [max(levels[rid] for rid in shard.rule_ids) for shard in self.shards]
        #: the fact types any ruleset tests (None: any); a fact of another type is not encoded
        self._kinds: frozenset[str] | None = frozenset()
        for shard in self.shards:
            self._kinds = (
                None if shard.kinds is None or self._kinds is None else (self._kinds | shard.kinds)
            )
        self._finding_asserted: set[tuple[str, str]] = set()
        self._carried: dict[str, list[tuple[str, str]]] = {}  # sid -> (fact type, fact JSON)
        self._sessions: list[DurableSession] = []
        self.open_sessions()
        self._cases = 0

    def open_sessions(self) -> None:
        """Register one durable-rules session per shard (also on a pack restored from the
        cache); on failure the sessions already opened are closed."""
        self._sessions = []
        try:
            for i, shard in enumerate(self.shards):
                members = [self._by_name[name] for name in shard.names]
                self._sessions.append(DurableSession(members, self._fire_in(i)))
        except Exception:
            self.close()
            raise

    def _fire_in(self, shard: int) -> Callable[[str, str, Frame], None]:
        def on_fire(sid: str, name: str, frame: Frame) -> None:
            self._on_fire(shard, sid, name, frame)

        return on_fire

    def _on_fire(self, shard: int, sid: str, name: str, frame: Frame) -> None:
        """Assert the rule's finding once per case and per join keys it rests on, and keep it
        for the rulesets that come later."""
        rule_id = self._by_name[name].rule_id
        keys = finding_keys(frame)
        fact_id = "finding:" + "|".join([rule_id, *(f"{k}={v}" for k, v in keys.items())])
        if (sid, fact_id) not in self._finding_asserted:
            self._finding_asserted.add((sid, fact_id))
            fact = {"t": F.FINDING, "rule": rule_id, **keys, "id": fact_id, "sid": sid}
            self._carried[sid].append((F.FINDING, encode(fact)))
            self._sessions[shard].assert_from_action(fact)

    def match(self, facts: list[Fact]) -> list[RuleFiring]:
        """Assert one case's facts in a fresh session of each ruleset, in order; return every
        firing, in engine order."""
        self._cases += 1
        sid = str(self._cases)
        wanted = self._kinds
        typed = ((str(m.get("t")), m) for m in (f.message(sid) for f in facts))
        base = [(t, encode(m)) for t, m in typed if wanted is None or t in wanted]
        carried = self._carried[sid] = []
        raw: list[tuple[str, dict[str, str]]] = []
        try:
            for shard, session, top in zip(self.shards, self._sessions, self._top, strict=True):
                kinds = shard.kinds
                messages = [m for t, m in [*base, *carried] if kinds is None or t in kinds]
                if not messages and kinds is not None and STRATUM not in kinds:
                    continue  # nothing in the case can reach this ruleset's rules
                raw += session.run_case(sid, messages, top)
        finally:
            self._finding_asserted = {k for k in self._finding_asserted if k[0] != sid}
            del self._carried[sid]
        return [self._firing(name, frame) for name, frame in raw]

    def _firing(self, name: str, frame: dict[str, str]) -> RuleFiring:
        compiled = self._by_name[name]
        return RuleFiring(
            compiled.rule_id,
            {
                compiled.literals[alias].alias: (compiled.literals[alias], fact_id)
                for alias, fact_id in frame.items()
                if alias in compiled.literals
            },
        )

    def close(self) -> None:
        for session in self._sessions:
            session.close()
        self._sessions = []
