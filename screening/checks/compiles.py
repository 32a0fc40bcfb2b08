"""Compile every rule onto durable-rules once, so an engine error points at its rule file.

The field guide: rule-compilation errors raise rather than crash, but only when the rule is
registered. Each rule is registered alone (to locate the error), then the whole pack
together (limits such as sibling tests under one node are pack-wide).
"""

from __future__ import annotations

from screening.compile.dnf import finding_dependencies
from screening.compile.durable import EngineError
from screening.errors import Location, Problem
from screening.loading.rulepack import RulePack
from screening.models.rule import Rule
from screening.pipeline.engine import Matcher


def check_compiles(pack: RulePack) -> list[Problem]:
    problems: list[Problem] = []
    active = [lr for lr in pack.rules if lr.rule.status == "active"]
    by_id = {lr.rule.id: lr.rule for lr in active}
    for lr in active:
        deps = _closure(lr.rule.id, by_id)
        try:
            Matcher([by_id[d] for d in deps]).close()
        except EngineError as exc:
            problems.append(
                Problem(
                    lr.doc.location(("when",)),
                    f"durable-rules cannot compile this rule: {exc}",
                    "rule-engine",
                    subject=lr.rule.id,
                )
            )
    if not problems:
        try:
            Matcher([lr.rule for lr in active]).close()
        except EngineError as exc:
            problems.append(
                Problem(
                    Location(str(pack.root)),
                    f"durable-rules cannot compile the pack as a whole: {exc}",
                    "rule-engine",
                )
            )
    return problems


def _closure(rule_id: str, by_id: dict[str, Rule]) -> list[str]:
    """The rule and every rule its `finding` conditions reach (they compile together)."""
    seen: list[str] = []
    todo = [rule_id]
    while todo:
        rid = todo.pop()
        rule = by_id.get(rid)
        if rid in seen or rule is None:
            continue
        seen.append(rid)
        todo += [dep for dep, _ in finding_dependencies(rule)]
    return seen
