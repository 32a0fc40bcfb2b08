"""Calibration on constructed samples: lift, fitting, and cross-validation that can say no."""

from __future__ import annotations

from screening.calibrate import Sample, fit, folds_of, lift, measure, propose
from screening.models.settings import BandThresholds, ScoringFile
from screening.pipeline.findings import Draft
from tests.compile.test_conditions import rule

SCORING = ScoringFile(bands=BandThresholds(medium=25, high=50, critical=75))


def drafted(rid: str, weight: int) -> Draft:
    r = rule(rid, {"text": {"phrases": ["a"]}}).model_copy(update={"weight": weight})
    return Draft(r, base_facts={rid})


def sample(i: int, expected: str, outcome: str, *rules: tuple[str, int]) -> Sample:
    return Sample(
        case_id=f"case-{i}",
        expected=expected,  # type: ignore[arg-type]
        outcome=outcome,
        control=outcome == "completed",
        drafts=tuple(drafted(r, w) for r, w in rules),
        sensitivity=None,
    )


# 'strong' fires on blocked deals only, at too low a weight; 'noise' fires everywhere.
# Before fitting, every blocked deal scores 14.5 (low).
SAMPLES = [
    *(sample(i, "high", "blocked", ("strong", 10), ("noise", 5)) for i in range(12)),
    *(sample(100 + i, "low", "completed", ("noise", 5)) for i in range(12)),
]


def test_lift_separates_the_signal_from_the_noise() -> None:
    by_id = {x.rule_id: x for x in lift(SAMPLES)}
    assert by_id["strong"].on_stopped == 12 and by_id["strong"].on_cleared == 0
    assert by_id["noise"].ratio == 1.0


def test_fitting_raises_the_weight_that_separates_and_improves_agreement() -> None:
    start = {"strong": 10.0, "noise": 5.0}
    before = measure(SAMPLES, SCORING, start)
    fitted = fit(SAMPLES, SCORING, start)
    after = measure(SAMPLES, SCORING, fitted)
    assert before.stopped_low == 12 and after.stopped_low == 0
    assert fitted["strong"] > 10 and after.agreement > before.agreement


def test_folds_are_deterministic_and_cover_every_case() -> None:
    a, b = folds_of(SAMPLES, 4), folds_of(SAMPLES, 4)
    assert [[s.case_id for s in f] for f in a] == [[s.case_id for s in f] for f in b]
    assert sorted(s.case_id for f in a for s in f) == sorted(s.case_id for s in SAMPLES)


def test_cross_validation_reports_held_out_figures_and_never_edits() -> None:
    start = {"strong": 10.0, "noise": 5.0}
    p = propose(SAMPLES, SCORING, start, k=3)
    assert p.cv_before.cases == p.cv_after.cases == len(SAMPLES)
    assert p.cv_after.stopped_low < p.cv_before.stopped_low
    assert p.changes["strong"][0] == 10 and start == {"strong": 10.0, "noise": 5.0}


def test_a_rule_seen_on_too_few_cases_keeps_its_weight() -> None:
    # 'rare' fires on two blocked deals only: raising it would fix them, and only them
    rare = [sample(200 + i, "high", "blocked", ("rare", 10), ("noise", 5)) for i in range(2)]
    start = {"strong": 10.0, "noise": 5.0, "rare": 10.0}
    p = propose([*SAMPLES, *rare], SCORING, start, k=3)
    assert "rare" not in p.changes and p.unfitted == ["rare"]
    assert fit([*SAMPLES, *rare], SCORING, start)["rare"] == 10.0
