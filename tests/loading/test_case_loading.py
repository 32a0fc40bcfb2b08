from pathlib import Path

import pytest

from screening.errors import InputError
from screening.loading.case import MAX_CASE_LIST_ITEMS, load_case
from screening.loading.rulepack import RulePack

GOOD = """\
id: c1
title: T
jurisdiction: XX
parties:
  - id: p
    name: P
    country: YY
    kind: company
    roles: [investor]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(text)
    return path


def test_good_case_loads_with_digest(tmp_path: Path, pack: RulePack) -> None:
    case, digest = load_case(_write(tmp_path, GOOD), pack)
    assert case.parties[0].roles == ["investor"]
    assert len(digest) == 64


def test_every_schema_problem_is_reported_at_its_line(tmp_path: Path, pack: RulePack) -> None:
    text = GOOD.replace("    kind: company", "    kind: compnay\n    wieght: 3") + "statuz: x\n"
    with pytest.raises(InputError) as info:
        load_case(_write(tmp_path, text), pack)
    lines = sorted(str(p) for p in info.value.problems)
    assert any(
        ":8:11:" in line and "parties[0].kind: got 'compnay'; expected" in line for line in lines
    )
    assert any(":9:5:" in line and "unknown key 'wieght'" in line for line in lines)
    assert any(":11:1:" in line and "(did you mean 'status'?)" in line for line in lines)


def test_vocabulary_and_references_are_checked(tmp_path: Path, pack: RulePack) -> None:
    text = (
        GOOD
        + """\
target: {name: T, sectors: [portz]}
documents:
  - {id: d, title: D, kind: mou, text: x, signatories: [{party: ghost}]}
"""
    )
    with pytest.raises(InputError) as info:
        load_case(_write(tmp_path, text), pack)
    messages = " | ".join(str(p) for p in info.value.problems)
    assert "unknown sector 'portz'" in messages
    assert "'ghost' is not a party id" in messages


def test_wrong_type_and_non_mapping(tmp_path: Path, pack: RulePack) -> None:
    with pytest.raises(InputError, match=r"expected a mapping of keys"):
        load_case(_write(tmp_path, "- a\n- b\n"), pack)
    with pytest.raises(InputError, match=r"transaction.stake_percent: got 'lots'"):
        load_case(
            _write(tmp_path, GOOD + "transaction: {type: acquisition, stake_percent: lots}\n"), pack
        )


def test_pattern_and_length_errors_say_what_is_expected(tmp_path: Path, pack: RulePack) -> None:
    text = GOOD.replace("jurisdiction: XX", "jurisdiction: il").replace("[investor]", "[]")
    with pytest.raises(InputError) as info:
        load_case(_write(tmp_path, text), pack)
    messages = " | ".join(str(p) for p in info.value.problems)
    assert "jurisdiction: got 'il'; expected a two-letter upper-case country code" in messages
    assert "parties[0].roles: got 0 items; expected at least 1" in messages


def test_a_duplicate_party_id_points_at_the_second_one(tmp_path: Path, pack: RulePack) -> None:
    text = GOOD + "  - {id: p, name: Q, country: YY, kind: company, roles: [investor]}\n"
    with pytest.raises(InputError) as info:
        load_case(_write(tmp_path, text), pack)
    (problem,) = info.value.problems
    assert problem.location.line == 10
    assert "duplicate party id 'p' (first at line 5)" in problem.message


def test_a_typo_inside_a_condition_lists_that_conditions_keys(tmp_path: Path) -> None:
    import shutil

    from screening.checks import load_rule_pack
    from tests.conftest import FIXTURE_PACK

    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, pack)
    rule = pack / "party" / "municipal-signatory.yaml"
    rule.write_text(rule.read_text().replace("foreign: false}", "foriegn: false}"))
    with pytest.raises(InputError) as info:
        load_rule_pack(pack)
    message = info.value.problems[0].message
    assert "unknown key 'foriegn'; expected one of kinds, roles, countries, foreign" in message
    assert "(did you mean 'foreign'?)" in message


@pytest.mark.parametrize("extra", [0, 1])
def test_a_case_listing_too_many_items_in_all_is_refused_at_its_longest_list(
    tmp_path: Path, pack: RulePack, extra: int
) -> None:
    """Items at any depth count (here a party's roles and aliases): the cap bounds the work."""
    aliases = MAX_CASE_LIST_ITEMS - 2 + extra  # + the parties list's one item and one role
    text = GOOD + "    aliases:\n" + "".join(f"      - P{i}\n" for i in range(aliases))
    path = _write(tmp_path, text)
    if not extra:
        assert len(load_case(path, pack)[0].parties[0].aliases) == aliases
        return
    with pytest.raises(InputError) as info:
        load_case(path, pack)
    (problem,) = info.value.problems
    assert str(problem) == (
        f"{path}:11:7: error: the case lists {MAX_CASE_LIST_ITEMS + 1:,} items in all (the "
        f"longest list, parties[0].aliases, has {aliases:,}); expected at most "
        f"{MAX_CASE_LIST_ITEMS:,}: split the case [case-too-large]"
    )
