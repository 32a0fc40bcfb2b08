"""Packs that would crash (64+ sibling tests) or hang (512+ alternatives) the engine are refused."""

import shutil
from pathlib import Path

import pytest

from screening.checks import load_rule_pack
from screening.errors import InputError
from tests.conftest import FIXTURE_PACK

RULE = """\
id: {rid}
title: t
description: d
family: field
weight: 5
when:
  field: {{path: {path}, {op}: {value}}}
explanation: x
references: [{{document: d.txt, quote: q}}]
recommendation: {{action: a, route: r}}
"""


def _pack(tmp_path: Path, rules: list[tuple[str, str, str]]) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, pack)
    for i, (path, op, value) in enumerate(rules):
        rid = f"limit-{i}"
        (pack / "field" / f"{rid}.yaml").write_text(
            RULE.format(rid=rid, path=path, op=op, value=value)
        )
    return pack


def test_too_many_distinct_thresholds_are_refused(tmp_path: Path) -> None:
    pack = _pack(tmp_path, [("transaction.stake_percent", "gte", str(i)) for i in range(64)])
    with pytest.raises(InputError) as info:
        load_rule_pack(pack)
    (problem,) = info.value.problems
    assert "different tests follow the same test across the pack" in problem.message
    assert "/field/limit-" in problem.location.path and problem.location.line == 7


def test_the_same_threshold_in_many_rules_is_fine(tmp_path: Path) -> None:
    pack = _pack(tmp_path, [("transaction.stake_percent", "gte", "25") for _ in range(80)])
    assert len(load_rule_pack(pack).active_rules) == 12 + 80


def test_a_very_long_list_is_refused(tmp_path: Path) -> None:
    values = "[" + ", ".join(f"v{i}" for i in range(600)) + "]"
    pack = _pack(tmp_path, [("title", "in", values)])
    with pytest.raises(InputError, match="lists 600 values; expected at most 100"):
        load_rule_pack(pack)
