"""Calibration: how each rule separates stopped deals from cleared ones, and better weights.

`lift` counts, per rule, how often it fires on cases a screening body blocked or unwound
versus cases that were cleared (and controls). `propose` searches rule weights that bring
the bands closer to the expected bands, by coordinate descent on a small grid, and judges
them by k-fold cross-validation: weights are fitted on the other folds and scored on the
held-out one, so a weight that only fixes one case does not look like progress. It never
edits a rule: it prints proposals for policy staff to weigh.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from screening.backtest import STOPPED
from screening.models.common import BANDS, Band
from screening.models.settings import ScoringFile
from screening.pipeline.findings import Draft
from screening.pipeline.scoring import band_of, tally

CLEARED = ("approved", "approved_with_conditions", "completed", "no_jurisdiction")
#: Weight steps tried per rule and round, and the bounds a proposal stays within.
STEPS = (-30, -20, -10, -5, 5, 10, 20, 30)
RISK_BOUNDS = (5.0, 95.0)
#: A rule that fired on fewer labelled cases than this keeps its weight: fitting it would
#: tune it to those few cases.
MIN_SUPPORT = 5
MITIGATION_BOUNDS = (-70.0, -5.0)


@dataclass(frozen=True)
class Sample:
    """One labelled case as the engine saw it, ready to be re-scored."""

    case_id: str
    expected: Band
    outcome: str | None
    control: bool
    drafts: tuple[Draft, ...]
    sensitivity: str | None

    @property
    def stopped(self) -> bool:
        return self.outcome in STOPPED

    @property
    def cleared(self) -> bool:
        return self.control or self.outcome in CLEARED


@dataclass(frozen=True)
class Measure:
    agreement: float
    within_one: float
    stopped_low: int
    controls_above_medium: int
    cases: int

    @property
    def objective(self) -> float:
        """Exact agreement, within-one agreement, and heavy penalties for the two failures
        CI refuses (a stopped deal scored low, a control scored above medium)."""
        penalty = 3 * (self.stopped_low + self.controls_above_medium) / max(self.cases, 1)
        return self.agreement + self.within_one - penalty


@dataclass(frozen=True)
class Lift:
    rule_id: str
    on_stopped: int
    stopped: int
    on_cleared: int
    cleared: int

    @property
    def ratio(self) -> float:
        """Fire rate on stopped cases over fire rate on cleared ones (inf: never on cleared)."""
        a = self.on_stopped / self.stopped if self.stopped else 0.0
        b = self.on_cleared / self.cleared if self.cleared else 0.0
        return a / b if b else (float("inf") if a else 0.0)


@dataclass
class Proposal:
    before: Measure
    after: Measure
    cv_before: Measure
    cv_after: Measure
    folds: int
    unfitted: list[str] = field(default_factory=list)  # fired on too few cases to fit
    changes: dict[str, tuple[int, float]] = field(default_factory=dict)  # rule: (now, proposed)


def band(sample: Sample, scoring: ScoringFile, weights: dict[str, float] | None) -> Band:
    t = tally(list(sample.drafts), scoring, sample.sensitivity, weights)
    return band_of(round(t.score, 1), scoring.bands)


def measure(
    samples: Sequence[Sample], scoring: ScoringFile, weights: dict[str, float] | None = None
) -> Measure:
    return _measure_bands(samples, [band(s, scoring, weights) for s in samples])


def lift(samples: Sequence[Sample]) -> list[Lift]:
    stopped = [s for s in samples if s.stopped]
    cleared = [s for s in samples if s.cleared]
    rules = sorted({d.rule.id for s in samples for d in s.drafts})

    def fires(rid: str, group: list[Sample]) -> int:
        return sum(any(d.rule.id == rid for d in s.drafts) for s in group)

    out = [
        Lift(rid, fires(rid, stopped), len(stopped), fires(rid, cleared), len(cleared))
        for rid in rules
    ]
    return sorted(out, key=lambda x: (-x.ratio, x.rule_id))


def fit(
    samples: Sequence[Sample], scoring: ScoringFile, start: dict[str, float], rounds: int = 3
) -> dict[str, float]:
    """Coordinate descent from `start`: keep a weight step when it improves the objective."""
    weights = dict(start)
    best = measure(samples, scoring, weights).objective
    fired = sorted(set(supported(samples)) & set(weights))
    for _ in range(rounds):
        improved = False
        for rid in fired:
            low, high = MITIGATION_BOUNDS if weights[rid] < 0 else RISK_BOUNDS
            for step in STEPS:
                trial = min(high, max(low, weights[rid] + step))
                if trial == weights[rid]:
                    continue
                candidate = {**weights, rid: trial}
                score = measure(samples, scoring, candidate).objective
                if score > best + 1e-9:
                    best, weights, improved = score, candidate, True
        if not improved:
            break
    return weights


def supported(samples: Sequence[Sample], minimum: int = MIN_SUPPORT) -> list[str]:
    """Rules that fired on at least `minimum` of the cases: the only ones fitted."""
    fired = Counter(rid for s in samples for rid in {d.rule.id for d in s.drafts})
    return sorted(rid for rid, n in fired.items() if n >= minimum)


def folds_of(samples: Sequence[Sample], k: int) -> list[list[Sample]]:
    """Deterministic folds by a hash of the case id (the same split on every run)."""
    out: list[list[Sample]] = [[] for _ in range(k)]
    for s in samples:
        out[int(hashlib.sha256(s.case_id.encode()).hexdigest(), 16) % k].append(s)
    return [f for f in out if f]


def propose(
    samples: Sequence[Sample], scoring: ScoringFile, current: dict[str, float], k: int = 5
) -> Proposal:
    """Cross-validated agreement before and after fitting, and the weights fitted on all."""
    folds = folds_of(samples, k)
    held_before: list[Band] = []
    held_after: list[Band] = []
    held: list[Sample] = []
    for i, test in enumerate(folds):
        train = [s for j, f in enumerate(folds) if j != i for s in f]
        fitted = fit(train, scoring, current)
        held += test
        held_before += [band(s, scoring, current) for s in test]
        held_after += [band(s, scoring, fitted) for s in test]
    final = fit(samples, scoring, current)
    changes = {
        rid: (int(current[rid]), final[rid]) for rid in sorted(final) if final[rid] != current[rid]
    }
    return Proposal(
        before=measure(samples, scoring, current),
        after=measure(samples, scoring, final),
        cv_before=_measure_bands(held, held_before),
        cv_after=_measure_bands(held, held_after),
        folds=len(folds),
        unfitted=sorted({d.rule.id for s in samples for d in s.drafts} - set(supported(samples))),
        changes=changes,
    )


def _measure_bands(samples: Iterable[Sample], bands: Sequence[Band]) -> Measure:
    items = list(zip(samples, bands, strict=True))
    n = len(items)
    dist = [BANDS.index(b) - BANDS.index(s.expected) for s, b in items]
    return Measure(
        agreement=sum(d == 0 for d in dist) / n if n else 0.0,
        within_one=sum(abs(d) <= 1 for d in dist) / n if n else 0.0,
        stopped_low=sum(s.stopped and b == "low" for s, b in items),
        controls_above_medium=sum(s.control and b in ("high", "critical") for s, b in items),
        cases=n,
    )
