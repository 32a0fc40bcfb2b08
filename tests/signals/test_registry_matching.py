"""Matching names as filings write them against the real registry: right entity, or none."""

from __future__ import annotations

import pytest

from screening.checks import load_rule_pack
from screening.loading.rulepack import RulePack
from screening.models.case import Party
from screening.signals.entities import EntityIndex, PartyMatch, match_notices
from screening.signals.names import NameIndex
from tests.conftest import REAL_PACK

THRESHOLD = 88.0


@pytest.fixture(scope="module")
def real() -> RulePack:
    return load_rule_pack(REAL_PACK)


@pytest.fixture(scope="module")
def index(real: RulePack) -> EntityIndex:
    return EntityIndex(real.entities.values())


def _party(name: str, country: str = "CN", aliases: tuple[str, ...] = ()) -> Party:
    return Party(
        id="p",
        name=name,
        aliases=list(aliases),
        country=country,
        kind="company",
        roles=["investor"],
    )


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("Shanghai International Port (Group) Co., Ltd.", "cn-sipg"),
        ("Shanghai Int'l Port Grp", "cn-sipg"),
        ("SHANGHAI INTERNATIONAL PORT GROUP CO LTD", "cn-sipg"),
        ("Shanghai International Port (Group)", "cn-sipg"),
        ("Zhong Xing Telecommunication Equipment Co.", "cn-zte"),
        ("Qi-An-Xin", "cn-qianxin"),
        ("Da Jiang Innovations", "cn-dji"),
        ("Shanghai Jiao-Tong University", "cn-sjtu"),
        ("China Communications Construction Group Co., Ltd.", "cn-cccg"),
        ("China Communications Construction Co., Ltd.", "cn-cccc"),
        ("National Development & Reform Commission", "cn-ndrc"),
        ("NDRC (National Development and Reform Commission)", "cn-ndrc"),
        ("Harbin Institute of Technology (HIT)", "cn-hit"),
        ("Harbin Inst. of Technology", "cn-hit"),
        ("Beijing Institute of Technology", "cn-bit"),
        ("Chinese Peoples Association for Friendship with Foreign Countries", "cn-cpaffc"),
        ("Export Import Bank of China", "cn-exim"),
        ("Bright Food (Group) Co. Ltd", "cn-bright-food"),
        ("Fosun Pharmaceutical (Group)", "cn-fosun-pharma"),
        ("Central Huijin Investment Limited", "cn-central-huijin"),
        ("Buttonwood Investment Holdings Co Ltd", "cn-buttonwood"),
    ],
)
def test_decorated_names_find_their_entity(index: EntityIndex, name: str, entity: str) -> None:
    ev = index.match_party(_party(name), THRESHOLD).evidence
    assert ev is not None and ev.entity_id == entity


def test_names_of_another_body_of_the_same_kind_do_not_match(index: EntityIndex) -> None:
    """'Wuhan Municipal People's Government' scored 90 against Shanghai's before the
    distinctive words capped the fuzzy score: a wrong entity, not a near one."""
    m = index.match_party(_party("Wuhan Municipal People's Government"), THRESHOLD)
    assert m.evidence is None
    assert m.nearest is not None and m.nearest.item.id == "cn-shanghai-government"
    assert m.nearest.score < 60


def test_group_and_subsidiary_sharing_a_loose_key_are_ambiguous(index: EntityIndex) -> None:
    m = index.match_party(_party("China Communications Construction Holdings"), THRESHOLD)
    assert m.evidence is None
    assert {h.item.id for h in m.ambiguous} == {"cn-cccc", "cn-cccg"}
    notice = m.notice(_party("China Communications Construction Holdings"))
    assert notice is not None
    assert "'China Communications Construction Company Limited' (cn-cccc)" in notice
    assert "'China Communications Construction Group Co., Ltd.' (cn-cccg)" in notice


def test_the_bundled_registry_has_no_merged_names(real: RulePack) -> None:
    index: NameIndex[object] = NameIndex((e, [e.name, *e.aliases]) for e in real.entities.values())
    merged = [key for key, entries in index.by_key() if len(entries) > 1]
    assert merged == []


def test_a_near_miss_names_its_candidate_score_and_threshold(index: EntityIndex) -> None:
    party = _party("Israel Ministry of Foreign Affairs", country="IL")
    m = index.match_party(party, THRESHOLD)
    assert m.evidence is None and m.nearest is not None
    assert m.nearest.item.id == "cn-mfa"  # 'Ministry of Foreign Affairs', of China
    assert m.notice(party) == (
        "party 'Israel Ministry of Foreign Affairs' matches no registry entity: best "
        f"candidate 'Ministry of Foreign Affairs' (cn-mfa) scored {m.nearest.score:g} < 88 "
        "(entity of CN, party of IL: 10 points off)"
    )


def test_far_misses_share_one_notice_with_their_scores(index: EntityIndex) -> None:
    people = [_party("Yona Yahav", "IL"), _party("Ying Yong")]
    matches: list[tuple[Party, PartyMatch]] = [(p, index.match_party(p, THRESHOLD)) for p in people]
    (line,) = match_notices(matches)
    scores = [m.nearest.score for _, m in matches if m.nearest is not None]
    assert line == (
        f"no registry entity matches 'Yona Yahav' ({scores[0]:g}), 'Ying Yong' "
        f"({scores[1]:g}) (the best candidate's score; a match needs 88)"
    )
