"""Thresholds behind a shared alternative (`$or`) are split across rulesets, not refused."""

import shutil
from pathlib import Path

from screening.checks import load_rule_pack
from screening.pipeline.engine import Matcher
from tests.conftest import FIXTURE_PACK

RULE = """\
id: {rid}
title: t
description: d
family: state
weight: 5
when:
  entity: {{entities: [test-harbour-group, test-policy-bank], min_score: {score}}}
explanation: x
references: [{{document: d.txt, quote: q}}]
recommendation: {{action: a}}
"""


def test_thresholds_behind_a_shared_alternative_run_in_several_rulesets(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, pack)
    for i in range(70):
        (pack / "state" / f"stress-{i}.yaml").write_text(
            RULE.format(rid=f"stress-{i}", score=f"{90 + i / 10:.1f}")
        )
    loaded = load_rule_pack(pack)
    matcher = Matcher(loaded.active_rules)
    try:
        assert len(matcher.shards) >= 2
        assert all(s.usage.stack <= 64 for s in matcher.shards)
    finally:
        matcher.close()
