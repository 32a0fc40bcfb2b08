"""Each condition kind on its own: its durable-rules tests, its checks and its explanation.

The contexts are small real objects here; the kinds are run on durable-rules end to end in
tests/compile/ and by every rule's examples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import TypeAdapter

from screening.conditions import KINDS
from screening.conditions.base import CheckContext, LeafCondition
from screening.conditions.tree import Condition
from screening.models.evidence import Evidence
from screening.models.facts import Fact

CTX = CheckContext(
    facility_kinds=frozenset({"naval_base", "air_base"}),
    entity_categories=frozenset({"state_owned_enterprise"}),
    lists=frozenset({"us-entity-list"}),
    sectors=frozenset({"ports", "defense"}),
    phrase_sets=frozenset({"confidentiality"}),
    entities=frozenset({"sipg"}),
    rule_ids=frozenset({"near-military-site"}),
    proximity_search_km=25,
    entity_min_score=88,
)


def leaf(data: dict[str, Any]) -> LeafCondition:
    cond = TypeAdapter(Condition).validate_python(data)
    assert isinstance(cond, LeafCondition)
    return cond


@dataclass
class Context:
    """A real ExplainContext over a handful of facts."""

    facts: Sequence[Fact] = ()
    fired: set[str] = field(default_factory=set)
    values: dict[str, Any] = field(default_factory=dict)

    def case_value(self, path: str) -> Any:
        return self.values.get(path)

    def sector_regimes(self, sectors: Any) -> list[str]:
        return []

    def rule_title(self, rule_id: str) -> str:
        return rule_id

    def describe(self, evidence: Evidence) -> str:
        return evidence.kind

    def suppressed(self, phrase_sets: set[str]) -> list[str]:
        return []

    def nearest(self, tiers: dict[str, float]) -> list[str]:
        return [f"nearest {k}" for k in sorted(tiers)]

    def entity_candidates(self) -> list[str]:
        return []


EXAMPLES = {
    "field": {"field": {"path": "transaction.stake_percent", "gte": 25}},
    "text": {"text": {"phrases": ["confidentiality"]}},
    "proximity": {"proximity": {"tiers": {"naval_base": 5}}},
    "entity": {"entity": {"categories": ["state_owned_enterprise"]}},
    "ownership": {"ownership": {"state_share_gte": 50}},
    "party": {"party": {"kinds": ["municipality"]}},
    "land": {"land": {"tenures": ["lease"], "longer_than_years": 5, "foreign": True}},
    "finding": {"finding": "near-military-site"},
}


def test_every_registered_kind_has_an_example_here() -> None:
    assert set(EXAMPLES) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_pattern_starts_with_the_fact_type_and_the_data_is_clean(kind: str) -> None:
    cond = leaf(EXAMPLES[kind])
    assert type(cond) is KINDS[kind]
    tests = cond.pattern()["$and"]
    assert tests[0] == {"t": cond.fact_type}
    assert len(tests) > 1
    assert list(cond.check(CTX)) == []
    assert cond.evidence_model.model_fields  # placeholders a template may use


@pytest.mark.parametrize(
    ("data", "where", "words"),
    [
        (
            {"field": {"path": "target.sector", "contains": "ports"}},
            ("field", "path"),
            "did you mean 'target.sectors'",
        ),
        (
            {"field": {"path": "target.sectors", "contains": "port"}},
            ("field", "contains"),
            "'port' is not a value",
        ),
        (
            {"field": {"path": "transaction.type", "contains": "lease"}},
            ("field", "contains"),
            "needs a list field",
        ),
        ({"text": {"phrases": ["confidential"]}}, ("text", "phrases", 0), "unknown phrase set"),
        (
            {"text": {"phrases": ["confidentiality"], "document_kinds": ["memo"]}},
            ("text", "document_kinds", 0),
            "unknown document kind",
        ),
        (
            {"proximity": {"tiers": {"navy_base": 5}}},
            ("proximity", "tiers", "navy_base"),
            "unknown facility kind",
        ),
        (
            {"proximity": {"tiers": {"naval_base": 40}}},
            ("proximity", "tiers", "naval_base"),
            "40 km out of range",
        ),
        (
            {"entity": {"categories": ["soe"]}},
            ("entity", "categories", 0),
            "unknown entity category",
        ),
        (
            {"entity": {"entities": ["sipg"], "min_score": 70}},
            ("entity", "min_score"),
            "below the matcher's floor",
        ),
        ({"entity": {"lists": ["entity-list"]}}, ("entity", "lists", 0), "unknown list"),
        (
            {"ownership": {"state_share_gte": 50, "roles": ["buyer"]}},
            ("ownership", "roles", 0),
            "unknown role",
        ),
        ({"party": {"kinds": ["city"]}}, ("party", "kinds", 0), "unknown party kind"),
        ({"finding": "near-militray-site"}, ("finding",), "did you mean 'near-military-site'"),
        (
            {"land": {"tenures": ["ownership"], "longer_than_years": 5}},
            ("land", "longer_than_years"),
            "applies to a lease or concession",
        ),
    ],
)
def test_checks_locate_each_problem_inside_the_leaf(
    data: dict[str, Any], where: tuple[Any, ...], words: str
) -> None:
    problems = list(leaf(data).check(CTX))
    assert len(problems) == 1
    path, message, code = problems[0]
    assert path == where
    assert words in message
    assert code.startswith("rule-")


def party_fact(pid: str, **attrs: Any) -> Fact:
    base = {
        "party": pid,
        "kind": "company",
        "country": "CN",
        "roles": ["investor"],
        "foreign": True,
        "state_share": 0.0,
        "foreign_state_share": 0.0,
        "foreign_state": False,
        "former_office_levels": [],
        "represents_foreign": False,
    }
    return Fact(f"party:{pid}", "party", {**base, **attrs})


def test_ownership_says_the_share_against_the_threshold() -> None:
    cond = leaf({"ownership": {"state_share_gte": 25, "foreign_state": True}})
    ctx = Context(facts=[party_fact("p", foreign_state_share=24.0)])
    verdict = cond.verdict([], False, ctx)
    assert not verdict.holds
    assert verdict.seen[0].endswith("(foreign state share 24% < 25%)")


def test_party_says_which_attribute_failed() -> None:
    cond = leaf({"party": {"kinds": ["municipality"], "roles": ["signatory"]}})
    verdict = cond.verdict([], False, Context(facts=[party_fact("p")]))
    assert "kind company not municipality" in verdict.seen[0]
    assert "roles investor not signatory" in verdict.seen[0]


def test_field_says_the_value_against_the_bound() -> None:
    cond = leaf(EXAMPLES["field"])
    verdict = cond.verdict([], False, Context(values={"transaction.stake_percent": 19.9}))
    assert verdict.seen == ["transaction.stake_percent = 19.9 < 25 (the test asks gte)"]


def test_a_negated_leaf_holds_when_nothing_matched() -> None:
    cond = leaf(EXAMPLES["party"])
    assert cond.verdict([], True, Context()).holds
    assert not cond.verdict(["party:p"], True, Context(facts=[party_fact("p")])).holds


def test_finding_reports_whether_the_rule_fired() -> None:
    cond = leaf(EXAMPLES["finding"])
    assert cond.verdict([], False, Context(fired={"near-military-site"})).holds
    verdict = cond.verdict([], False, Context())
    assert verdict.seen == ["rule near-military-site did not fire"]


def test_a_join_is_part_of_the_label_and_the_model() -> None:
    cond = leaf({"text": {"phrases": ["confidentiality"]}, "same": {"party": "city"}})
    assert cond.same == {"party": "city"}
    assert cond.spec().endswith("(same party as city)")
    with pytest.raises(ValueError, match="same"):
        leaf({"text": {"phrases": ["x"]}, "same": {"country": "city"}})
