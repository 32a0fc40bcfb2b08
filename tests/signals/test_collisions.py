"""Two registry entities one normalised name cannot tell apart: reported, and never merged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from screening.checks import check_rule_pack
from screening.errors import Problem
from screening.loading.rulepack import RulePack, read_rule_pack
from screening.models.case import Party
from screening.signals.collisions import registry_collisions
from screening.signals.entities import EntityIndex
from tests.conftest import FIXTURE_PACK, FIXTURES

COLLIDING = FIXTURES / "registries" / "colliding-entities.yaml"


@pytest.fixture
def colliding_root(tmp_path: Path) -> Path:
    root = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, root)
    shutil.copy(COLLIDING, root / "registries" / "entities" / "colliding.yaml")
    return root


@pytest.fixture
def colliding_pack(colliding_root: Path) -> RulePack:
    pack, problems = read_rule_pack(colliding_root)
    assert pack is not None and not problems.errors
    return pack


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_a_collision_is_located_at_both_entries(colliding_pack: RulePack) -> None:
    (problem,) = registry_collisions(colliding_pack)
    path = colliding_pack.root / "registries" / "entities" / "colliding.yaml"
    listed = _line_of(path, "name: Delta Test Shipping Limited")
    holding = _line_of(path, "name: Delta Test Shipping Co., Ltd.")
    assert problem.code == "registry-collision" and problem.is_error
    assert (Path(problem.location.path).name, problem.location.line) == ("colliding.yaml", listed)
    assert f"colliding.yaml:{holding}:" in problem.message
    assert "'Delta Test Shipping Limited'" in problem.message
    assert "'Delta Test Shipping Co., Ltd.' of entity 'test-delta-holding'" in problem.message
    assert "normalise to 'delta test shipping'" in problem.message


def test_validate_reports_the_collision_as_an_error(colliding_root: Path) -> None:
    _, problems = check_rule_pack(colliding_root, examples=False)
    errors = [p for p in problems if p.code == "registry-collision"]
    assert [p.is_error for p in errors] == [True]


def test_distinct_names_make_no_problem(pack: RulePack) -> None:
    assert registry_collisions(pack) == []


def test_an_alias_of_the_same_entity_is_no_collision(colliding_pack: RulePack) -> None:
    """'Delta Test Shipping' and 'Delta Test Shipping Co., Ltd.' are one entity's names."""
    problems: list[Problem] = registry_collisions(colliding_pack)
    assert all("test-delta-holding': name" not in p.message for p in problems)


def _party(name: str) -> Party:
    return Party(id="p", name=name, country="YY", kind="company", roles=["investor"])


def test_the_exact_name_wins_a_shared_key(colliding_pack: RulePack) -> None:
    index = EntityIndex(colliding_pack.entities.values())
    for written, entity in [
        ("Delta Test Shipping Limited", "test-delta-listed"),
        ("DELTA TEST SHIPPING  LIMITED", "test-delta-listed"),  # case and spacing aside
        ("delta test shipping co., ltd.", "test-delta-holding"),
    ]:
        ev = index.match_party(_party(written), 85).evidence
        assert ev is not None and ev.entity_id == entity, written


def test_without_an_exact_name_a_shared_key_links_to_nothing(colliding_pack: RulePack) -> None:
    index = EntityIndex(colliding_pack.entities.values())
    m = index.match_party(_party("Delta Test Shipping Corp."), 85)
    assert m.evidence is None
    assert {h.item.id for h in m.ambiguous} == {"test-delta-holding", "test-delta-listed"}
    notice = m.notice(_party("Delta Test Shipping Corp."))
    assert notice is not None and "test-delta-holding" in notice and "test-delta-listed" in notice


def test_an_owner_of_an_ambiguous_name_is_not_followed(colliding_pack: RulePack) -> None:
    from screening.signals.ownership import OwnershipResolver

    resolver = OwnershipResolver(
        colliding_pack.entities,
        EntityIndex(colliding_pack.entities.values()),
        colliding_pack.matching.state_categories,
        85,
    )
    party = Party.model_validate(
        {
            "id": "p",
            "name": "NewCo",
            "country": "YY",
            "kind": "company",
            "roles": ["investor"],
            "owners": [{"name": "Delta Test Shipping Corporation", "percent": 60}],
        }
    )
    assert resolver.resolve(party, None, "XX") is None  # neither entity's share is guessed
    (notice,) = resolver.notices
    assert "owner 'Delta Test Shipping Corporation' of NewCo fits" in notice
    assert "(test-delta-holding)" in notice and "(test-delta-listed)" in notice
