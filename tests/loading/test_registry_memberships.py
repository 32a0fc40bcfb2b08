"""List memberships: each has a list, a date first listed, a legal basis and a source; an
ended one keeps its `until`, stays in the registry and is not carried into the facts."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from screening.checks.registries import check_registries
from screening.loading.rulepack import RulePack, read_rule_pack
from screening.models.case import Case
from screening.models.registry import Entity, Listing
from screening.signals.extract import SignalExtractor
from tests.conftest import FIXTURE_PACK

GOOD = {"list": "test-watch-list", "since": "2019-05", "basis": "an act", "source": "a page"}


def _pack_with(tmp_path: Path, entities_yaml: str) -> tuple[RulePack | None, Path, list[str]]:
    root = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, root)
    path = root / "registries" / "entities" / "extra.yaml"
    path.write_text(entities_yaml, encoding="utf-8")
    pack, problems = read_rule_pack(root)
    return pack, path, [str(p) for p in problems.errors]


def _entity(lists: str, eid: str = "test-listed") -> str:
    return (
        "entities:\n"
        f"  - id: {eid}\n"
        f"    name: Listed Test Company {eid}\n"
        "    country: YY\n"
        "    category: private_company\n"
        f"    lists:\n{lists}"
        "    source: test\n"
    )


def test_a_membership_needs_a_date_a_basis_and_a_source(tmp_path: Path) -> None:
    _, path, errors = _pack_with(tmp_path, _entity("      - {list: test-watch-list}\n"))
    for key in ("since", "basis", "source"):
        assert f"{path}:7:9: error: entities[0].lists[0].{key}: required key is missing" in (
            "\n".join(errors)
        ), key


@pytest.mark.parametrize("since", ["2020-13", "20-01-2020", "2021-02-29", "sometime"])
def test_a_date_must_be_a_year_a_month_or_a_day(tmp_path: Path, since: str) -> None:
    lists = f'      - {{list: test-watch-list, since: "{since}", basis: b, source: s}}\n'
    _, path, errors = _pack_with(tmp_path, _entity(lists))
    (error,) = errors
    assert error.startswith(f"{path}:7:") and "entities[0].lists[0].since" in error


def test_an_end_before_the_start_is_refused_at_the_membership(tmp_path: Path) -> None:
    lists = (
        "      - list: test-watch-list\n"
        '        since: "2019-05-16"\n'
        '        until: "2019-04"\n'
        "        basis: b\n"
        "        source: s\n"
    )
    _, path, errors = _pack_with(tmp_path, _entity(lists))
    (error,) = errors
    assert error.startswith(f"{path}:7:") and "until 2019-04 is before since 2019-05-16" in error


def test_the_checks_locate_unknown_lists_future_dates_and_overlaps(tmp_path: Path) -> None:
    future = (dt.date.today() + dt.timedelta(days=400)).year
    lists = (
        '      - {list: test-watch-lst, since: "2019", basis: b, source: s}\n'
        f'      - {{list: test-watch-list, since: "{future}", basis: b, source: s}}\n'
        '      - {list: test-watch-list, since: "2018", until: "2020-03", basis: b, source: s}\n'
        '      - {list: test-watch-list, since: "2020-03-31", basis: b, source: s}\n'
    )
    pack, path, errors = _pack_with(tmp_path, _entity(lists))
    assert pack is not None and errors == []
    found = sorted(
        (p.location.line, p.message.split("): ", 1)[1])
        for p in check_registries(pack)
        if p.location.path == str(path)
    )
    today = dt.date.today().isoformat()
    expected = [
        (7, "unknown list; expected one of test-watch-list"),
        (8, "overlaps another membership of the same list"),  # the 2020-03-31 one has no end
        (8, f"since {future} is after today ({today})"),
        (10, "overlaps another membership of the same list"),  # 2020-03 runs to 31 March
    ]
    assert [line for line, _ in found] == [line for line, _ in expected]
    assert all(msg.startswith(want) for (_, msg), (_, want) in zip(found, expected, strict=True))
    assert "(since 2020-03-31, with no until)" in found[1][1]
    assert "(since 2018, until 2020-03)" in found[3][1]


def test_memberships_that_follow_each_other_are_not_an_overlap(tmp_path: Path) -> None:
    lists = (
        '      - {list: test-watch-list, since: "2018", until: "2020-03", basis: b, source: s}\n'
        '      - {list: test-watch-list, since: "2020-04-01", basis: b, source: s}\n'
    )
    pack, _, errors = _pack_with(tmp_path, _entity(lists))
    assert pack is not None and errors == []
    assert [p for p in check_registries(pack) if "test-listed" in p.message] == []


def test_a_membership_is_in_force_to_the_last_day_its_end_can_mean() -> None:
    m = Listing.model_validate({**GOOD, "since": "2011-07-29", "until": "2017"})
    assert not m.in_force(dt.date(2011, 7, 28))
    assert m.in_force(dt.date(2011, 7, 29)) and m.in_force(dt.date(2017, 12, 31))
    assert not m.in_force(dt.date(2018, 1, 1))
    assert Listing.model_validate(GOOD).in_force(dt.date(2099, 1, 1))


def test_the_entity_keeps_every_membership_but_its_lists_are_those_in_force() -> None:
    ended = {**GOOD, "list": "worldbank-debarred", "since": "2009", "until": "2015"}
    later = {**GOOD, "list": "us-entity-list", "until": str(dt.date.today().year + 1)}
    entity = Entity.model_validate(
        {
            "id": "x",
            "name": "X",
            "country": "CN",
            "category": "private_company",
            "source": "s",
            "lists": [GOOD, ended, later],
        }
    )
    assert [m.list for m in entity.memberships] == [
        "test-watch-list",
        "worldbank-debarred",
        "us-entity-list",
    ]
    assert [m.list for m in entity.lists] == ["test-watch-list", "us-entity-list"]


def test_an_ended_membership_makes_no_list_fact(tmp_path: Path) -> None:
    lists = '      - {list: test-watch-list, since: "2009", until: "2015", basis: b, source: s}\n'
    current = '      - {list: test-watch-list, since: "2009", basis: b, source: s}\n'
    pack, _, errors = _pack_with(
        tmp_path,
        _entity(lists, "test-ended") + _entity(current, "test-current")[len("entities:\n") :],
    )
    assert pack is not None and errors == []
    parties = [
        {"id": f"p{i}", "name": f"Listed Test Company test-{which}", "country": "YY"}
        | {"kind": "company", "roles": ["partner"]}
        for i, which in enumerate(("ended", "current"))
    ]
    case = Case.model_validate({"id": "c", "title": "t", "jurisdiction": "XX", "parties": parties})
    facts = [f for f in SignalExtractor(pack).extract(case).facts if f.kind == "party"]
    by_entity = {f.evidence.entity_id: f.attrs["lists"] for f in facts}  # type: ignore[union-attr]
    assert by_entity == {"test-ended": [], "test-current": ["test-watch-list"]}
