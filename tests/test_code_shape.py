"""The code stays in reviewable pieces: short modules, and no tangled condition code.

Each condition kind is one module (`screening/conditions/`); a kind whose functions grow to
radon's E or F complexity grades (31 and more branches) should be split, not extended.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from radon.complexity import cc_rank, cc_visit

PACKAGE = Path(__file__).resolve().parent.parent / "screening"
MAX_MODULE_LINES = 400
MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_is_short(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.name} has {lines} lines; split it"


@pytest.mark.parametrize(
    "path", sorted((PACKAGE / "conditions").glob("*.py")), ids=lambda p: p.name
)
def test_condition_code_has_no_e_or_f_complexity(path: Path) -> None:
    blocks = cc_visit(path.read_text(encoding="utf-8"))
    tangled = [f"{b.name} ({cc_rank(b.complexity)}, {b.complexity})" for b in blocks]
    tangled = [t for t, b in zip(tangled, blocks, strict=True) if cc_rank(b.complexity) in "EF"]
    assert tangled == []


def test_the_grade_check_can_fail() -> None:
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(35))
    (block,) = cc_visit(f"def f(x):\n{branches}\n    return -1\n")
    assert cc_rank(block.complexity) in "EF"
