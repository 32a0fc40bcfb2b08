"""A matched party inherits what the registry knows, says where each value came from, and is
called a state body only when it is one."""

from __future__ import annotations

from typing import Any

import pytest

from screening.checks import load_rule_pack
from screening.loading.rulepack import RulePack
from screening.models.case import Case
from screening.models.evidence import OwnershipEvidence, PartyEvidence
from screening.models.facts import Fact
from screening.models.registry import Entity
from screening.report.describe import describe
from screening.signals.extract import Extraction, SignalExtractor
from screening.signals.parties import government_level
from tests.conftest import REAL_PACK


@pytest.fixture(scope="module")
def extractor() -> SignalExtractor:
    real: RulePack = load_rule_pack(REAL_PACK)
    return SignalExtractor(real)


def _extract(extractor: SignalExtractor, **party: Any) -> Extraction:
    data = {"id": "p", "country": "CN", "roles": ["counterparty"], **party}
    case = Case.model_validate({"id": "c", "title": "t", "jurisdiction": "IL", "parties": [data]})
    return extractor.extract(case)


def _party(extraction: Extraction) -> Fact:
    (fact,) = [f for f in extraction.facts if f.kind == "party"]
    return fact


def _evidence(fact: Fact) -> PartyEvidence:
    assert isinstance(fact.evidence, PartyEvidence)
    return fact.evidence


def test_an_institution_under_a_ministry_is_not_called_a_state_body(
    extractor: SignalExtractor,
) -> None:
    """NDRC-ICC: a government agency by the case, not a state body by the registry."""
    fact = _party(_extract(extractor, name="NDRC-ICC", kind="government_agency"))
    ev = _evidence(fact)
    assert fact.attrs["state_body"] is False and ev.state_body is False
    assert fact.attrs["government_level"] == "central"  # central_government_body
    assert ev.provenance["government_level"] == "registry:china.yaml#cn-ndrc-icc"
    assert ev.provenance["state_body"] == "registry:china.yaml#cn-ndrc-icc"
    assert ev.provenance["country"] == "case"
    own = fact.ownership
    assert own is not None and own.state_share == 100.0
    assert "itself a state body" not in own.path_text
    assert own.path_text.startswith(
        "NDRC-ICC <- National Development and Reform Commission (state)"
    )
    assert "(not a state body)" in own.basis
    assert ev.provenance["state_share"] == "registry:china.yaml#cn-ndrc-icc"
    text = describe(ev)
    assert "not a state body" in text and "a state body;" not in text
    assert "central government (registry)" in text


def test_the_case_level_wins_over_the_registry(extractor: SignalExtractor) -> None:
    ev = _evidence(
        _party(_extract(extractor, name="NDRC", kind="ministry", government_level="regional"))
    )
    assert (ev.government_level, ev.provenance["government_level"]) == ("regional", "case")
    assert ev.state_body is True


def test_list_memberships_come_from_the_registry(extractor: SignalExtractor) -> None:
    """Only the memberships in force: CCCC's ended Section 1237 listing and World Bank
    debarment stay in the registry but not in the facts; it is not on the Entity List (only
    five subsidiaries are)."""
    fact = _party(_extract(extractor, name="China Communications Construction Co.", kind="company"))
    ev = _evidence(fact)
    assert fact.attrs["lists"] == ["us-1260h", "us-ns-cmic"] == ev.lists
    assert ev.provenance["lists"] == "registry:china.yaml#cn-cccc"
    assert ev.entity_id == "cn-cccc" and ev.category == "state_owned_enterprise"


def test_the_group_is_not_taken_for_its_listed_subsidiary(extractor: SignalExtractor) -> None:
    """CCCG carries its own listings, not CCCC's; before 'Group' stayed in the key it was
    taken for CCCC."""
    fact = _party(
        _extract(extractor, name="China Communications Construction Group", kind="company")
    )
    assert _evidence(fact).entity_id == "cn-cccg"
    assert fact.attrs["lists"] == ["us-1260h", "us-ns-cmic"]
    assert _evidence(fact).provenance["lists"] == "registry:china.yaml#cn-cccg"
    own = fact.ownership
    assert own is not None and own.state_share == 100.0  # SASAC's, not CCCC's 63.8%


def test_a_declaration_of_no_state_ownership_wins_and_is_noticed(
    extractor: SignalExtractor,
) -> None:
    extraction = _extract(extractor, name="SIPG", kind="company", state_owned=False)
    fact = _party(extraction)
    assert fact.ownership is None and fact.attrs["state_shares"] == []
    assert any("declares SIPG not state-owned" in n and "89.67%" in n for n in extraction.notices)


def test_declared_state_ownership_is_not_a_state_body(extractor: SignalExtractor) -> None:
    fact = _party(_extract(extractor, name="CSCEC", kind="company", state_owned=True))
    own = fact.ownership
    assert isinstance(own, OwnershipEvidence)
    assert "itself a state body" not in own.path_text
    assert "declared in the case file; share not given" in own.path_text
    assert _evidence(fact).provenance["state_share"] == "case"
    assert fact.attrs["state_body"] is False


def test_a_ministry_unknown_to_the_registry_is_a_state_body_by_its_kind(
    extractor: SignalExtractor,
) -> None:
    fact = _party(_extract(extractor, name="Ministry of Ports of Ruritania", kind="ministry"))
    ev = _evidence(fact)
    assert ev.entity_id is None and ev.state_body is True and ev.provenance["state_body"] == "case"
    assert fact.ownership is not None
    assert fact.ownership.path_text.endswith("(itself a state body)")


def test_an_owner_of_a_public_kind_follows_the_registry(extractor: SignalExtractor) -> None:
    owners = [{"name": "NDRC-ICC", "percent": 30, "kind": "government_agency"}]
    fact = _party(_extract(extractor, name="JV Co", kind="company", owners=owners))
    own = fact.ownership
    assert own is not None and own.state_share == 30.0
    assert own.path_text == (
        "JV Co <- NDRC-ICC (30%) <- National Development and Reform Commission (state) "
        "(100%, approximate)"
    )


def test_an_unmatched_party_keeps_its_best_candidate(extractor: SignalExtractor) -> None:
    ev = _evidence(
        _party(_extract(extractor, name="Shanghai International Harbour Group", kind="company"))
    )
    assert ev.entity_id is None
    assert ev.best_candidate_id == "cn-sipg" and ev.match_threshold == 88
    assert ev.best_candidate_score is not None and ev.best_candidate_score < 88
    assert (
        f"no registry match: best candidate '{ev.best_candidate}' scored "
        f"{ev.best_candidate_score:g} < 88"
    ) in describe(ev)
    assert ev.provenance == {"country": "case", "kind": "case", "roles": "case"}


def test_a_registry_level_is_inherited_as_written() -> None:
    entity = Entity(
        id="x-city",
        name="X City Government",
        country="XX",
        category="regional_government_body",
        state_body=True,
        government_level="municipal",
        source="test",
    )
    party = Case.model_validate(
        {
            "id": "c",
            "title": "t",
            "jurisdiction": "XX",
            "parties": [
                {
                    "id": "p",
                    "name": "X",
                    "country": "XX",
                    "kind": "municipality",
                    "roles": ["counterparty"],
                }
            ],
        }
    ).parties[0]
    assert government_level(party, entity) == "municipal"
    no_level = entity.model_copy(update={"government_level": None})
    assert government_level(party, no_level) is None  # regional or municipal: not guessed
