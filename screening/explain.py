"""Why a rule did or did not fire on a case: each condition, what it saw, what failed.

Each leaf of the rule is compiled on its own onto durable-rules and the case's facts are
asserted, so "which facts met this condition" comes from the engine, not from a second
matcher. The tree is then folded (all / any / not) to show which part failed, and, for a
failed leaf, what the case held of that kind (distances, text hits and why some did not
count, registry matches, shares, field values).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from screening.compile.dnf import Literal, leaves_with_aliases
from screening.compile.durable import DurableSession, compile_conjunction
from screening.conditions.base import LeafCondition
from screening.conditions.tree import (
    AllCondition,
    AnyCondition,
    Condition,
    NotCondition,
    iter_leaves,
)
from screening.models.case import Case
from screening.models.evidence import Evidence, PartyEvidence
from screening.models.facts import Fact
from screening.models.result import Result
from screening.pipeline.findings import CaseEvidence
from screening.pipeline.screen import Screener
from screening.report.describe import describe
from screening.signals.extract import Extraction

MAX_SEEN = 8


@dataclass
class Node:
    """One line of the explanation tree."""

    label: str
    holds: bool
    children: list[Node] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)  # evidence of matching facts
    seen: list[str] = field(default_factory=list)  # what the case had, when it failed


@dataclass
class Explanation:
    rule_id: str
    case_id: str
    fired: bool
    contribution: float | None
    firings: int
    tree: Node
    inactive: str = ""  # the rule's status when it is not active

    def lines(self) -> Iterator[str]:
        status = "FIRED" if self.fired else "did not fire"
        if self.inactive:
            status += f" (the rule is {self.inactive}: it is not compiled, so it never fires)"
        extra = f" ({self.firings} match{'es' if self.firings != 1 else ''}"
        extra += f", {self.contribution:+.1f})" if self.contribution is not None else ")"
        yield f"{self.rule_id} on {self.case_id}: {status}{extra if self.fired else ''}"
        yield from _lines(self.tree, 0)


def _lines(node: Node, depth: int) -> Iterator[str]:
    pad = "  " * depth
    yield f"{pad}{'✓' if node.holds else '✗'} {node.label}"
    for text in node.matched[:MAX_SEEN]:
        yield f"{pad}    matched: {text}"
    if len(node.matched) > MAX_SEEN:
        yield f"{pad}    … and {len(node.matched) - MAX_SEEN} more"
    for text in node.seen[:MAX_SEEN]:
        yield f"{pad}    saw: {text}"
    for child in node.children:
        yield from _lines(child, depth + 1)


def explain(screener: Screener, case: Case, rule_id: str, result: Result) -> Explanation:
    """Explain `rule_id` on `case`, given the case's full `result` from the same screener."""
    loaded = screener.pack.rule(rule_id)
    if loaded is None:
        raise KeyError(rule_id)
    extraction = screener.extractor.extract(case)
    leaves = _leaf_matches(loaded.rule.when, extraction)
    fired = {f.rule_id for f in result.findings}
    finding = next((f for f in result.findings if f.rule_id == rule_id), None)
    context = _Context(extraction, leaves, fired, case, screener)
    tree = context.node(loaded.rule.when, negated=False)
    joins = [
        f"{leaf.kind} {alias}: same {key} as {target}"
        for leaf, alias in leaves_with_aliases(loaded.rule.when)
        for key, target in leaf.same.items()
    ]
    if joins and tree.holds and finding is None and loaded.rule.status == "active":
        # Each condition is met on its own, but not by facts about one document/site/party.
        tree = Node("all of", False, [tree, Node("joined: " + "; ".join(joins), False)])
        tree.children[1].seen.append(
            "no combination of the matched facts shares what the joins name"
        )
    return Explanation(
        rule_id=rule_id,
        case_id=case.id,
        fired=finding is not None,
        contribution=finding.contribution if finding else None,
        firings=finding.firings if finding else 0,
        tree=tree,
        inactive="" if loaded.rule.status == "active" else loaded.rule.status,
    )


def _leaf_matches(cond: Condition, extraction: Extraction) -> dict[int, list[str]]:
    """id(leaf) -> ids of the facts durable-rules matched it with (finding leaves excluded)."""
    leaves = [lf for lf in iter_leaves(cond) if lf.depends_on is None]
    if not leaves:
        return {}
    compiled = [
        # each leaf on its own, its joins left out: they are reported for the whole rule
        compile_conjunction(
            f"leaf{i}", 0, (Literal(lf.model_copy(update={"same": {}}), False, "x"),), 0
        )
        for i, lf in enumerate(leaves)
    ]
    session = DurableSession(compiled, on_fire=lambda _sid, _name, _frame: None)
    try:
        firings = session.run_case("explain", [f.message("explain") for f in extraction.facts], 0)
    finally:
        session.close()
    out: dict[int, list[str]] = {id(lf): [] for lf in leaves}
    for name, frame in firings:
        leaf = leaves[int(name.split("|")[0].removeprefix("leaf"))]
        out[id(leaf)] += list(frame.values())
    return out


