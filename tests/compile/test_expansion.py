"""A condition that expands into too many alternatives is a located error, counted not built.

Each alternative of a rule's condition is one durable-rules rule; an `any` of many tests
overflows the engine's tables (sibling tests), and nested `all`s of `any`s multiply. The
count is taken before anything is expanded, and `rules validate` and `screen` point at the
`any` (or `all`) to blame, with the figures and a hint.
"""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from screening.checks import check_rule_pack, load_rule_pack
from screening.cli import cli
from screening.compile.dnf import MAX_CONJUNCTIONS, to_dnf
from screening.compile.expansion import CAP, alternatives, find_blowup
from screening.errors import InputError
from tests.compile.test_conditions import rule
from tests.conftest import FIXTURE_PACK, FIXTURES, REAL_PACK


def test(i: int) -> dict[str, Any]:
    return {"field": {"path": "transaction.stake_percent", "gte": i}}


test.__test__ = False  # type: ignore[attr-defined]


def any_of(n: int, start: int = 0) -> dict[str, Any]:
    return {"any": [test(start + i) for i in range(n)]}


def _write(pack: Path, rid: str, when: Any, explanation: str = "{field.value}") -> Path:
    path = pack / "field" / f"{rid}.yaml"
    doc = {
        "id": rid,
        "title": "t",
        "description": "d",
        "family": "field",
        "weight": 5,
        "when": when,
        "explanation": explanation,
        "references": [{"document": "d.txt", "quote": "q"}],
        "recommendation": {"action": "a"},
    }
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    copy = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, copy)
    return copy


def _errors(root: Path) -> list[Any]:
    _, problems = check_rule_pack(root, examples=False)
    return [p for p in problems if p.is_error]


# -- counting -----------------------------------------------------------------------------


def _random_tree(rng: random.Random, depth: int) -> dict[str, Any]:
    if depth == 0 or rng.random() < 0.3:
        return test(rng.randrange(100))
    kind = rng.choice(["all", "any", "not"])
    if kind == "not":
        return {"not": _random_tree(rng, depth - 1)}
    return {kind: [_random_tree(rng, depth - 1) for _ in range(rng.randint(1, 3))]}


def test_the_count_is_the_number_of_alternatives_to_dnf_builds() -> None:
    rng = random.Random(7)
    checked = 0
    for _ in range(400):
        when = _random_tree(rng, 4)
        r = rule("r", when)
        n = alternatives(r.when)
        if n <= MAX_CONJUNCTIONS:
            try:
                built = to_dnf(r)
            except ValueError:  # duplicate names within an alternative: not a size matter
                continue
            assert len(built) == n, when
            checked += 1
    assert checked > 100


def test_counting_a_huge_expansion_is_instant_and_saturates() -> None:
    when = {"all": [{"any": [test(2 * i), test(2 * i + 1)]} for i in range(200)]}  # 2^200
    start = time.perf_counter()
    blowup = find_blowup(rule("r", when).when, MAX_CONJUNCTIONS)
    assert time.perf_counter() - start < 0.5
    assert blowup is not None and blowup.count == CAP and blowup.path == ("when",)
    assert "over 1,000,000,000 alternatives" in blowup.message(MAX_CONJUNCTIONS)
    assert "2^200" in blowup.message(MAX_CONJUNCTIONS)


def test_the_innermost_condition_over_the_limit_is_blamed() -> None:
    when = {"all": [test(99), {"not": {"all": [test(i) for i in range(40)]}}]}
    blowup = find_blowup(rule("r", when).when, MAX_CONJUNCTIONS)
    assert blowup is not None
    assert blowup.path == ("when", "all", 1, "not")
    assert (blowup.branch, blowup.negated, blowup.count) == ("all", True, 40)


def test_32_alternatives_fit() -> None:
    assert find_blowup(rule("r", any_of(32)).when, MAX_CONJUNCTIONS) is None
    pairs = {"all": [any_of(4), any_of(8, 10)]}  # 4 × 8
    assert find_blowup(rule("r", pairs).when, MAX_CONJUNCTIONS) is None


# -- rules validate and screen ------------------------------------------------------------


def test_an_any_of_33_tests_is_located_at_the_any(pack: Path) -> None:
    path = _write(pack, "many", {"all": [{"field": {"path": "title", "equals": "x"}}, any_of(33)]})
    (error,) = _errors(pack)
    assert error.code == "rule-condition" and error.subject == "many"
    assert error.location.path == str(path)
    line = path.read_text().splitlines()[error.location.line - 1]
    assert line == "  - any:" and error.location.column == 5  # the `any` under `all`
    assert "this `any` expands into 33 alternatives (33 tests)" in error.message
    assert "expected at most 32" in error.message and "split it" in error.message


def test_an_any_of_32_tests_is_accepted_and_runs(pack: Path) -> None:
    _write(pack, "many", any_of(32))
    assert load_rule_pack(pack).rule("many") is not None


def test_any_times_any_is_located_at_the_all_with_its_factors(pack: Path) -> None:
    _write(pack, "product", {"all": [any_of(6), any_of(6, 10)]})
    (error,) = _errors(pack)
    assert (error.location.line, error.location.column) == (7, 3)
    assert "this `all` expands into 36 alternatives" in error.message
    assert "multiply: 6 × 6" in error.message


def test_a_nested_blowup_is_refused_fast(pack: Path) -> None:
    two = {"all": [{"any": [test(2 * i), test(2 * i + 1)]} for i in range(7)]}  # 128
    nested = {"all": [two, {"all": [two, {"all": [two, two]}]}]}  # 128^4 if expanded
    _write(pack, "nested", nested)
    start = time.perf_counter()
    (error,) = _errors(pack)
    assert time.perf_counter() - start < 10
    assert "this `all` expands into 128 alternatives" in error.message
    assert "the whole rule: 268,435,456" in error.message


def test_rules_resting_on_a_refused_rule_get_no_knock_on_errors(tmp_path: Path) -> None:
    """Only the refused rule is reported: not the compound rule that joins on its finding
    (municipal-foreign-central-secret), nor the other joins of the pack."""
    pack = tmp_path / "rules"
    shutil.copytree(REAL_PACK, pack)
    path = pack / "confidentiality" / "confidentiality-undertaking.yaml"
    many = "  any:\n" + "    - text: {phrases: [confidentiality]}\n" * 33
    path.write_text(path.read_text().replace("  text: {phrases: [confidentiality]}\n", many))
    errors = _errors(pack)
    assert [(e.subject, e.location.line) for e in errors] == [("confidentiality-undertaking", 13)]
    assert "33 alternatives" in errors[0].message


def test_validate_and_screen_report_it_located_never_a_traceback(pack: Path) -> None:
    _write(pack, "many", any_of(33))
    where = f"{pack}/field/many.yaml:7:3: error: many: this `any` expands into 33"
    validate = CliRunner().invoke(cli, ["rules", "validate", str(pack)])
    assert validate.exit_code == 2 and where in validate.stdout
    case = str(FIXTURES / "cases" / "port-city-concession.yaml")
    screen = CliRunner().invoke(cli, ["screen", case, "--rules", str(pack)])
    assert screen.exit_code == 2, screen.output
    assert where in screen.stderr and "Traceback" not in screen.output
    assert screen.exception is None or isinstance(screen.exception, SystemExit)
    with pytest.raises(InputError):
        load_rule_pack(pack)
