"""The published case schema and the loader accept the same files, and say why they refuse.

`tests/fixtures/case-schema/` holds real case files: `good/` (both accept), `bad/` (both
refuse), and `beyond-schema/` (the loader refuses what JSON Schema cannot express: references
between ids, shares that must add up, and the rule pack's vocabularies; the schema accepts
them). Each refused file lists the loader's exact lines in `# expect:` comments. The bundled
cases and the older fixtures are compared too. (The folder is not under tests/fixtures/cases/,
which batch, backtest and impact tests read recursively as screenable cases.)

The independent validator is check-jsonschema, run as a separate process on the committed
docs/schemas/case.schema.json. It reads YAML 1.2 and keeps timestamps as text, where the
loader reads YAML 1.1 (`yes` is true, `2015-10-03` a date); the fixtures avoid the few
spellings the two YAML versions read differently.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from screening.checks import load_rule_pack
from screening.errors import InputError
from screening.loading.case import load_case
from screening.loading.rulepack import RulePack
from screening.models.case import Case
from tests.conftest import FIXTURES, REAL_PACK, ROOT

SCHEMA = ROOT / "docs" / "schemas" / "case.schema.json"
HERE = FIXTURES / "case-schema"
GOOD = sorted((HERE / "good").glob("*.yaml"))
BAD = sorted((HERE / "bad").glob("*.yaml"))
BEYOND = sorted((HERE / "beyond-schema").glob("*.yaml"))
OTHERS = sorted((ROOT / "cases").glob("*.yaml")) + sorted((FIXTURES / "cases").glob("*.yaml"))
FULL_EXAMPLE = HERE / "good" / "full-v2-example.yaml"


@pytest.fixture(scope="module")
def real_pack() -> RulePack:
    return load_rule_pack(REAL_PACK)


@pytest.fixture(scope="module")
def schema_refuses() -> dict[str, set[str]]:
    """File -> where check-jsonschema finds errors, from one run over every file compared."""
    files = [str(p) for p in [*GOOD, *BAD, *BEYOND, *OTHERS]]
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "-o",
            "JSON",
            "--schemafile",
            str(SCHEMA),
            *files,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(run.stdout)
    assert not report.get("parse_errors"), report["parse_errors"]
    out: dict[str, set[str]] = {}
    for error in report.get("errors", []):
        key = Path(error["filename"]).resolve().as_posix()
        out.setdefault(key, set()).add(error["path"].removeprefix("$").removeprefix("."))
    return out


def _loader_lines(path: Path, pack: RulePack) -> list[str]:
    """The loader's problems as `line:column: severity: message [code]`; empty when loaded."""
    try:
        load_case(path, pack)
    except InputError as exc:
        return [str(p).removeprefix(f"{p.location.path}:") for p in exc.problems]
    return []


def _loader_paths(path: Path, pack: RulePack) -> set[str]:
    """Where the loader finds problems: the `parties[0].kind` that opens each message."""
    try:
        load_case(path, pack)
    except InputError as exc:
        return {p.message.split(": ", 1)[0] for p in exc.problems}
    return set()


def _related(a: str, b: str) -> bool:
    """One path is the other or inside it (a validator may stop at a union's level)."""
    shorter, longer = sorted((a, b), key=len)
    return longer == shorter or longer.startswith((f"{shorter}.", f"{shorter}["))


def _expected_lines(path: Path) -> list[str]:
    prefix = "# expect: "
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.removeprefix(prefix) for line in lines if line.startswith(prefix)]


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", GOOD + BAD + OTHERS, ids=_name)
def test_the_schema_and_the_loader_agree(
    path: Path, real_pack: RulePack, schema_refuses: dict[str, set[str]]
) -> None:
    """Same verdict, and for a refused file the same places: each problem one side finds
    lies at, inside or around a problem the other side finds."""
    loader = _loader_paths(path, real_pack)
    schema = schema_refuses.get(path.resolve().as_posix(), set())
    assert bool(loader) == (path in BAD)
    assert bool(schema) == bool(loader)
    assert [p for p in loader if not any(_related(p, q) for q in schema)] == []
    assert [q for q in schema if not any(_related(q, p) for p in loader)] == []


@pytest.mark.parametrize("path", BAD + BEYOND, ids=_name)
def test_each_problem_is_one_located_line(path: Path, real_pack: RulePack) -> None:
    expected = _expected_lines(path)
    assert expected, f"{path.name} lists no '# expect:' lines"
    assert _loader_lines(path, real_pack) == expected


@pytest.mark.parametrize("path", BEYOND, ids=_name)
def test_what_only_the_loader_can_check(
    path: Path, real_pack: RulePack, schema_refuses: dict[str, set[str]]
) -> None:
    assert _loader_lines(path, real_pack)
    assert path.resolve().as_posix() not in schema_refuses


def _fields_of(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[tuple[str, str]]:
    """(model, field) for every field of every model reachable from `model`."""
    if model in seen:
        return set()
    seen.add(model)
    out = {(model.__name__, name) for name in model.model_fields}
    for info in model.model_fields.values():
        for inner in _models_in(info.annotation):
            out |= _fields_of(inner, seen)
    return out


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models_in(arg)]


def _fields_set(value: Any) -> set[tuple[str, str]]:
    """(model, field) for every field the file itself gave, anywhere in the case."""
    if isinstance(value, BaseModel):
        out = {(type(value).__name__, name) for name in value.model_fields_set}
        for name in value.model_fields_set:
            out |= _fields_set(getattr(value, name))
        return out
    if isinstance(value, list):
        return {pair for item in value for pair in _fields_set(item)}
    return set()


def test_the_full_example_sets_every_field_of_the_model(real_pack: RulePack) -> None:
    case, _ = load_case(FULL_EXAMPLE, real_pack)
    missing = _fields_of(Case, set()) - _fields_set(case)
    assert not missing, f"add these to {FULL_EXAMPLE.name}: {sorted(missing)}"
    assert case.schema_version == 2


def test_the_full_example_uses_every_kind_of_new_value(real_pack: RulePack) -> None:
    case, _ = load_case(FULL_EXAMPLE, real_pack)
    links = {link.kind for p in case.parties for link in p.state_links}
    assert links == {
        "party_committee_in_articles",
        "golden_share",
        "state_fund_investor",
        "state_bank_financing",
        "former_state_official",
        "unknown",
    }
    assert case.target is not None and case.transaction is not None
    assert {d.category for d in case.target.personal_data} == {
        "health",
        "genetic",
        "biometric",
        "precise_location",
        "financial",
        "communications",
        "government_personnel",
    }
    assert {r.kind for r in case.transaction.rights} >= {
        "board_seat",
        "board_observer",
        "veto",
        "material_nonpublic_technical_information",
        "substantive_decision_involvement",
        "information_rights",
    }
    assert {land.tenure for s in case.sites for land in s.land} == {
        "ownership",
        "lease",
        "concession",
    }
    assert case.date is not None and case.date.approximate and case.date.day is None
