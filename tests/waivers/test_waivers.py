"""Waivers: loading with located errors, matching by case and party, re-scoring, lapsed notes."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from screening.checks import load_rule_pack
from screening.errors import InputError
from screening.loading.rulepack import RulePack
from screening.models.result import Result
from screening.pipeline.scoring import band_of
from screening.pipeline.screen import Screener
from screening.waivers import Waiver, apply_waivers, load_waivers, rule_digest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WAIVERS = FIXTURES / "waivers" / "port-city.yaml"
CASE = FIXTURES / "cases" / "port-city-concession.yaml"
TODAY = dt.date(2026, 12, 2)


@pytest.fixture(scope="module")
def result(screener: Screener) -> Result:
    return screener.screen_file(CASE, "port-city-concession.yaml")


def test_loads_every_waiver_of_the_file() -> None:
    waivers = load_waivers(WAIVERS)
    assert [w.rule_id for w in waivers][:2] == ["near-naval-base", "state-share"]
    assert waivers[1].scope == "party" and waivers[1].party == "Pan Harbour Subsidiary Co., Ltd."
    assert waivers[0].expires == dt.date(2099, 12, 31)
    assert waivers[0].granted_at.tzinfo is not None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("blank-justification.yaml", ":5:20: error: waivers[0].justification: must not be empty"),
        ("case-without-id.yaml", ":2:5: error: waivers[0]: a waiver with scope 'case' needs"),
        ("unknown-key.yaml", ":6:5: error: waivers[0].expiry: unknown key 'expiry'"),
        ("duplicate-key.yaml", ":3:5: error: duplicate key 'rule_id' (first at line 2)"),
    ],
)
def test_a_bad_file_is_a_located_error(name: str, expected: str) -> None:
    with pytest.raises(InputError) as info:
        load_waivers(FIXTURES / "waivers" / "bad" / name)
    assert any(expected in str(p) for p in info.value.problems), info.value.problems


def test_digest_follows_the_definition_not_the_wording(tmp_path: Path) -> None:
    """Editing the title keeps the digest; editing the weight or the condition changes it."""
    folder = tmp_path / "pack"
    shutil.copytree(FIXTURES / "pack", folder)
    rule = folder / "proximity" / "near-naval-base.yaml"
    original = rule.read_text()

    def digest(text: str) -> str:
        rule.write_text(text)
        return rule_digest(load_rule_pack(folder), "near-naval-base")

    base = digest(original)
    assert base.startswith("sha256:") and len(base) == 71
    title = original.replace("title: Site near a naval base", "title: Close to a naval base")
    assert title != original and digest(title) == base
    assert digest(original.replace("weight: 40", "weight: 41")) != base
    assert digest(original.replace("naval_base: 5", "naval_base: 6")) != base
    with pytest.raises(KeyError):
        rule_digest(load_rule_pack(folder), "no-such-rule")


def test_matching_findings_are_waived_and_no_longer_count(result: Result, pack: RulePack) -> None:
    out = apply_waivers(result, load_waivers(WAIVERS), pack=pack, today=TODAY)
    waived = {w.finding.rule_id: w for w in out.waived}
    assert set(waived) == {"near-naval-base", "state-share"}
    assert waived["state-share"].scope == "party"
    assert waived["near-naval-base"].granted_by == "a.reviewer"
    assert "decommissioned" in waived["near-naval-base"].justification
    assert all(w.finding.contribution == 0 and not w.finding.counted for w in out.waived)
    assert {f.rule_id for f in out.findings}.isdisjoint(waived)
    assert out.score < result.score
    assert out.band == band_of(out.score, out.bands)
    # contributions of what is left add up to the new score (the scoring stage's arithmetic)
    assert sum(f.contribution for f in out.findings) == pytest.approx(out.score, abs=0.2)


def test_the_rescore_equals_screening_without_the_rule(result: Result, pack: RulePack) -> None:
    """Waiving a rule no other rule rests on scores the case as a pack without it would."""
    out = apply_waivers(result, [_waiver(pack, "port-concession")], pack=pack, today=TODAY)
    smaller = replace(pack, rules=[lr for lr in pack.rules if lr.rule.id != "port-concession"])
    other = Screener(smaller)
    try:
        expected = other.screen_file(CASE, "port-city-concession.yaml")
    finally:
        other.close()
    assert [(f.rule_id, f.contribution) for f in out.findings] == [
        (f.rule_id, f.contribution) for f in expected.findings
    ]
    assert (out.score, out.band) == (expected.score, expected.band)
    assert out.score < result.score


def test_lapsed_waivers_are_listed_with_their_reason(result: Result, pack: RulePack) -> None:
    out = apply_waivers(result, load_waivers(WAIVERS), pack=pack, today=TODAY)
    reasons = {n.rule_id: n.reason for n in out.waiver_notes}
    assert reasons == {
        "bri-framing": "expired",
        "confidential": "rule-changed",
        "retired-rule": "rule-removed",
    }
    assert {"bri-framing", "confidential"} <= {f.rule_id for f in out.findings}
    expired = next(n for n in out.waiver_notes if n.reason == "expired")
    assert "expired on 2020-01-01" in expired.message


def test_a_waiver_is_valid_through_its_expiry_day(result: Result, pack: RulePack) -> None:
    waiver = _waiver(pack, "bri-framing", expires=TODAY)
    assert [
        w.finding.rule_id for w in apply_waivers(result, [waiver], pack=pack, today=TODAY).waived
    ] == ["bri-framing"]
    later = apply_waivers(result, [waiver], pack=pack, today=TODAY + dt.timedelta(days=1))
    assert later.waived == [] and [n.reason for n in later.waiver_notes] == ["expired"]


def test_a_party_waiver_needs_that_party_in_the_finding(result: Result, pack: RulePack) -> None:
    other = _waiver(pack, "state-share", scope="party", party="Someone Else Ltd")
    assert apply_waivers(result, [other], pack=pack, today=TODAY) == result
    spaced = _waiver(
        pack, "state-share", scope="party", party="  pan harbour subsidiary co., ltd. "
    )
    assert len(apply_waivers(result, [spaced], pack=pack, today=TODAY).waived) == 1


def test_no_waiver_leaves_the_result_as_screened(result: Result, pack: RulePack) -> None:
    assert apply_waivers(result, [], pack=pack, today=TODAY) == result


def _waiver(
    pack: RulePack,
    rule_id: str,
    *,
    scope: str = "case",
    party: str | None = None,
    expires: dt.date = dt.date(2099, 1, 1),
) -> Waiver:
    return Waiver.model_validate(
        {
            "rule_id": rule_id,
            "scope": scope,
            "case_id": "port-city-concession" if scope == "case" else None,
            "party": party,
            "justification": "test",
            "expires": expires,
            "granted_by": "t",
            "granted_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            "rule_digest": rule_digest(pack, rule_id),
        }
    )


def test_applying_twice_changes_nothing_more(result: Result, pack: RulePack) -> None:
    """A stored result that already carries waivers (batch) can be waived again (workbench)."""
    waivers = load_waivers(WAIVERS)
    once = apply_waivers(result, waivers, pack=pack, today=TODAY)
    assert apply_waivers(once, waivers, pack=pack, today=TODAY) == once
