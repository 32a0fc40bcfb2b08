from typing import Any

import pytest

from screening.compile.dnf import ConditionError, dependency_cycle, strata, to_dnf
from screening.models.rule import Rule


def rule(rid: str, when: Any) -> Rule:
    return Rule.model_validate(
        {
            "id": rid,
            "title": "t",
            "description": "d",
            "family": "f",
            "weight": 10,
            "when": when,
            "explanation": "x",
            "references": [{"document": "d", "quote": "q"}],
            "recommendation": {"action": "a"},
        }
    )


TEXT_A = {"text": {"phrases": ["a"]}}
TEXT_B = {"text": {"phrases": ["b"]}}
TEXT_C = {"text": {"phrases": ["c"]}}


def shape(r: Rule) -> list[list[str]]:
    return [[("!" if lit.negated else "") + lit.alias for lit in conj] for conj in to_dnf(r)]


def test_all_of_any_expands_into_alternatives() -> None:
    r = rule("r", {"all": [TEXT_A, {"any": [TEXT_B, TEXT_C]}]})
    assert shape(r) == [["text", "text2"], ["text", "text3"]]


def test_not_is_pushed_to_the_leaves() -> None:
    r = rule("r", {"all": [TEXT_A, {"not": {"any": [TEXT_B, TEXT_C]}}]})
    assert shape(r) == [["text", "!text2", "!text3"]]
    r2 = rule("r", {"not": {"all": [TEXT_A, TEXT_B]}})
    assert shape(r2) == [["!text"], ["!text2"]]
    r3 = rule("r", {"not": {"not": TEXT_A}})
    assert shape(r3) == [["text"]]


def test_explicit_aliases_are_kept() -> None:
    r = rule("r", {"all": [{"text": {"phrases": ["a"]}, "as": "secrecy"}, TEXT_B]})
    assert shape(r) == [["secrecy", "text2"]]


def test_too_many_alternatives_is_an_error() -> None:
    many = {"all": [{"any": [TEXT_A, TEXT_B]}] * 6}  # 2^6 = 64 alternatives
    with pytest.raises(ConditionError, match="expected at most 32"):
        to_dnf(rule("r", many))


def test_strata_wait_for_absent_facts_and_negated_findings() -> None:
    rules = {
        "base": rule("base", TEXT_A),
        "chain": rule("chain", {"finding": "base"}),
        "absent": rule("absent", {"all": [TEXT_A, {"not": TEXT_B}]}),
        "neg": rule("neg", {"all": [{"finding": "chain"}, {"not": {"finding": "absent"}}]}),
        "top": rule("top", {"finding": "neg"}),
    }
    assert strata(rules) == {"base": 0, "chain": 0, "absent": 1, "neg": 2, "top": 2}


def test_cycles_are_found() -> None:
    rules = {
        "a": rule("a", {"finding": "b"}),
        "b": rule("b", {"finding": "c"}),
        "c": rule("c", {"finding": "a"}),
        "d": rule("d", TEXT_A),
    }
    assert dependency_cycle(rules) == ["a", "b", "c", "a"]
    assert dependency_cycle({"d": rules["d"]}) is None
