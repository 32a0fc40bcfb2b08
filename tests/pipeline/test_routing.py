"""Referral routes: a case goes to its own jurisdiction's bodies, or is told none has remit."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.checks import load_rule_pack
from screening.loading.rulepack import RulePack
from screening.models.result import Finding, Route
from screening.models.routing import RoutingFile
from screening.models.rule import Recommendation
from screening.pipeline.routing import case_recommendations, route

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def real() -> RulePack:
    return load_rule_pack(ROOT / "rules")


@pytest.fixture(scope="module")
def routing(real: RulePack) -> RoutingFile:
    assert real.routing is not None
    return real.routing


def bodies(routes: list[Route]) -> set[str | None]:
    return {r.body_id for r in routes}


@pytest.mark.parametrize(
    ("jurisdiction", "prefix"),
    [("IL", "il-"), ("US", "us-"), ("DE", "de-"), ("GB", "gb-"), ("AU", "au-"), ("FR", "eu-")],
)
def test_a_case_is_routed_only_to_its_own_jurisdictions_bodies(
    routing: RoutingFile, jurisdiction: str, prefix: str
) -> None:
    kinds = [k.id for k in routing.route_kinds]
    for r in route(routing, jurisdiction, ["defense", "ports"], kinds):
        if (r.body_id or "").startswith("default-"):  # a generic stand-in, and it says so
            assert "not mapped for" in (r.note or "")
            continue
        assert r.body_id is None or r.body_id.startswith(prefix) or r.body_id.startswith("eu-")
    if jurisdiction != "DE":  # Germany alone also belongs to the EU regime
        assert not any(
            (r.body_id or "").startswith("eu-") and prefix != "eu-"
            for r in route(routing, jurisdiction, [], kinds)
        )


def test_germany_also_goes_to_the_eu_cooperation_mechanism(routing: RoutingFile) -> None:
    got = bodies(route(routing, "DE", ["energy"], ["investment_screening"]))
    assert {"de-bmwe-cross-sectoral", "eu-commission-cooperation"} <= got


def test_the_israeli_committee_is_named_only_for_sectors_in_its_remit(
    routing: RoutingFile,
) -> None:
    ports = route(routing, "IL", ["ports"], ["investment_screening"])
    assert "il-advisory-committee" in bodies(ports)
    chips = route(routing, "IL", ["semiconductors"], ["investment_screening"])
    assert bodies(chips) == {None}
    (nobody,) = chips
    assert nobody.body.startswith("no body in ")
    assert nobody.note is not None and "covers only" in nobody.note


def test_export_routes_follow_the_regime(routing: RoutingFile) -> None:
    il = route(routing, "IL", ["dual_use"], ["export_control_dual_use", "export_control_defence"])
    assert [r.body_id for r in il] == ["il-moe-dual-use", "il-deca", "il-deca"]
    us = route(routing, "US", ["defense"], ["export_control_defence"])
    assert bodies(us) == {"us-ddtc"}


def test_a_jurisdiction_without_a_regime_gets_the_generic_bodies_and_is_told(
    routing: RoutingFile,
) -> None:
    got = route(routing, "BR", ["ports"], ["investment_screening"])
    assert bodies(got) == {"default-screening"}
    advice = case_recommendations(routing, "BR", [_finding(got)])
    assert advice[0].startswith("No routing table for BR")


def test_when_no_body_has_remit_the_first_recommendation_says_so(routing: RoutingFile) -> None:
    got = route(routing, "IL", ["venture_capital"], ["investment_screening"])
    advice = case_recommendations(routing, "IL", [_finding(got)])
    assert advice[0].startswith("No body in ")
    assert "has remit over this case" in advice[0]


def _finding(routes: list[Route]) -> Finding:
    return Finding(
        rule_id="r",
        title="t",
        family="f",
        weight=30,
        contribution=30.0,
        counted=True,
        explanations=[],
        evidence=[],
        references=[],
        recommendation=Recommendation(action="a", routes=[r.kind for r in routes]),
        routes=routes,
        firings=1,
    )


def test_every_rule_names_known_route_kinds(real: RulePack, routing: RoutingFile) -> None:
    kinds = {k.id for k in routing.route_kinds}
    for lr in real.rules:
        assert set(lr.rule.recommendation.routes) <= kinds, lr.rule.id


def test_a_generic_eu_body_stands_aside_for_the_member_states_own(routing: RoutingFile) -> None:
    de = bodies(route(routing, "DE", ["cybersecurity"], ["investment_screening", "encryption"]))
    assert "eu-member-state-authority" not in de
    assert "eu-dual-use-national-authorities" not in de and "de-bafa" in de
    fr = bodies(route(routing, "FR", ["energy"], ["investment_screening"]))
    assert "eu-member-state-authority" in fr


def test_an_unmapped_kind_names_a_generic_body_and_an_empty_one_says_no_remit(
    routing: RoutingFile,
) -> None:
    (fr,) = route(routing, "FR", ["defense"], ["export_control_defence"])
    assert fr.body_id == "default-export-control" and "not mapped" in (fr.note or "")
    (de,) = route(routing, "DE", ["real_estate"], ["land_real_estate"])
    assert de.body_id is None and de.body.startswith("no body in")


def test_filing_is_mandatory_only_in_the_bodys_mandatory_sectors(routing: RoutingFile) -> None:
    def filing(sectors: list[str]) -> str | None:
        got = route(routing, "DE", sectors, ["investment_screening"])
        return next(r.filing for r in got if r.body_id == "de-bmwe-cross-sectoral")

    assert filing(["energy"]) == "mandatory"
    assert filing(["retail"]) == "voluntary"
