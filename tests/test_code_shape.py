"""The code stays in reviewable pieces: short modules, and no tangled condition code.

Each condition kind is one module (`screening/conditions/`); a kind whose functions grow to
radon's E or F complexity grades (31 and more branches) should be split, not extended.
Pydantic fields take their empty defaults from `new_list` and `new_dict`, not from builtins.
"""

from __future__ import annotations

import ast
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


def test_pydantic_fields_have_no_builtin_default_factory() -> None:
    """`Field(default_factory=list)` makes every validator build parse `list`'s text
    signature (see `screening.models.common.new_list`); dataclass `field()`s may."""
    builtins = {"list", "dict", "set", "frozenset", "tuple"}
    found = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for path in MODULES
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Field"
        for kw in node.keywords
        if kw.arg == "default_factory" and isinstance(kw.value, ast.Name)
        if kw.value.id in builtins
    ]
    assert found == [], "use default_factory=new_list or new_dict"
