"""A pack split into several durable-rules rulesets matches as one ruleset would.

Rulesets run in order within a case and carry their findings to the later ones: a compound
rule sees findings made in another ruleset, and a rule testing that a finding is absent
still waits until that finding had its chance. Everything here runs on durable-rules.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from bench.packsize import clone_pack
from screening.checks import load_rule_pack
from screening.compile.alpha import Limits
from screening.compile.dnf import finding_dependencies
from screening.loading.case import load_case
from screening.loading.rulepack import RulePack
from screening.models.case import Case
from screening.models.facts import Fact
from screening.models.rule import Rule
from screening.pipeline.engine import Matcher, RuleFiring
from screening.pipeline.screen import Screener
from screening.signals.extract import SignalExtractor
from tests.compile.test_conditions import rule
from tests.conftest import REAL_PACK, ROOT

#: Rulesets of 8 engine rules (the bundled pack's largest rule has 8 alternatives).
SMALL = Limits(actions=10)
#: One engine rule per ruleset (besides the two helpers).
APART = Limits(actions=3)
Firings = Counter[tuple[str, frozenset[tuple[str, str]]]]


def firings(matcher: Matcher, facts: list[Fact]) -> Firings:
    """Every firing as (rule, the facts it matched), counted: order across rulesets aside."""
    return Counter(key(f) for f in matcher.match(facts))


def key(f: RuleFiring) -> tuple[str, frozenset[tuple[str, str]]]:
    return f.rule_id, frozenset((alias, fact_id) for alias, (_, fact_id) in f.frame.items())


def test_bundled_pack_in_small_rulesets_gives_the_golden_results() -> None:
    pack = load_rule_pack(REAL_PACK)
    screener = Screener(pack)
    one = screener.matcher
    split = Matcher(pack.active_rules, SMALL)
    try:
        assert len(split.shards) >= 8 and len(split.shards) > len(one.shards)
        place = {rid: i for i, s in enumerate(split.shards) for rid in s.rule_ids}
        crossing = [
            (r.id, dep)
            for r in pack.active_rules
            for dep, _ in finding_dependencies(r)
            if place[dep] < place[r.id]
        ]
        assert len(crossing) >= 5  # findings are carried between rulesets
        golden = yaml.safe_load((ROOT / "tests" / "golden" / "bundled_cases.yaml").read_text())
        for path in sorted((ROOT / "cases").glob("*.yaml")):
            case, _ = load_case(path, pack)
            facts = screener.extractor.extract(case).facts
            assert firings(split, facts) == firings(one, facts), path.name
            screener.matcher = split
            result = screener.screen_file(path, path.name)
            screener.matcher = one
            got = {
                "band": result.band,
                "score": round(result.score, 1),
                "rules": sorted(f.rule_id for f in result.findings),
            }
            assert got == golden[path.name], path.name
    finally:
        screener.matcher = one
        screener.close()
        split.close()


STAKE = rule("stake", {"field": {"path": "transaction.stake_percent", "gte": 25}})
CONCESSION = rule("concession", {"field": {"path": "transaction.type", "equals": "concession"}})
BOTH = rule("both", {"all": [{"finding": "stake"}, {"finding": "concession"}]})
CONCESSION_WITHOUT_STAKE = rule(
    "concession-without-stake",
    {"all": [{"finding": "concession"}, {"not": {"finding": "stake"}}]},
)
RULES = [BOTH, CONCESSION_WITHOUT_STAKE, STAKE, CONCESSION]  # dependents first, on purpose


def deal(**transaction: Any) -> Case:
    return Case.model_validate(
        {"id": "c", "title": "t", "jurisdiction": "XX", "transaction": transaction}
    )


@pytest.mark.parametrize("limits", [Limits(), APART], ids=["together", "apart"])
def test_compound_rules_see_findings_from_other_rulesets(pack: RulePack, limits: Limits) -> None:
    matcher = Matcher(RULES, limits)
    try:
        place = {rid: i for i, s in enumerate(matcher.shards) for rid in s.rule_ids}
        assert len(set(place.values())) == (4 if limits is APART else 1)
        assert place["both"] >= max(place["stake"], place["concession"])
        assert place["concession-without-stake"] >= place["stake"]
        extract = SignalExtractor(pack).extract
        high = firings(matcher, extract(deal(type="concession", stake_percent=40)).facts)
        assert {r for r, _ in high} == {"stake", "concession", "both"}
        ((_, frame),) = [(r, f) for r, f in high if r == "both"]
        assert {fact_id for _, fact_id in frame} == {"finding:stake", "finding:concession"}
        low = firings(matcher, extract(deal(type="concession", stake_percent=10)).facts)
        assert {r for r, _ in low} == {"concession", "concession-without-stake"}
    finally:
        matcher.close()


def _closure(rule_id: str, by_id: dict[str, Rule]) -> list[Rule]:
    seen: dict[str, Rule] = {}
    todo = [rule_id]
    while todo:
        rid = todo.pop()
        if rid not in seen and rid in by_id:
            seen[rid] = by_id[rid]
            todo += [d for d, _ in finding_dependencies(by_id[rid])]
    return list(seen.values())


CASES = [
    "haifa-bay-port-sipg-concession.yaml",
    "ashdod-southern-port-pmec.yaml",
    "eilat-railway-cdb-yinchuan-twinning.yaml",
    "uibe-petah-tikva-campus.yaml",
]


def test_500_cloned_rules_fire_exactly_as_each_rule_alone(tmp_path: Path) -> None:
    """Cross-check: the split pack's firings are the union of each rule's own firings."""
    pack = load_rule_pack(clone_pack(REAL_PACK, tmp_path / "pack", 500))
    rules = pack.active_rules
    by_id = {r.id: r for r in rules}
    extractor = SignalExtractor(pack)
    facts = [extractor.extract(load_case(ROOT / "cases" / c, pack)[0]).facts for c in CASES]
    whole = Matcher(rules)
    try:
        assert len(whole.shards) >= 5
        together = [firings(whole, f) for f in facts]
    finally:
        whole.close()
    alone: list[Firings] = [Counter() for _ in facts]
    for r in rules:
        single = Matcher(_closure(r.id, by_id))
        try:
            for i, f in enumerate(facts):
                alone[i].update({k: n for k, n in firings(single, f).items() if k[0] == r.id})
        finally:
            single.close()
    for name, a, b in zip(CASES, together, alone, strict=True):
        assert a == b, name
        assert sum(a.values()) > 20, name  # the case exercises many rules
