"""Scoring stage: contributions, a bounded 0-100 score and a band.

Arithmetic (also in rules/README.md):
1. Each risk finding's weight is its rule's weight, multiplied by the target's sensitivity
   factor when the rule says `scale: sensitivity` (state ownership matters in proportion to
   what is owned).
2. Risk findings are taken heaviest first. One whose case evidence was all already counted by a
   heavier finding of the same family adds nothing (no double counting of one text span,
   one facility, one party, one case field).
3. Counted risk weights combine as independent signals: risk = 100 * (1 - prod(1 - w/100)).
   Each finding's contribution is what it adds in that order, so contributions sum to the risk.
4. A counted decisive finding corroborated by a counted finding of another family raises the
   risk to at least the threshold of `decisive_floor`; the decisive finding carries the rise.
5. Mitigations (negative weights) then scale the risk down: score = risk * prod(1 - |m|/100);
   each mitigation's contribution is the (negative) amount it removes.
6. The band is read off `rules/scoring.yaml` thresholds.

`tally` does the arithmetic on numbers only, so calibration can re-score thousands of times;
`score_drafts` turns a tally into the findings a report shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from screening.compile.dnf import finding_dependencies
from screening.models.common import Band
from screening.models.result import BandScale, Finding
from screening.models.rule import Rule
from screening.models.settings import BandThresholds, ScoringFile
from screening.pipeline.findings import Draft

#: Scoring with every factor 1 and no floor: the arithmetic of steps 2, 3 and 5 alone.
PLAIN = ScoringFile(bands=BandThresholds(medium=25, high=50, critical=75))


def band_of(score: float, bands: BandThresholds | BandScale) -> Band:
    if score >= bands.critical:
        return "critical"
    if score >= bands.high:
        return "high"
    if score >= bands.medium:
        return "medium"
    return "low"


@dataclass
class Entry:
    """One draft's part in the score."""

    draft: Draft
    weight: float
    contribution: float = 0.0
    counted: bool = False
    note: str | None = None


@dataclass
class Tally:
    entries: list[Entry] = field(default_factory=list)
    risk: float = 0.0
    score: float = 0.0


def weight_of(
    draft: Draft,
    scoring: ScoringFile,
    sensitivity: str | None,
    weights: dict[str, float] | None = None,
) -> float:
    """The draft's weight: overridden by `weights`, scaled by sensitivity where the rule says."""
    rule = draft.rule
    weight = float(weights[rule.id]) if weights and rule.id in weights else float(rule.weight)
    if rule.scale == "sensitivity" and weight > 0:
        return weight * scoring.sensitivity_factors.of(sensitivity)
    return weight


def tally(
    drafts: list[Draft],
    scoring: ScoringFile = PLAIN,
    sensitivity: str | None = None,
    weights: dict[str, float] | None = None,
) -> Tally:
    """Steps 1-5 on numbers: each draft's weight, contribution and whether it counted."""
    out = Tally([Entry(d, weight_of(d, scoring, sensitivity, weights)) for d in drafts])
    risks = sorted(
        (e for e in out.entries if e.weight > 0), key=lambda e: (-e.weight, e.draft.rule.id)
    )
    mitigations = sorted(
        (e for e in out.entries if e.weight < 0), key=lambda e: (e.weight, e.draft.rule.id)
    )
    remaining = 1.0
    counted_by_family: dict[str, list[Draft]] = {}
    for e in risks:
        family = e.draft.rule.family
        covering = _covering(e.draft, counted_by_family.get(family, []))
        if covering is not None:
            e.note = f"same evidence already counted by '{covering.rule.id}'"
            continue
        e.counted = True
        e.contribution = 100 * remaining * e.weight / 100
        e.note = _scaled(e)
        remaining *= 1 - e.weight / 100
        counted_by_family.setdefault(family, []).append(e.draft)
    out.risk = _decisive_floor(out.entries, 100 * (1 - remaining), scoring)
    current = out.risk
    for e in mitigations:
        e.counted = True
        e.contribution = -current * abs(e.weight) / 100
        current += e.contribution
    out.score = current
    return out


