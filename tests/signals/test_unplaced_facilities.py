"""A facility without a position (precision `unknown`) is known but never measured: the
proximity index skips it, so no distance and no finding rests on a guessed point."""

from __future__ import annotations

import pytest

from screening.checks import load_rule_pack
from screening.loading.rulepack import RulePack
from screening.models.case import Site
from screening.models.registry import Facility
from screening.signals.proximity import FacilityIndex, Gazetteer, facility_distances
from tests.conftest import REAL_PACK

PLACED = Facility(
    id="placed",
    name="Placed Base",
    kind="naval_base",
    country="XX",
    location={"lat": 0.0, "lon": 0.0},
    radius_km=1.0,
    precision="exact",
    source="t",
)
UNPLACED = Facility(
    id="unplaced",
    name="Unplaced Base",
    kind="naval_base",
    country="XX",
    precision="unknown",
    precision_note="no published position",
    place="Somewhere",
    source="t",
)


def test_the_index_skips_a_facility_without_a_position() -> None:
    placed = Gazetteer([]).place(Site(name="s", coordinates={"lat": 0.0, "lon": 0.01}))
    evidence = facility_distances(placed, [UNPLACED, PLACED, UNPLACED], search_km=50)
    assert [e.facility_id for e in evidence] == ["placed"]
    assert evidence[0].distance_km == pytest.approx(0.11, abs=0.01)
    assert facility_distances(placed, [UNPLACED], search_km=20_000) == []


@pytest.fixture(scope="module")
def real_pack() -> RulePack:
    return load_rule_pack(REAL_PACK)


@pytest.fixture(scope="module")
def us_802(real_pack: RulePack) -> list[Facility]:
    return [f for f in real_pack.facilities if f.us_802_part is not None]


def test_the_us_802_installations_are_all_there_and_only_verified_ones_are_placed(
    us_802: list[Facility],
) -> None:
    assert len(us_802) == 227
    assert sum(f.us_802_part == 1 for f in us_802) == 162
    placed = [f for f in us_802 if f.location is not None]
    assert len(placed) == 156
    assert all(f.precision in ("exact", "approximate") for f in placed)
    unplaced = [f for f in us_802 if f.location is None]
    assert all(f.precision == "unknown" and f.place and f.precision_note for f in unplaced)


def test_the_real_index_measures_only_placed_facilities(real_pack: RulePack) -> None:
    index = FacilityIndex(real_pack.facilities)
    assert index.facilities and all(f.location is not None for f in index.facilities)
    unplaced = {f.id for f in real_pack.facilities if f.location is None}
    assert len(unplaced) == 71
    assert unplaced.isdisjoint(f.id for f in index.facilities)