class _Context(CaseEvidence):
    """What the condition kinds may ask about the case (their `ExplainContext`)."""

    def __init__(
        self,
        extraction: Extraction,
        leaves: dict[int, list[str]],
        fired: set[str],
        case: Case,
        screener: Screener,
    ) -> None:
        super().__init__(screener.pack, extraction.values)
        self.extraction = extraction
        self.leaves = leaves
        self._fired = fired
        self.case = case
        self.screener = screener

    @property
    def facts(self) -> list[Fact]:
        return self.extraction.facts

    @property
    def fired(self) -> set[str]:
        return self._fired

    def describe(self, evidence: Evidence) -> str:
        return describe(evidence)

    def node(self, cond: Condition, negated: bool) -> Node:
        if isinstance(cond, NotCondition):
            inner = self.node(cond.not_, not negated)
            return Node("not", inner.holds, [inner])
        if isinstance(cond, AllCondition | AnyCondition):
            parts = cond.all if isinstance(cond, AllCondition) else cond.any
            children = [self.node(c, negated) for c in parts]
            conjunctive = isinstance(cond, AllCondition) != negated
            holds = (
                all(c.holds for c in children) if conjunctive else any(c.holds for c in children)
            )
            return Node("all of" if isinstance(cond, AllCondition) else "any of", holds, children)
        return self.leaf(cond, negated)

    def leaf(self, leaf: LeafCondition, negated: bool) -> Node:
        label = f"{leaf.kind} {leaf.spec()}" + ("  (must be absent)" if negated else "")
        verdict = leaf.verdict(self.leaves.get(id(leaf), []), negated, self)
        return Node(label, verdict.holds, matched=verdict.matched, seen=verdict.seen)

    def suppressed(self, phrase_sets: set[str]) -> list[str]:
        return [
            f'"{s.phrase}" in {where}: not counted, {s.reason}'
            for where, s in self.extraction.suppressed
            if s.set_id in phrase_sets
        ]

    def entity_candidates(self) -> list[str]:
        """Each party that matched no entity, with the closest registry name and its score."""
        out = []
        for fact in self.facts:
            ev = fact.evidence
            if not isinstance(ev, PartyEvidence) or ev.entity_id or ev.best_candidate is None:
                continue
            score, floor = ev.best_candidate_score or 0.0, ev.match_threshold or 0.0
            line = (
                f"party '{ev.party_name}' matched no entity: best candidate "
                f"'{ev.best_candidate}' scored {score:g} < {floor:g}"
            )
            out.append(line + (f" ({ev.match_note})" if ev.match_note else ""))
        return out

    def nearest(self, tiers: dict[str, float]) -> list[str]:
        """Per site and facility kind, the nearest facility and how it compares with the tier."""
        extractor = self.screener.extractor
        out: list[str] = []
        for site in self.case.sites:
            placed = extractor.gazetteer.place(site)
            if placed.location is None:
                out.append(placed.note or f"site '{site.name}' has no position")
            distances = extractor.facilities.distances(placed, 10_000)
            for kind in sorted(tiers):
                same = [e for e in distances if e.facility_kind == kind and e.distance_km is None]
                out += [
                    f"site '{site.name}': in the same area as {e.facility} ({kind}); its "
                    "position is known only to the area, so no distance is measured"
                    for e in same
                ]
                near = [e for e in distances if e.facility_kind == kind and e not in same]
                if near and near[0].distance_km is not None:
                    km, tier = near[0].distance_km, tiers[kind]
                    sign = "≤" if km <= tier else ">"
                    out.append(
                        f"site '{site.name}': nearest {kind} is {near[0].facility} at "
                        f"{km:g} km {sign} tier {tier:g} km"
                    )
            for d in site.declared_nearby:
                where = (
                    f"site '{site.name}': declared {d.facility} ({d.kind}) at {d.distance_km:g} km"
                )
                tier_km = tiers.get(d.kind)
                if tier_km is not None:
                    where += f" {'≤' if d.distance_km <= tier_km else '>'} tier {tier_km:g} km"
                out.append(where)
        return out or ["the case has no sites"]
