"""The import contract: each stage imports only from stages below it (no cycles, no shortcuts).

Order, lowest first: shared models, condition kinds, the rule and result models, loading,
signals, compiling, the per-case pipeline, the tools built on it (checks, explain, impact,
rule examples, catalogue, schemas), reports and `explain`, batch and backtest, the batch
summaries, the workbench (`screening serve`), and the CLI. A module may
import its own layer and any lower one; imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "screening"

#: Layers from the lowest; a module belongs to the longest prefix that names it.
LAYERS: list[list[str]] = [
    ["screening", "screening.errors", "screening.models"],
    ["screening.conditions"],
    ["screening.models.rule", "screening.models.result"],
    ["screening.loading"],
    ["screening.signals"],
    ["screening.compile"],
    ["screening.pipeline"],
    [
        "screening.checks",
        "screening.cache",
        "screening.impact",
        "screening.testing",
        "screening.catalogue",
        "screening.schemas",
        "screening.intake",
        "screening.waivers",
    ],
    ["screening.report", "screening.explain"],
    ["screening.batch", "screening.backtest", "screening.calibrate", "screening.monitor"],
    ["screening.portfolio"],  # reads the results database (batch) and the registries
    ["screening.report.batch", "screening.report.calibrate"],  # batch, backtest, calibration
    ["screening.workbench"],  # `screening serve`: the web app over all of the above
    ["screening.cli"],
]


def layer_of(module: str) -> int:
    best, level = "", -1
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
                best, level = prefix, i
    return level


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import of a `screening` module in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = node.module
            out += [(node.lineno, f"{base}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
    return [(line, name) for line, name in out if name.split(".")[0] == "screening"]


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    assert [module_name(p) for p in MODULES if layer_of(module_name(p)) < 0] == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_go_down_the_layers(path: Path) -> None:
    own = layer_of(module_name(path))
    upward = [
        f"{path.name}:{line} imports {name} (layer {layer_of(name)} > {own})"
        for line, name in imports(path)
        if layer_of(name) > own
    ]
    assert upward == []


def test_the_contract_catches_an_upward_import(tmp_path: Path) -> None:
    """The check itself can fail: a model importing the pipeline is flagged."""
    assert layer_of("screening.pipeline.screen.Screener") > layer_of("screening.models.case")
    assert layer_of("screening.conditions.field") < layer_of("screening.models.rule")
