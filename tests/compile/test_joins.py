"""Joins on a shared key (`same:`), matched by durable-rules itself on facts from real cases.

Each join is shown holding when the facts share the document, site or party, and refused
when they belong to different ones.
"""

from __future__ import annotations

from typing import Any

import pytest

from screening.compile.dnf import ConditionError, to_dnf
from screening.compile.durable import compile_conjunction
from screening.loading.rulepack import RulePack
from screening.models.case import Case
from screening.pipeline.engine import Matcher
from screening.signals.extract import SignalExtractor
from tests.compile.test_conditions import rule

CITY = {"id": "city", "name": "Port City Municipality", "country": "XX", "kind": "municipality"}
BODY = {"id": "body", "name": "Planning Commission", "country": "YY", "kind": "ministry"}
FIRM = {"id": "firm", "name": "Harbour Works Ltd", "country": "YY", "kind": "company"}
MUNICIPAL = {"party": {"kinds": ["municipality"]}, "as": "muni"}


def case(**fields: Any) -> Case:
    return Case.model_validate({"id": "c", "title": "t", "jurisdiction": "XX", **fields})


def party(p: dict[str, Any], *roles: str, **extra: Any) -> dict[str, Any]:
    return {**p, "roles": list(roles) or ["counterparty"], **extra}


def doc(did: str, text: str, *signers: str) -> dict[str, Any]:
    sig = [{"party": s} for s in signers]
    return {"id": did, "title": did, "kind": "mou", "text": text, "signatories": sig}


def fired(pack: RulePack, rules: list[Any], c: Case) -> set[str]:
    facts = SignalExtractor(pack).extract(c).facts
    matcher = Matcher(rules)
    try:
        return {f.rule_id for f in matcher.match(facts)}
    finally:
        matcher.close()


SAME_DOCUMENT = rule(
    "same-doc",
    {
        "all": [
            MUNICIPAL,
            {"party": {"foreign": True, "kinds": ["ministry"]}, "same": {"document": "muni"}},
        ]
    },
)


def test_same_document_joins_two_signatories_of_one_agreement(pack: RulePack) -> None:
    together = case(
        parties=[party(CITY), party(BODY)], documents=[doc("d1", "An MOU.", "city", "body")]
    )
    assert fired(pack, [SAME_DOCUMENT], together) == {"same-doc"}


def test_same_document_refuses_signatories_of_different_agreements(pack: RulePack) -> None:
    apart = case(
        parties=[party(CITY), party(BODY)],
        documents=[doc("d1", "An MOU.", "city"), doc("d2", "Another MOU.", "body")],
    )
    assert fired(pack, [SAME_DOCUMENT], apart) == set()


CONFIDENTIAL_SIGNED_BY_FOREIGN = rule(
    "secret",
    {
        "all": [
            {"party": {"foreign": True}, "as": "foreigner"},
            {"text": {"phrases": ["confidentiality"]}, "same": {"party": "foreigner"}},
        ]
    },
)


def test_same_party_ties_a_clause_to_a_document_the_party_signed(pack: RulePack) -> None:
    text = "The parties shall maintain confidentiality."
    signed = case(parties=[party(CITY), party(FIRM)], documents=[doc("d1", text, "firm")])
    assert fired(pack, [CONFIDENTIAL_SIGNED_BY_FOREIGN], signed) == {"secret"}
    other = case(
        parties=[party(CITY), party(FIRM)],
        documents=[doc("d1", text, "city"), doc("d2", "A letter.", "firm")],
    )
    assert fired(pack, [CONFIDENTIAL_SIGNED_BY_FOREIGN], other) == set()


def test_same_party_between_two_party_tests_needs_one_party(pack: RulePack) -> None:
    r = rule(
        "foreign-signatory",
        {
            "all": [
                {"party": {"foreign": True}, "as": "foreigner"},
                {"party": {"roles": ["signatory"]}, "same": {"party": "foreigner"}},
            ]
        },
    )
    one = case(parties=[party(CITY), party(FIRM, "signatory")])
    two = case(parties=[party(CITY, "signatory"), party(FIRM)])
    assert fired(pack, [r], one) == {"foreign-signatory"}
    assert fired(pack, [r], two) == set()


NEAR_BOTH = rule(
    "near-both",
    {
        "all": [
            {"proximity": {"tiers": {"naval_base": 5}}, "as": "naval"},
            {"proximity": {"tiers": {"air_base": 5}}, "same": {"site": "naval"}},
        ]
    },
)


def site(name: str, **declared: float) -> dict[str, Any]:
    nearby = [{"facility": k, "kind": k, "distance_km": km} for k, km in declared.items()]
    return {"name": name, "declared_nearby": nearby}


def test_same_site_needs_both_facilities_near_one_site(pack: RulePack) -> None:
    one = case(sites=[site("Yard", naval_base=2, air_base=3)])
    two = case(sites=[site("Yard", naval_base=2), site("Depot", air_base=3)])
    assert fired(pack, [NEAR_BOTH], one) == {"near-both"}
    assert fired(pack, [NEAR_BOTH], two) == set()


