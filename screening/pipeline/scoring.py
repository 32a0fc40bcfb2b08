"""Scoring stage: contributions, a bounded 0-100 score and a band.

Arithmetic (also in rules/README.md):
1. Risk findings are taken heaviest first. One whose case evidence was all already counted by a
   heavier finding of the same family adds nothing (no double counting of one text span,
   one facility, one party, one case field).
2. Counted risk weights combine as independent signals: risk = 100 * (1 - prod(1 - w/100)).
   Each finding's contribution is what it adds in that order, so contributions sum to the risk.
3. Mitigations (negative weights) then scale the risk down: score = risk * prod(1 - |m|/100);
   each mitigation's contribution is the (negative) amount it removes.
4. The band is read off `rules/scoring.yaml` thresholds.
"""

from __future__ import annotations

from screening.models.common import Band
from screening.models.result import BandScale, Finding
from screening.models.settings import BandThresholds
from screening.pipeline.findings import Draft


def band_of(score: float, bands: BandThresholds | BandScale) -> Band:
    if score >= bands.critical:
        return "critical"
    if score >= bands.high:
        return "high"
    if score >= bands.medium:
        return "medium"
    return "low"


def score_drafts(drafts: list[Draft]) -> tuple[float, float, list[Finding]]:
    """(score, risk before mitigation, findings sorted by contribution)."""
    risks = sorted(
        (d for d in drafts if d.rule.weight > 0), key=lambda d: (-d.rule.weight, d.rule.id)
    )
    mitigations = sorted(
        (d for d in drafts if d.rule.weight < 0), key=lambda d: (d.rule.weight, d.rule.id)
    )
    findings: list[Finding] = []
    remaining = 1.0
    counted_by_family: dict[str, list[Draft]] = {}
    for draft in risks:
        covering = _covering(draft, counted_by_family.get(draft.rule.family, []))
        if covering is not None:
            findings.append(
                _finding(
                    draft, 0.0, False, f"same evidence already counted by '{covering.rule.id}'"
                )
            )
            continue
        w = draft.rule.weight / 100
        findings.append(_finding(draft, 100 * remaining * w, True, None))
        remaining *= 1 - w
        counted_by_family.setdefault(draft.rule.family, []).append(draft)
    risk = 100 * (1 - remaining)
    current = risk
    for draft in mitigations:
        cut = current * abs(draft.rule.weight) / 100
        findings.append(_finding(draft, -cut, True, None))
        current -= cut
    findings.sort(
        key=lambda f: (
            -f.contribution if f.contribution > 0 else 0,
            f.contribution < 0,
            f.contribution == 0,
            -f.weight,
            f.rule_id,
        )
    )
    return round(current, 1), round(risk, 1), findings


def _covering(draft: Draft, counted: list[Draft]) -> Draft | None:
    if not draft.base_facts:
        return None
    union: set[str] = set()
    for other in counted:
        union |= other.base_facts
        if draft.base_facts <= union:
            return other
    return None


def _finding(draft: Draft, contribution: float, counted: bool, note: str | None) -> Finding:
    rule = draft.rule
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        family=rule.family,
        weight=rule.weight,
        contribution=round(contribution, 2) + 0.0,  # never -0.0
        counted=counted,
        note=note,
        explanations=draft.explanations,
        evidence=draft.evidence,
        references=list(rule.references),
        recommendation=rule.recommendation,
        firings=draft.firings,
        caveats=draft.caveats,
    )
