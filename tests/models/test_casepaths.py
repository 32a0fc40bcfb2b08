"""Schema-version-2 fields reach rules: derived paths computed from lists of objects."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from screening.checks import load_rule_pack
from screening.loading.case import load_case
from screening.models.case import Case
from screening.models.casepaths import DERIVED, case_fact_attrs, case_field_paths, case_values
from screening.pipeline.screen import Screener
from tests.conftest import FIXTURES, REAL_PACK

FULL_EXAMPLE = FIXTURES / "case-schema" / "good" / "full-v2-example.yaml"


def _full_example() -> Case:
    case, _ = load_case(FULL_EXAMPLE, load_rule_pack(REAL_PACK))
    return case


def test_the_full_example_gives_every_derived_path() -> None:
    values = case_values(_full_example())
    assert set(DERIVED) <= set(values)
    assert values["parties.investor_types"] == [
        "individual",
        "operating_company",
        "public_body",
        "venture_capital_fund",
    ]
    assert len(values["parties.state_link_kinds"]) == 6
    assert values["parties.state_limited_partners"] is True
    assert values["target.personal_data.max_people"] == 4_200_000
    assert "precise_location" in values["target.personal_data.categories"]
    assert values["target.critical_technologies.export_controlled"] is True
    assert values["transaction.rights"] == [
        "board_observer",
        "board_seat",
        "information_rights",
        "material_nonpublic_technical_information",
        "substantive_decision_involvement",
        "technology_access",
        "veto",
    ]
    assert values["sites.tenure_kinds"] == ["concession", "lease", "ownership"]
    assert values["sites.longest_tenure_years"] == 25
    assert values["date"] == "2024-03~" and type(values["date"]) is str


def _minimal(**extra: Any) -> Case:
    return Case.model_validate({"id": "c", "title": "T", "jurisdiction": "XX", **extra})


def test_unknown_figures_stay_absent_rather_than_false_or_zero() -> None:
    values = case_values(
        _minimal(
            target={"name": "T", "personal_data": [{"category": "health"}]},
            transaction={"type": "acquisition", "control_rights": ["none"]},
            sites=[{"name": "S", "place": "P", "land": [{"tenure": "ownership", "holder": "p"}]}],
        )
    )
    assert "target.personal_data.max_people" not in values
    assert "parties.state_limited_partners" not in values
    assert "target.critical_technologies.export_controlled" not in values
    assert "sites.longest_tenure_years" not in values
    assert values["transaction.rights"] == []


def test_ear99_alone_is_not_export_controlled() -> None:
    target = {"name": "T", "critical_technologies": [{"name": "X", "eccn": "EAR99"}]}
    assert (
        case_values(_minimal(target=target))["target.critical_technologies.export_controlled"]
        is False
    )


def test_the_file_format_version_is_not_a_fact() -> None:
    assert "schema_version" not in case_field_paths()
    assert "schema_version" not in case_values(_minimal(schema_version=2))


def test_a_rule_can_test_a_derived_path_on_durable_rules(tmp_path: Path) -> None:
    pack_dir = tmp_path / "rules"
    shutil.copytree(REAL_PACK, pack_dir)
    (pack_dir / "sensitive-technology" / "bulk-location-data.yaml").write_text(
        """\
id: bulk-location-data
title: Location data on a million people or more with a foreign investor
description: A test rule on derived case paths of schema version 2.
family: sensitive-technology
weight: 20
when:
  all:
    - field: {path: target.personal_data.max_people, gte: 1000000}
    - field: {path: target.personal_data.categories, contains: precise_location}
    - field: {path: transaction.rights, contains_any: [board_seat, board_observer]}
explanation: 'Data on {field.value} people.'
references:
  - document: 001_72ef6fee74ac8d77.txt
    quote: "internet companies like Tencent and Alibaba Health have made strategic investments"
recommendation:
  action: Ask where the location data is stored and who can reach it.
  routes: []
""",
        encoding="utf-8",
    )
    pack = load_rule_pack(pack_dir)
    case, digest = load_case(FULL_EXAMPLE, pack)
    assert "target__personal_data__max_people" in case_fact_attrs(case)
    screener = Screener(pack)
    try:
        result = screener.screen(case, case_digest=digest)
    finally:
        screener.close()
    assert "bulk-location-data" in {f.rule_id for f in result.findings}
