"""The bundled registry's list memberships: no parent carries its subsidiary's listing, the
2020 DoD listings are Section 1237 ones and ended, and `listed-entity` tests every security
list of the vocabulary (not World Bank debarment)."""

from __future__ import annotations

import datetime as dt

import pytest

from screening.checks import load_rule_pack
from screening.loading.rulepack import RulePack
from tests.conftest import REAL_PACK

# (entity, list) pairs a parent must not carry: only its subsidiary is named on the list.
PARENT_ONLY = [
    ("cn-cccc", "us-entity-list"),  # five dredging and waterway subsidiaries, Aug 2020
    ("cn-sensetime", "us-entity-list"),  # Beijing SenseTime since BIS's 2020 revision
    ("cn-china-mobile", "us-fcc-covered"),  # China Mobile International USA Inc.
    ("cn-china-telecom", "us-fcc-covered"),  # China Telecom (Americas) Corp.
    ("cn-china-unicom", "us-fcc-covered"),  # China Unicom (Americas) Operations Ltd.
    ("cn-cosco-shipping", "us-ofac-sdn"),  # two COSCO Shipping Tanker (Dalian) units, 2019
    ("cn-avic", "us-meu"),  # seven AVIC subsidiaries, Dec 2020
    ("cn-aecc", "us-meu"),  # eight AECC subsidiaries, Dec 2020
    ("cn-cetc", "us-entity-list"),  # research institutes only
    ("cn-casc", "us-entity-list"),
    ("cn-casic", "us-entity-list"),
    ("cn-cssc", "us-entity-list"),
    ("cn-sdic", "us-1260h"),  # SDIC Intelligence (Xiamen) is named, not SDIC
    ("cn-cgn", "us-ns-cmic"),  # the EO 14032 annex and the DoD lists name CGNPC (cn-cgnpc)
    ("cn-cgn", "us-1237"),
    ("cn-cgn", "us-1260h"),
]


@pytest.fixture(scope="module")
def real_pack() -> RulePack:
    return load_rule_pack(REAL_PACK)


@pytest.mark.parametrize(("entity", "listed"), PARENT_ONLY)
def test_no_parent_carries_its_subsidiarys_listing(
    real_pack: RulePack, entity: str, listed: str
) -> None:
    assert listed not in {m.list for m in real_pack.entities[entity].memberships}


@pytest.mark.parametrize(
    ("parent", "subsidiary", "alias", "listed"),
    [
        ("cn-sensetime", "cn-beijing-sensetime", "Beijing SenseTime", "us-entity-list"),
        (
            "cn-china-mobile",
            "cn-china-mobile-international-usa",
            "China Mobile International USA",
            "us-fcc-covered",
        ),
    ],
)
def test_the_listed_subsidiary_is_its_own_entry_not_an_alias_of_the_parent(
    real_pack: RulePack, parent: str, subsidiary: str, alias: str, listed: str
) -> None:
    assert alias not in real_pack.entities[parent].aliases
    sub = real_pack.entities[subsidiary]
    assert alias in sub.aliases and listed in {m.list for m in sub.lists}
    assert [o.entity for o in sub.owners] == [parent]


def test_the_2020_dod_listings_are_section_1237_ones_and_ended(real_pack: RulePack) -> None:
    memberships = [m for e in real_pack.entities.values() for m in e.memberships]
    s1237 = [m for m in memberships if m.list == "us-1237"]
    assert len(s1237) >= 20
    assert all(m.until == "2021-06-03" and "Section 1237" in m.basis for m in s1237)
    assert not any(m.in_force(dt.date.today()) for m in s1237)
    s1260h = [m for m in memberships if m.list == "us-1260h"]
    assert s1260h and all(m.since.year >= 2021 and "Section 1260H" in m.basis for m in s1260h)


def test_ended_debarments_are_history(real_pack: RulePack) -> None:
    debarred = {
        e.id: m
        for e in real_pack.entities.values()
        for m in e.memberships
        if m.list == "worldbank-debarred"
    }
    assert set(debarred) == {"cn-cccc", "cn-cscec", "cn-crcc"}
    assert all(m.until is not None for m in debarred.values())
    assert all(
        "worldbank-debarred" not in {m.list for m in e.lists}
        for e in [real_pack.entities[x] for x in debarred]
    )


def test_listed_entity_tests_every_security_list(real_pack: RulePack) -> None:
    lr = real_pack.rule("listed-entity")
    assert lr is not None
    tested = set(lr.doc.data["when"]["entity"]["lists"])
    assert tested == {x.id for x in real_pack.vocabulary.lists} - {"worldbank-debarred"}
