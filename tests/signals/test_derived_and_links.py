"""Pack-derived case values and the links a buyer gets: sensitivity, filing, foreign control."""

from __future__ import annotations

from typing import Any

import pytest

from screening.checks import load_rule_pack
from screening.loading.rulepack import RulePack
from screening.models.case import Case
from screening.signals.derived import filing_expected, target_sensitivity
from screening.signals.extract import SignalExtractor
from tests.conftest import REAL_PACK


@pytest.fixture(scope="module")
def real() -> RulePack:
    return load_rule_pack(REAL_PACK)


def case(**fields: Any) -> Case:
    return Case.model_validate({"id": "c", "title": "t", "jurisdiction": "GB", **fields})


def test_sensitivity_is_the_highest_sector_raised_by_what_the_target_holds(real: RulePack) -> None:
    assert (
        target_sensitivity(case(target={"name": "Hotel", "sectors": ["hospitality"]}), real)
        == "low"
    )
    mixed = case(target={"name": "Mill", "sectors": ["hospitality", "food"]})
    assert target_sensitivity(mixed, real) == "medium"
    supplier = case(
        target={"name": "Hotel", "sectors": ["hospitality"], "supplier_to": ["defence"]}
    )
    assert target_sensitivity(supplier, real) == "high"
    data = {"name": "App", "sectors": ["consumer_apps"]}
    small = case(target={**data, "personal_data": [{"category": "health", "people": 5000}]})
    large = case(target={**data, "personal_data": [{"category": "health", "people": 2_000_000}]})
    assert target_sensitivity(small, real) == "medium"
    assert target_sensitivity(large, real) == "high"
    assert target_sensitivity(case(), real) is None


def test_filing_is_expected_where_a_mandatory_regime_names_the_sector(real: RulePack) -> None:
    tx = {"type": "acquisition", "stake_percent": 30}
    grid = case(
        jurisdiction="DE", target={"name": "Grid", "sectors": ["electricity_grid"]}, transaction=tx
    )
    hotel = case(
        jurisdiction="DE", target={"name": "Hotel", "sectors": ["hospitality"]}, transaction=tx
    )
    land = case(
        jurisdiction="GB", target={"name": "Offices", "sectors": ["real_estate"]}, transaction=tx
    )
    assert filing_expected(grid, real)
    assert not filing_expected(hotel, real)
    assert not filing_expected(land, real)  # land is a voluntary qualifying asset in the UK


def party_attrs(real: RulePack, c: Case, pid: str) -> dict[str, Any]:
    facts = SignalExtractor(real).extract(c).facts
    return next(f.attrs for f in facts if f.id == f"party:{pid}")


def test_a_domestic_vehicle_controlled_from_abroad_is_foreign(real: RulePack) -> None:
    def vehicle(percent: float) -> Case:
        owners = [{"name": "Overseas Parent", "percent": percent, "country": "CN"}]
        return case(
            parties=[
                {
                    "id": "v",
                    "name": "UK Vehicle Ltd",
                    "country": "GB",
                    "kind": "company",
                    "roles": ["acquirer"],
                    "owners": owners,
                }
            ]
        )

    assert party_attrs(real, vehicle(80), "v")["foreign"] is True
    assert party_attrs(real, vehicle(30), "v")["foreign"] is False


def test_a_buyer_taking_control_holds_the_targets_sites(real: RulePack) -> None:
    parties = [
        {"id": "b", "name": "Buyer Co", "country": "CN", "kind": "company", "roles": ["acquirer"]},
        {
            "id": "t",
            "name": "Station Co",
            "country": "AU",
            "kind": "company",
            "roles": ["target_owner"],
        },
    ]
    site = {
        "name": "Station",
        "declared_nearby": [{"facility": "Range", "kind": "weapons_range", "distance_km": 0}],
        "land": [{"tenure": "lease", "holder": "t"}],
    }
    control = case(
        jurisdiction="AU",
        parties=parties,
        sites=[site],
        transaction={"type": "acquisition", "stake_percent": 100},
    )
    minority = case(
        jurisdiction="AU",
        parties=parties,
        sites=[site],
        transaction={"type": "minority_stake", "stake_percent": 20},
    )

    def linked(c: Case) -> set[tuple[str, str]]:
        facts = SignalExtractor(real).extract(c).facts
        return {(f.attrs["party"], f.attrs["relation"]) for f in facts if f.kind == "link"}

    assert ("b", "lease") in linked(control)  # the buyer takes the target's lease
    assert ("b", "lease") not in linked(minority)
    assert ("t", "lease") in linked(minority)


def test_a_facility_placed_only_at_its_city_gives_same_area_never_a_distance(
    real: RulePack,
) -> None:
    """Elbit's headquarters is placed at the Haifa city point (precision area)."""
    near_point = case(
        jurisdiction="IL",
        sites=[{"name": "Office", "coordinates": {"lat": 32.8195, "lon": 34.999}}],
    )
    city = case(jurisdiction="IL", sites=[{"name": "Office", "place": "Haifa"}])
    for c in (near_point, city):
        facts = SignalExtractor(real).extract(c).facts
        elbit = [
            f for f in facts if f.kind == "proximity" and f.attrs["facility"] == "il-elbit-haifa"
        ]
        assert elbit and all(f.attrs["basis"] == "same_area" and "km" not in f.attrs for f in elbit)
    far = case(
        jurisdiction="IL",
        sites=[{"name": "Office", "coordinates": {"lat": 31.2518, "lon": 34.7913}}],
    )
    facts = SignalExtractor(real).extract(far).facts
    assert not [f for f in facts if f.attrs.get("facility") == "il-elbit-haifa"]
