"""Compiled patterns, checked on the real durable-rules engine (not a re-implementation)."""

from typing import Any

from screening.compile.dnf import to_dnf
from screening.compile.durable import literal_pattern
from screening.models.facts import Fact
from screening.pipeline.engine import Matcher
from tests.compile.test_conditions import rule


def test_type_test_comes_first_in_every_pattern() -> None:
    r = rule(
        "r",
        {
            "all": [
                {"proximity": {"tiers": {"naval_base": 5, "air_base": 3}}},
                {"entity": {"categories": ["soe"], "roles": ["investor"]}},
                {"field": {"path": "transaction.type", "in": ["lease"]}},
            ]
        },
    )
    for lit in to_dnf(r)[0]:
        tests = literal_pattern(lit)["$and"]
        assert "t" in tests[0]


def party(pid: str, **attrs: Any) -> Fact:
    return Fact(
        f"party:{pid}",
        "party",
        {"party": pid, "roles": [], "foreign": False, "state_share": 0.0, **attrs},
    )


def run(rules: list[Any], facts: list[Fact]) -> set[str]:
    m = Matcher(rules)
    try:
        return {f.rule_id for f in m.match(facts)}
    finally:
        m.close()


def test_compound_rule_fires_only_when_both_facts_are_present() -> None:
    soe = rule("soe", {"ownership": {"state_share_gte": 50}})
    near = rule("near", {"proximity": {"tiers": {"naval_base": 5}}})
    both = rule("both", {"all": [{"finding": "soe"}, {"finding": "near"}]})
    close = Fact(
        "prx:1", "proximity", {"facility_kind": "naval_base", "km": 2.0, "basis": "computed"}
    )
    far = Fact(
        "prx:1", "proximity", {"facility_kind": "naval_base", "km": 9.0, "basis": "computed"}
    )
    state = party("p", state_share=100.0)
    assert run([soe, near, both], [state, close]) == {"soe", "near", "both"}
    assert run([soe, near, both], [state, far]) == {"soe"}
    assert run([soe, near, both], [party("p"), close]) == {"near"}


def test_absence_is_judged_after_every_fact_is_in() -> None:
    # The negated fact comes after the positive one in the same batch (field guide P6).
    r = rule(
        "r",
        {
            "all": [
                {"party": {"kinds": ["municipality"]}},
                {"not": {"text": {"phrases": ["published"]}}},
            ]
        },
    )
    city = party("c", kind="municipality")
    published = Fact("text:1", "text_hit", {"set": "published", "source": "documents"})
    assert run([r], [city, published]) == set()
    assert run([r], [city]) == {"r"}


def test_rule_fires_once_per_fact_combination_and_cases_are_isolated() -> None:
    r = rule("r", {"party": {"kinds": ["municipality"]}})
    m = Matcher([r])
    try:
        two = m.match([party("a", kind="municipality"), party("b", kind="municipality")])
        assert sorted(f.frame["party"][1] for f in two) == ["party:a", "party:b"]
        assert m.match([party("x", kind="company")]) == []  # nothing left from the last case
        assert len(m.match([party("a", kind="municipality")])) == 1
    finally:
        m.close()


def test_list_membership_and_thresholds() -> None:
    r = rule(
        "r",
        {
            "all": [
                {"field": {"path": "target.sectors", "contains_any": ["ports", "rail"]}},
                {"field": {"path": "transaction.stake_percent", "gte": 25}},
            ]
        },
    )
    case = Fact("case", "case", {"target__sectors": ["rail"], "transaction__stake_percent": 25.0})
    low = Fact("case", "case", {"target__sectors": ["rail"], "transaction__stake_percent": 24.9})
    other = Fact("case", "case", {"target__sectors": ["culture"], "transaction__stake_percent": 90})
    assert run([r], [case]) == {"r"}
    assert run([r], [low]) == set()
    assert run([r], [other]) == set()


def test_named_states_are_tested_each_on_its_own_share() -> None:
    """CN 24 % and RU 5 %: no named state holds 25 %, whatever the total (a review finding)."""
    cn = rule("cn-25", {"ownership": {"state_share_gte": 25, "state_countries": ["CN"]}})
    either = rule(
        "cn-or-ru-25", {"ownership": {"state_share_gte": 25, "state_countries": ["CN", "RU"]}}
    )
    split = party(
        "p",
        state_share=29.0,
        state_country="CN",
        state_shares=[{"country": "CN", "share": 24.0}, {"country": "RU", "share": 5.0}],
    )
    assert run([cn, either], [split]) == set()
    held = party(
        "p",
        state_share=30.0,
        state_country="RU",
        state_shares=[{"country": "RU", "share": 30.0}],
    )
    assert run([cn, either], [held]) == {"cn-or-ru-25"}
