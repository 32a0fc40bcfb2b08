"""Each state's effective share on its own: 24% China and 5% Russia is not 25% of anyone."""

from __future__ import annotations

from typing import Any

import pytest

from screening.compile.durable import CompiledRule, DurableSession
from screening.loading.rulepack import RulePack
from screening.models.case import Case, Party
from screening.signals.entities import EntityIndex
from screening.signals.extract import SignalExtractor
from screening.signals.ownership import OwnershipResolver, state_share_list


def _party(owners: list[dict[str, Any]]) -> Party:
    return Party.model_validate(
        {
            "id": "newco",
            "name": "NewCo",
            "country": "XX",
            "kind": "company",
            "roles": ["investor"],
            "owners": owners,
        }
    )


CN_24_RU_5 = [
    {
        "name": "Fund A",
        "percent": 40,
        "owners": [{"name": "CN ministry", "percent": 60, "state": True, "country": "CN"}],
    },
    {"name": "RU ministry", "percent": 5, "state": True, "country": "RU"},
    {"name": "Private", "percent": 55},
]


def _resolver(pack: RulePack) -> OwnershipResolver:
    return OwnershipResolver(
        pack.entities, EntityIndex(pack.entities.values()), pack.matching.state_categories, 85
    )


def test_each_state_keeps_its_own_share(pack: RulePack) -> None:
    ev = _resolver(pack).resolve(_party(CN_24_RU_5), None, "XX")
    assert ev is not None
    assert state_share_list(ev) == [
        {"country": "CN", "share": 24.0},
        {"country": "RU", "share": 5.0},
    ]
    assert ev.state_share == 29.0  # the total stays as it was, for rules on any state
    assert not any(s["share"] >= 25 for s in state_share_list(ev))


def test_one_state_through_two_chains_adds_up(pack: RulePack) -> None:
    owners = [
        {
            "name": "A",
            "percent": 30,
            "owners": [{"name": "CN body", "percent": 50, "state": True, "country": "CN"}],
        },
        {
            "name": "B",
            "percent": 20,
            "owners": [{"name": "CN fund", "percent": 60, "state": True, "country": "CN"}],
        },
        {"name": "RU body", "percent": 20, "state": True, "country": "RU"},
    ]
    ev = _resolver(pack).resolve(_party(owners), None, "XX")
    assert state_share_list(ev) == [
        {"country": "CN", "share": 27.0},
        {"country": "RU", "share": 20.0},
    ]


def test_no_state_no_list() -> None:
    assert state_share_list(None) == []


def _party_fact_attrs(pack: RulePack, owners: list[dict[str, Any]]) -> dict[str, Any]:
    case = Case(id="c", title="t", jurisdiction="XX", parties=[_party(owners)])
    (fact,) = [f for f in SignalExtractor(pack).extract(case).facts if f.kind == "party"]
    return fact.attrs


def test_the_party_fact_carries_state_shares(pack: RulePack) -> None:
    attrs = _party_fact_attrs(pack, CN_24_RU_5)
    assert attrs["state_shares"] == [
        {"country": "CN", "share": 24.0},
        {"country": "RU", "share": 5.0},
    ]
    assert (attrs["state_share"], attrs["state_country"]) == (29.0, "CN")  # unchanged
    assert _party_fact_attrs(pack, [{"name": "Private", "percent": 100}])["state_shares"] == []


#: "Some named state holds at least the threshold", as the compiler will write it.
NAMED_STATE_25 = {
    "all": [
        {
            "m": {
                "$and": [
                    {"t": "party"},
                    {
                        "$iany": {
                            "state_shares": {
                                "$and": [
                                    {"$or": [{"$i.country": "CN"}, {"$i.country": "IR"}]},
                                    {"$gte": {"$i.share": 25.0}},
                                ]
                            }
                        }
                    },
                ]
            }
        }
    ],
    "dist": 0,
}


@pytest.mark.parametrize(
    ("owners", "fires"),
    [
        (CN_24_RU_5, False),  # 29% of states, but no named state at 25%
        ([{"name": "RU body", "percent": 30, "state": True, "country": "RU"}], False),
        ([{"name": "CN body", "percent": 30, "state": True, "country": "CN"}], True),
        (
            [
                {"name": "RU body", "percent": 40, "state": True, "country": "RU"},
                {"name": "IR body", "percent": 25, "state": True, "country": "IR"},
            ],
            True,
        ),
    ],
)
def test_durable_rules_can_test_one_named_state(
    pack: RulePack, owners: list[dict[str, Any]], fires: bool
) -> None:
    attrs = _party_fact_attrs(pack, owners)
    session = DurableSession(
        [CompiledRule("named-state|0", "named-state", NAMED_STATE_25, {})], lambda *_: None
    )
    try:
        fired = session.run_case("s", [{**attrs, "t": "party", "id": "party:newco", "sid": "s"}], 0)
    finally:
        session.close()
    assert bool(fired) is fires
