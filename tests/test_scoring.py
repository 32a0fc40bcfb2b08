from hypothesis import given
from hypothesis import strategies as st

from screening.models.settings import BandThresholds
from screening.pipeline.findings import Draft
from screening.pipeline.scoring import band_of, score_drafts
from tests.compile.test_conditions import rule


def draft(rid: str, weight: int, facts: set[str], family: str = "f") -> Draft:
    r = rule(rid, {"text": {"phrases": ["a"]}}).model_copy(
        update={"weight": weight, "family": family}
    )
    return Draft(r, base_facts=facts, facts=facts)


def test_independent_signals_combine_by_noisy_or() -> None:
    score, risk, findings = score_drafts([draft("a", 50, {"x"}), draft("b", 50, {"y"})])
    assert score == risk == 75.0
    assert [f.contribution for f in findings] == [50.0, 25.0]


def test_same_evidence_in_one_family_counts_once() -> None:
    score, _, findings = score_drafts([draft("a", 40, {"x"}), draft("b", 30, {"x"})])
    assert score == 40.0
    b = next(f for f in findings if f.rule_id == "b")
    assert not b.counted and b.contribution == 0 and "'a'" in (b.note or "")
    other_family = score_drafts([draft("a", 40, {"x"}), draft("b", 30, {"x"}, family="g")])[0]
    assert other_family == 58.0


def test_mitigation_scales_the_risk_down() -> None:
    score, risk, findings = score_drafts([draft("a", 60, {"x"}), draft("m", -50, set())])
    assert (risk, score) == (60.0, 30.0)
    assert findings[-1].rule_id == "m" and findings[-1].contribution == -30.0


def test_bands() -> None:
    bands = BandThresholds(medium=25, high=50, critical=75)
    assert [band_of(s, bands) for s in (0, 24.9, 25, 50, 74.9, 75, 100)] == [
        "low",
        "low",
        "medium",
        "high",
        "high",
        "critical",
        "critical",
    ]


@given(
    st.lists(
        st.tuples(st.integers(-100, 100).filter(bool), st.sets(st.sampled_from("abc"))), max_size=12
    )
)
def test_score_is_bounded_and_contributions_add_up(items: list[tuple[int, set[str]]]) -> None:
    drafts = [draft(f"r{i}", w, facts) for i, (w, facts) in enumerate(items)]
    score, risk, findings = score_drafts(drafts)
    assert 0 <= score <= risk <= 100
    total = sum(f.contribution for f in findings)
    assert abs(total - score) < 0.05 * max(1, len(findings))


def test_templates_take_format_specs_and_show_plain_numbers() -> None:
    from screening.pipeline.templates import TemplateFields as _Fields
    from screening.pipeline.templates import render

    ns = {"proximity": _Fields({"distance_km": 1.1700000000000002, "facility": "F"})}
    assert render("{proximity.facility} at {proximity.distance_km} km", ns) == "F at 1.17 km"
    assert render("{proximity.distance_km:.1f}", ns) == "1.2"


def test_rules_cannot_test_the_expected_answer() -> None:
    from screening.models.casepaths import case_field_paths

    assert "expected_band" not in case_field_paths()
    assert not any(p.startswith("outcome") for p in case_field_paths())


def test_a_sensitivity_scaled_weight_counts_in_proportion_to_the_target() -> None:
    from screening.models.settings import ScoringFile, SensitivityFactors

    scoring = ScoringFile(
        bands=BandThresholds(medium=25, high=50, critical=75),
        sensitivity_factors=SensitivityFactors(low=0.25, medium=0.6, high=1.0, unknown=0.6),
    )
    d = draft("state", 40, {"x"})
    scaled = Draft(d.rule.model_copy(update={"scale": "sensitivity"}), base_facts={"x"})
    assert score_drafts([scaled], scoring, "high")[0] == 40.0
    assert score_drafts([scaled], scoring, "low")[0] == 10.0
    assert score_drafts([scaled], scoring, None)[0] == 24.0  # unknown sensitivity
    (f,) = score_drafts([scaled], scoring, "low")[2]
    assert f.effective_weight == 10.0 and "scaled to 10" in (f.note or "")
    assert score_drafts([d], scoring, "low")[0] == 40.0  # an unscaled rule is untouched


def test_a_decisive_finding_with_corroboration_from_another_family_is_critical() -> None:
    from screening.models.settings import ScoringFile

    scoring = ScoringFile(
        bands=BandThresholds(medium=25, high=50, critical=75), decisive_floor="critical"
    )
    base = draft("decisive", 40, {"x"}, family="tech")
    decisive = Draft(base.rule.model_copy(update={"decisive": True}), base_facts={"x"}, facts={"x"})
    other = draft("other", 20, {"y"}, family="ownership")
    same_family = draft("same", 20, {"z"}, family="tech")
    score, risk, findings = score_drafts([decisive, other], scoring)
    assert score == risk == 75.0
    top = findings[0]
    assert top.rule_id == "decisive" and "corroborated by other" in (top.note or "")
    assert sum(f.contribution for f in findings) == 75.0  # contributions still add up
    assert score_drafts([decisive], scoring)[0] == 40.0  # no corroboration
    assert score_drafts([decisive, same_family], scoring)[0] == 52.0  # same family


def test_corroboration_must_be_independent_of_the_decisive_findings_premises() -> None:
    from screening.models.settings import ScoringFile

    scoring = ScoringFile(
        bands=BandThresholds(medium=25, high=50, critical=75), decisive_floor="critical"
    )
    premise = draft("premise", 20, {"p"}, family="ownership")
    compound = rule("compound", {"finding": "premise"}).model_copy(
        update={"weight": 40, "family": "tech", "decisive": True}
    )
    decisive = Draft(compound, base_facts={"x"}, facts={"x"})
    shares_facts = draft("sharer", 20, {"x"}, family="geo")
    # the premise and a finding on the same facts do not corroborate the compound rule
    assert score_drafts([decisive, premise], scoring)[0] < 75.0
    assert score_drafts([decisive, shares_facts], scoring)[0] < 75.0
    # an independent finding in another family does
    assert score_drafts([decisive, premise, draft("other", 20, {"y"}, "geo")], scoring)[0] == 75.0


def test_a_mitigation_cannot_be_decisive_or_scaled() -> None:
    import pytest
    from pydantic import ValidationError

    from screening.models.rule import Rule

    base = {
        "id": "m",
        "title": "t",
        "description": "d",
        "family": "f",
        "weight": -10,
        "when": {"text": {"phrases": ["a"]}},
        "explanation": "x",
        "references": [{"document": "d", "quote": "q"}],
        "recommendation": {"action": "a"},
    }
    Rule.model_validate(base)
    for extra in ({"decisive": True}, {"scale": "sensitivity"}):
        with pytest.raises(ValidationError, match="mitigation"):
            Rule.model_validate({**base, **extra})


def test_a_partys_listing_corroborates_a_finding_on_the_same_partys_nationality() -> None:
    from screening.models.settings import ScoringFile

    scoring = ScoringFile(
        bands=BandThresholds(medium=25, high=50, critical=75), decisive_floor="critical"
    )
    tech = rule("tech", {"text": {"phrases": ["a"]}}).model_copy(
        update={"weight": 40, "family": "tech", "decisive": True}
    )
    decisive = Draft(tech, base_facts={"party:p", "doc"}, facts={"party:p", "doc"})
    listed = draft("listed", 15, {"party:p"}, family="export")
    listed.facts = {"ent:p"}  # another fact about the same party: independent evidence
    assert score_drafts([decisive, listed], scoring)[0] == 75.0
