"""Per-facility range tiers: the registry says how far from a facility a site is measured
(matching.yaml `proximity_ranges`, e.g. the 100-mile extended range of 31 CFR 802 Part 2
installations); the search reaches the largest tier and a rule may restrict to tiers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import TypeAdapter, ValidationError

from screening.checks import load_rule_pack
from screening.cli import cli
from screening.conditions.base import CheckContext, LeafCondition
from screening.conditions.tree import Condition
from screening.loading.rulepack import RulePack
from screening.models.case import Site
from screening.models.registry import Facility
from screening.models.settings import MatchingFile
from screening.signals.proximity import FacilityIndex, Gazetteer
from tests.conftest import REAL_PACK

#: 100 statute miles in km, the extended range of 31 CFR 802.217
EXTENDED_KM = 160.934


def _facility(fid: str, lat: float, tier: str | None) -> Facility:
    return Facility(
        id=fid,
        name=fid,
        kind="air_base",
        country="XX",
        location={"lat": lat, "lon": 0.0},
        radius_km=0.0,
        precision="exact",
        range_tier=tier,
        source="t",
    )


def _site_at(lat: float) -> Any:
    return Gazetteer([]).place(Site(name="s", coordinates={"lat": lat, "lon": 0.0}))


def test_each_facility_is_measured_as_far_as_its_tier_reaches() -> None:
    # both bases about 111 km from the site (one degree of latitude)
    index = FacilityIndex([_facility("std", 1.0, None), _facility("ext", -1.0, "extended")])
    found = index.distances(_site_at(0.0), 25, {"standard": 25, "extended": EXTENDED_KM})
    assert [e.facility_id for e in found] == ["ext"]
    assert found[0].distance_km == pytest.approx(110.6, abs=0.5)
    assert index.tiers == {"std": "standard", "ext": "extended"}
    # without the tiers every facility gets the standard search distance
    assert index.distances(_site_at(0.0), 25) == []
    # and a facility beyond its tier is not measured either
    far = FacilityIndex([_facility("ext", -2.0, "extended")])
    assert far.distances(_site_at(0.0), 25, {"extended": EXTENDED_KM}) == []


def test_matching_names_the_standard_range_and_refuses_to_rename_it() -> None:
    m = MatchingFile(
        entity_min_score=88,
        proximity_search_km=25,
        proximity_ranges={"extended": EXTENDED_KM},
        state_categories=[],
    )
    assert m.ranges == {"standard": 25, "extended": EXTENDED_KM}
    assert m.widest_range_km == EXTENDED_KM
    with pytest.raises(ValidationError, match="name of proximity_search_km"):
        MatchingFile(
            entity_min_score=88,
            proximity_search_km=25,
            proximity_ranges={"standard": 30},
            state_categories=[],
        )
    with pytest.raises(ValidationError, match="at most 500"):
        MatchingFile(
            entity_min_score=88,
            proximity_search_km=25,
            proximity_ranges={"far": 900},
            state_categories=[],
        )


CTX = CheckContext(
    facility_kinds=frozenset({"air_base"}),
    entity_categories=frozenset(),
    lists=frozenset(),
    sectors=frozenset(),
    phrase_sets=frozenset(),
    entities=frozenset(),
    rule_ids=frozenset(),
    proximity_search_km=25,
    entity_min_score=88,
    proximity_ranges={"standard": 25, "extended": EXTENDED_KM},
)


def _leaf(data: dict[str, Any]) -> LeafCondition:
    cond = TypeAdapter(Condition).validate_python(data)
    assert isinstance(cond, LeafCondition)
    return cond


def test_a_rule_may_restrict_to_tiers_and_reach_as_far_as_they_do() -> None:
    leaf = _leaf({"proximity": {"tiers": {"air_base": 160}, "range_tiers": ["extended"]}})
    assert leaf.tests() == [
        {"range_tier": "extended"},
        {"$and": [{"facility_kind": "air_base"}, {"$lte": {"km": 160.0}}]},
    ]
    assert list(leaf.check(CTX)) == []
    # the standard tier reaches only 25 km
    std = _leaf({"proximity": {"tiers": {"air_base": 160}, "range_tiers": ["standard"]}})
    [(where, msg, code)] = list(std.check(CTX))
    assert where == ("proximity", "tiers", "air_base") and code == "rule-range"
    assert "at most 25" in msg
    # with no tiers named, the widest tier is the limit
    assert list(_leaf({"proximity": {"tiers": {"air_base": 160}}}).check(CTX)) == []
    assert (
        "at most 160.934"
        in next(iter(_leaf({"proximity": {"tiers": {"air_base": 170}}}).check(CTX)))[1]
    )
    bad = _leaf({"proximity": {"tiers": {"air_base": 5}, "range_tiers": ["extnded"]}})
    [(where, msg, code)] = list(bad.check(CTX))
    assert where == ("proximity", "range_tiers", 0) and code == "rule-vocabulary"
    assert "did you mean 'extended'" in msg


@pytest.fixture(scope="module")
def real_pack() -> RulePack:
    return load_rule_pack(REAL_PACK)


def test_every_part_2_installation_has_the_extended_range_and_no_other_does(
    real_pack: RulePack,
) -> None:
    assert real_pack.matching.ranges["extended"] == pytest.approx(EXTENDED_KM)
    for fac in real_pack.facilities:
        assert (fac.range_tier == "extended") == (fac.us_802_part == 2), fac.id


def test_an_unknown_range_tier_in_a_registry_is_a_located_error(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    root.mkdir()
    for p in REAL_PACK.iterdir():
        if p.is_file():
            (root / p.name).write_bytes(p.read_bytes())
    fac = root / "registries" / "facilities"
    fac.mkdir(parents=True)
    (fac / "x.yaml").write_text(
        "facilities:\n"
        "  - id: x-base\n"
        "    name: X Base\n"
        "    kind: air_base\n"
        "    country: XX\n"
        "    location: {lat: 0, lon: 0}\n"
        "    radius_km: 1\n"
        "    precision: exact\n"
        "    range_tier: extnded\n"
        "    source: t\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["rules", "validate", str(root)])
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if "range_tier" in ln]
    assert len(lines) == 1 and "x.yaml:2:" in lines[0], result.output
    assert "unknown range_tier 'extnded'" in lines[0] and "did you mean 'extended'" in lines[0]


def test_land_in_the_extended_range_of_a_part_2_installation_from_the_cli(tmp_path: Path) -> None:
    # Grand Forks AFB (Part 2) is at 47.96389 N, 97.40111 W; the land is about 108 km north
    case = tmp_path / "farm.yaml"
    case.write_text(
        "id: farm\n"
        "title: Farm land north of Grand Forks\n"
        "jurisdiction: US\n"
        "parties:\n"
        "  - {id: f, name: Example Agri USA, country: CN, kind: company, roles: [acquirer]}\n"
        "transaction: {type: land_purchase}\n"
        "sites:\n"
        "  - name: Farm land\n"
        "    coordinates: {lat: 48.96389, lon: -97.40111}\n"
        "    land: [{tenure: ownership, holder: f}]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["screen", str(case), "--rules", str(REAL_PACK), "--format", "json", "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    fired = {f["rule_id"]: f for f in data["findings"]}
    assert "land-in-extended-range" in fired
    assert "Grand Forks" in json.dumps(fired["land-in-extended-range"])


def test_a_declared_facility_takes_the_tier_of_its_registry_entry_by_name_or_former_name(
    real_pack: RulePack,
) -> None:
    from screening.models.evidence import ProximityEvidence

    index = FacilityIndex(real_pack.facilities)

    def declared(name: str) -> ProximityEvidence:
        return ProximityEvidence(
            site="s",
            facility=name,
            facility_kind="army_base",
            distance_km=100.0,
            basis="declared",
            precision="declared",
        )

    # Fort Liberty (a Part 2 installation) was Fort Bragg before 2023 and is again since 2025
    assert index.tier_of(declared("Fort Bragg")) == "extended"
    assert index.tier_of(declared("fort liberty")) == "extended"
    # Fort Cavazos (Part 1) by its former name: the standard range
    assert index.tier_of(declared("Fort Hood")) == "standard"
    # names are never guessed
    assert index.tier_of(declared("Fort Brag")) == "standard"
    assert index.tier_of(declared("Camp Nowhere")) == "standard"


def test_renamed_forts_carry_their_former_names_with_a_source(real_pack: RulePack) -> None:
    by_alias = {a: f for f in real_pack.facilities for a in f.aliases}
    for former, current in [
        ("Fort Bragg", "us-fort-liberty"),
        ("Fort Benning", "us-fort-moore"),
        ("Fort Hood", "us-fort-cavazos"),
        ("Fort Polk", "us-fort-johnson"),
        ("Fort Rucker", "us-fort-novosel"),
        ("Fort Gordon", "us-fort-eisenhower"),
        ("Fort Lee", "us-fort-gregg-adams"),
    ]:
        fac = by_alias[former]
        assert fac.id == current
        assert "former and restored names:" in fac.source and former in fac.source
