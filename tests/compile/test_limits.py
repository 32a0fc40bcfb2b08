"""`rules validate` refuses only what no durable-rules ruleset can hold.

A pack whose rules together overflow one ruleset (64 thresholds under one test, the stack
of pending tests) is split into rulesets and runs; a single rule whose own list overflows a
table is refused, located at its file and line.
"""

import shutil
from pathlib import Path

import pytest

from screening.checks import load_rule_pack
from screening.errors import InputError
from screening.models.case import Case
from screening.pipeline.engine import Matcher
from screening.signals.extract import SignalExtractor
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
recommendation: {{action: a}}
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


def test_many_distinct_thresholds_are_split_into_rulesets_and_all_fire(tmp_path: Path) -> None:
    """64 thresholds one fact passes at once overflow one ruleset's stack (error 303 or a
    crash); split, every one of them fires on durable-rules."""
    pack = load_rule_pack(
        _pack(tmp_path, [("transaction.stake_percent", "gte", str(i)) for i in range(64)])
    )
    case = Case.model_validate(
        {
            "id": "c",
            "title": "t",
            "jurisdiction": "XX",
            "transaction": {"type": "acquisition", "stake_percent": 70},
        }
    )
    facts = SignalExtractor(pack).extract(case).facts
    matcher = Matcher(pack.active_rules)
    try:
        assert len(matcher.shards) >= 2
        fired = {f.rule_id for f in matcher.match(facts)}
    finally:
        matcher.close()
    assert {f"limit-{i}" for i in range(64)} <= fired


def test_the_same_threshold_in_many_rules_is_fine(tmp_path: Path) -> None:
    pack = _pack(tmp_path, [("transaction.stake_percent", "gte", "25") for _ in range(80)])
    assert len(load_rule_pack(pack).active_rules) == 12 + 80


def test_a_rule_whose_own_list_overflows_a_table_is_refused_at_its_line(tmp_path: Path) -> None:
    values = "[" + ", ".join(f"v{i}" for i in range(600)) + "]"
    pack = _pack(tmp_path, [("title", "in", values)])
    with pytest.raises(InputError) as info:
        load_rule_pack(pack)
    (problem,) = info.value.problems
    assert problem.code == "rule-engine-limit" and problem.subject == "limit-0"
    assert problem.location.path.endswith("/field/limit-0.yaml")
    assert problem.location.line == 7
    assert "even alone in a ruleset" in problem.message
    assert "600 different tests after it" in problem.message


def test_a_list_that_fits_is_accepted(tmp_path: Path) -> None:
    values = "[" + ", ".join(f"v{i}" for i in range(400)) + "]"
    assert load_rule_pack(_pack(tmp_path, [("title", "in", values)]))
