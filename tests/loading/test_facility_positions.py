"""A facility has a position with its precision, or, with `precision: unknown`, only a place
in words; `us_802_part` belongs to US installations. Each mistake is refused at its entry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from screening.checks.registries import check_registries
from screening.loading.rulepack import RulePack, read_rule_pack
from tests.conftest import FIXTURE_PACK

HEAD = "facilities:\n  - id: test-depot\n    name: Test Depot\n    kind: naval_base\n"
UNPLACED = (
    "    country: US\n"
    "    precision: unknown\n"
    "    precision_note: coordinates not published\n"
    '    place: "Testville, TX"\n'
    "    source: test\n"
)


def _load(tmp_path: Path, body: str) -> tuple[RulePack | None, Path, list[str]]:
    root = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, root)
    path = root / "registries" / "facilities" / "extra.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    pack, problems = read_rule_pack(root)
    return pack, path, [str(p) for p in problems.errors]


def test_a_facility_without_a_position_loads_with_its_place(tmp_path: Path) -> None:
    pack, _, errors = _load(tmp_path, UNPLACED + "    us_802_part: 1\n")
    assert pack is not None and errors == []
    (fac,) = [f for f in pack.facilities if f.id == "test-depot"]
    assert (fac.location, fac.radius_km, fac.place, fac.us_802_part) == (
        None,
        None,
        "Testville, TX",
        1,
    )
    assert check_registries(pack) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "    country: US\n    precision: exact\n    source: test\n",
            "a facility with precision 'exact' needs a location and a radius_km",
        ),
        (
            UNPLACED + "    location: {lat: 30.0, lon: -97.0}\n    radius_km: 2\n",
            "a facility with precision 'unknown' has no location or radius_km",
        ),
        (
            "    country: US\n    precision: unknown\n    precision_note: none\n    source: test\n",
            "a facility with precision 'unknown' needs a place",
        ),
        (UNPLACED + "    us_802_part: 3\n", "us_802_part: got 3"),
    ],
)
def test_a_facility_that_mixes_them_up_is_refused_at_its_entry(
    tmp_path: Path, body: str, message: str
) -> None:
    _, path, errors = _load(tmp_path, body)
    (error,) = errors
    assert error.startswith(f"{path}:") and message in error
    assert int(error.split(":")[1]) in (2, len((HEAD + body).splitlines()))


def test_us_802_part_belongs_to_us_installations(tmp_path: Path) -> None:
    body = UNPLACED.replace("country: US", "country: IL") + "    us_802_part: 2\n"
    pack, path, errors = _load(tmp_path, body)
    assert pack is not None and errors == []
    (problem,) = check_registries(pack)
    assert (problem.location.path, problem.location.line) == (str(path), 2)
    assert "us_802_part is for installations listed in 31 CFR part 802" in problem.message