def score_drafts(
    drafts: list[Draft], scoring: ScoringFile = PLAIN, sensitivity: str | None = None
) -> tuple[float, float, list[Finding]]:
    """(score, risk before mitigation, findings sorted by contribution)."""
    t = tally(drafts, scoring, sensitivity)
    findings = [_finding(e) for e in t.entries]
    findings.sort(
        key=lambda f: (
            -f.contribution if f.contribution > 0 else 0,
            f.contribution < 0,
            f.contribution == 0,
            -f.weight,
            f.rule_id,
        )
    )
    return round(t.score, 1), round(t.risk, 1), findings


def _scaled(e: Entry) -> str | None:
    rule = e.draft.rule
    if rule.scale != "sensitivity" or e.weight == rule.weight:
        return None
    return f"weight {rule.weight} scaled to {e.weight:g} by the target's sensitivity"


def _decisive_floor(entries: list[Entry], risk: float, scoring: ScoringFile) -> float:
    """Raise the risk to the decisive band when a decisive finding is corroborated."""
    if scoring.decisive_floor == "none":
        return risk
    floor = float(getattr(scoring.bands, scoring.decisive_floor))
    counted = [e for e in entries if e.counted and e.contribution > 0]
    by_id = {x.draft.rule.id: x for x in entries}
    for e in (e for e in counted if e.draft.rule.decisive):
        # corroboration is independent evidence: not a finding the decisive rule is built
        # from, nor one that adds no case evidence beyond the decisive finding's own
        premises = _premises(e.draft.rule.id, by_id)
        used = _evidence(e, by_id)
        others = [
            o
            for o in counted
            if o.draft.rule.family != e.draft.rule.family
            and o.draft.rule.id not in premises
            and not _evidence(o, by_id) <= used
        ]
        if others and risk < floor:
            e.contribution += floor - risk
            names = ", ".join(o.draft.rule.id for o in others[:3])
            extra = f"decisive, corroborated by {names}: risk raised to {floor:g}"
            e.note = f"{e.note}; {extra}" if e.note else extra
            return floor
    return risk


def _premises(rule_id: str, by_id: dict[str, Entry]) -> set[str]:
    """The fired rules a compound rule rests on, transitively."""
    out: set[str] = set()
    todo = [rule_id]
    while todo:
        entry = by_id.get(todo.pop())
        if entry is None:
            continue
        for dep, negated in _dependencies(entry.draft.rule):
            if not negated and dep in by_id and dep not in out:
                out.add(dep)
                todo.append(dep)
    return out


#: A rule's finding dependencies by the rule object (kept alive here, so its id is not
#: reused): computing them normalises the rule's condition, once per rule, not per case.
_DEPENDENCIES: dict[int, tuple[Rule, list[tuple[str, bool]]]] = {}


def _dependencies(rule: Rule) -> list[tuple[str, bool]]:
    known = _DEPENDENCIES.get(id(rule))
    if known is None or known[0] is not rule:
        if len(_DEPENDENCIES) >= 4096:
            _DEPENDENCIES.clear()
        known = _DEPENDENCIES[id(rule)] = (rule, finding_dependencies(rule))
    return known[1]


def _evidence(entry: Entry, by_id: dict[str, Entry]) -> set[str]:
    """A finding's case facts, with those of the findings it rests on."""
    premises = _premises(entry.draft.rule.id, by_id)
    return set(entry.draft.facts).union(*(by_id[p].draft.facts for p in premises))


def _covering(draft: Draft, counted: list[Draft]) -> Draft | None:
    if not draft.base_facts:
        return None
    union: set[str] = set()
    for other in counted:
        union |= other.base_facts
        if draft.base_facts <= union:
            return other
    return None


def _finding(e: Entry) -> Finding:
    rule, draft = e.draft.rule, e.draft
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        family=rule.family,
        weight=rule.weight,
        effective_weight=round(e.weight, 2),
        decisive=rule.decisive,
        contribution=round(e.contribution, 2) + 0.0,  # never -0.0
        counted=e.counted,
        note=e.note,
        explanations=draft.explanations,
        evidence=draft.evidence,
        references=list(rule.references),
        recommendation=rule.recommendation,
        firings=draft.firings,
        caveats=draft.caveats,
    )
