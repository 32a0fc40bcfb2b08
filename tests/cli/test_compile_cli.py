"""`screening rules compile`: what the engine runs, as text and as durable-rules JSON."""

from __future__ import annotations

import json

from click.testing import CliRunner

from screening.cli import cli
from tests.conftest import FIXTURE_PACK, REAL_PACK


def test_json_maps_every_active_rule_to_its_engine_rules() -> None:
    result = CliRunner().invoke(cli, ["rules", "compile", "--json", "--rules", str(REAL_PACK)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    ruleset = {name: spec for rs in data["rulesets"].values() for name, spec in rs.items()}
    assert "near-military-site|0" in ruleset
    # a rule with an `any` of findings expands into one engine rule per alternative
    compound = data["rules"]["state-party-near-strategic-site"]
    assert len(compound) == 6
    for engine_rule in (
        name.split("/", 1)[1] for names in data["rules"].values() for name in names
    ):
        spec = ruleset[engine_rule]
        assert spec["dist"] == 0
        for item in spec["all"]:
            ((_, pattern),) = item.items()
            assert "t" in pattern["$and"][0] or "t" in pattern


def test_text_listing_shows_patterns_and_joins(tmp_path: object) -> None:
    result = CliRunner().invoke(cli, ["rules", "compile", "--rules", str(FIXTURE_PACK)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("ruleset ruleset1: ")
    assert "  soe-near-naval|0  (from soe-near-naval)" in lines
    assert any('"t": "finding"' in line and '"rule": "soe-party"' in line for line in lines)


def test_a_broken_pack_is_reported_not_compiled(tmp_path: object) -> None:
    result = CliRunner().invoke(cli, ["rules", "compile", "--rules", "/no/such/rules"])
    assert result.exit_code == 2
    assert "no such rule directory" in result.output
