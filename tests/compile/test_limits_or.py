"""Alternatives (`$or`) are separate engine nodes: tests after them are counted per branch."""

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
family: state
weight: 5
when:
  entity: {{entities: [test-harbour-group, test-policy-bank], min_score: {score}}}
explanation: x
references: [{{document: d.txt, quote: q}}]
recommendation: {{action: a, route: r}}
"""


def test_thresholds_behind_a_shared_alternative_are_counted(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, pack)
    for i in range(70):
        (pack / "state" / f"stress-{i}.yaml").write_text(
            RULE.format(rid=f"stress-{i}", score=f"{90 + i / 10:.1f}")
        )
    with pytest.raises(InputError, match="different tests follow the same test"):
        load_rule_pack(pack)