def test_findings_carry_their_keys_so_compound_rules_join_them(pack: RulePack) -> None:
    municipal = rule("municipal", {"party": {"kinds": ["municipality"], "roles": ["signatory"]}})
    secret = rule("secret-doc", {"text": {"phrases": ["confidentiality"]}})
    joined = rule(
        "municipal-secret",
        {
            "all": [
                {"finding": "secret-doc", "as": "clause"},
                {"finding": "municipal", "same": {"document": "clause"}},
            ]
        },
    )
    rules = [municipal, secret, joined]
    text = "We shall maintain confidentiality."
    same = case(parties=[party(CITY)], documents=[doc("d1", text, "city")])
    apart = case(parties=[party(CITY)], documents=[doc("d1", text), doc("d2", "A letter.", "city")])
    assert fired(pack, rules, same) == {"municipal", "secret-doc", "municipal-secret"}
    assert fired(pack, rules, apart) == {"municipal", "secret-doc"}


def test_a_join_compiles_to_equality_references_never_ordered_comparisons() -> None:
    (conj,) = to_dnf(SAME_DOCUMENT)
    spec = compile_conjunction("same-doc", 0, conj, 0).spec
    text = str(spec)
    assert "{'party': {'a0': 'party'}}" in text  # the link from the municipality
    assert "{'party': {'a1j0b': 'party'}}" in text  # the foreign body, via the second link
    for op in ("$lt", "$gt", "$lte", "$gte"):
        assert op not in text


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (
            {"all": [MUNICIPAL, {"party": {"foreign": True}, "same": {"party": "nobody"}}]},
            "'nobody' is not another condition that must hold",
        ),
        (
            {
                "all": [
                    MUNICIPAL,
                    {"not": {"party": {"foreign": True}, "same": {"document": "muni"}}},
                ]
            },
            "is negated and joins 'muni'",
        ),
        (
            {"any": [MUNICIPAL, {"party": {"foreign": True}, "same": {"document": "muni"}}]},
            "'muni' is not another condition that must hold in every alternative",
        ),
        (
            {
                "all": [
                    {"field": {"path": "transaction.type", "equals": "lease"}, "as": "f"},
                    {"party": {"foreign": True}, "same": {"document": "f"}},
                ]
            },
            "carry no document and no party",
        ),
    ],
)
def test_impossible_joins_are_refused_with_a_reason(when: Any, message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        for conj in to_dnf(rule("r", when)):
            compile_conjunction("r", 0, conj, 0)


def test_validate_locates_a_bad_join_at_its_same_key(tmp_path: Any) -> None:
    import shutil
    from pathlib import Path

    from click.testing import CliRunner

    from screening.cli import cli
    from tests.conftest import FIXTURE_PACK

    pack_dir = Path(tmp_path) / "pack"
    shutil.copytree(FIXTURE_PACK, pack_dir)
    target = pack_dir / "compound" / "municipal-central-confidential.yaml"
    text = target.read_text(encoding="utf-8").replace(
        "      as: counterpart\n", "      as: counterpart\n      same: {document: cty}\n"
    )
    target.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "validate", str(pack_dir)])
    assert result.exit_code == 2
    line = next(ln for ln in result.output.splitlines() if "joins 'cty'" in ln)
    assert line.split(":")[1:3] == ["12", "13"]  # the `same:` line, not the rule's `when`
    assert "expected one of: city, text" in line


LAND_NEAR_BASE = rule(
    "land-near-base",
    {
        "all": [
            {"proximity": {"tiers": {"air_base": 2}}, "as": "near"},
            {"land": {"foreign": True}, "as": "holder", "same": {"site": "near"}},
        ]
    },
)


def test_land_joins_the_holder_of_the_same_site_and_a_buyer_of_its_holder(
    pack: RulePack,
) -> None:
    near = {
        "name": "Field",
        "declared_nearby": [{"facility": "Base", "kind": "air_base", "distance_km": 1}],
    }
    far = {
        "name": "Depot",
        "declared_nearby": [{"facility": "Base", "kind": "air_base", "distance_km": 30}],
    }
    buyer = party(FIRM, "acquirer")
    owner = {
        "id": "farm",
        "name": "Valley Farm",
        "country": "XX",
        "kind": "company",
        "roles": ["target_owner"],
    }
    held_far = case(
        parties=[buyer, owner],
        sites=[
            {**near, "land": [{"tenure": "ownership", "holder": "farm"}]},
            {**far, "land": [{"tenure": "lease", "holder": "firm", "duration_years": 10}]},
        ],
    )
    assert fired(pack, [LAND_NEAR_BASE], held_far) == set()  # the foreign firm holds the far site
    bought = case(
        parties=[buyer, owner],
        sites=[dict(s) for s in held_far.model_dump(exclude_none=True)["sites"]],
        transaction={"type": "acquisition", "stake_percent": 100},
    )
    assert fired(pack, [LAND_NEAR_BASE], bought) == {"land-near-base"}  # it buys the farm
