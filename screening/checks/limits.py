"""Refuse the rules durable-rules cannot run in any ruleset (docs/durable-rules-limits.md).

The engine's tables have fixed sizes. Tables shared by the whole pack (sibling tests under
one test, patterns ending on one test, tests one fact leaves pending, rules per ruleset)
are kept under their limits by splitting the pack into several rulesets
(`compile.shards`), so no pack is refused for its size. What splitting cannot fix is one
rule that overflows a table on its own: a list of values so long that its alternatives
overflow a table, a condition expanding into too many nested tests, a rule joining more than
16 facts. Those are located at the condition that overflows when it can be told apart, else
at the rule's `when`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from screening.compile.alpha import FRAME_OVERFLOW, LIMITS, AlphaNetwork
from screening.compile.dnf import ConditionError, leaves_with_aliases, to_dnf
from screening.compile.durable import HELPERS, literal_pattern
from screening.compile.shards import oversized
from screening.conditions.tree import walk_leaves
from screening.errors import Problem
from screening.loading.yamlio import YamlPath
from screening.pipeline.engine import compile_rules

if TYPE_CHECKING:
    from screening.loading.rulepack import LoadedRule
    from screening.models.rule import Rule


def check_engine_limits(rules: Sequence[LoadedRule]) -> list[Problem]:
    """One located error per active rule that no ruleset can hold, saying what overflows."""
    active = [lr for lr in rules if lr.rule.status == "active"]
    try:
        compiled, _ = compile_rules([lr.rule for lr in active])
    except ConditionError:
        return []  # reported by the rule checks
    too_big = oversized(compiled, HELPERS, LIMITS)
    problems = []
    for lr in active:
        reasons = too_big.get(lr.rule.id)
        if reasons:
            problems.append(
                Problem(
                    lr.doc.location(_culprit(lr.rule, reasons)),
                    "durable-rules cannot run this rule, even alone in a ruleset: "
                    + "; ".join(reasons)
                    + " (split the rule into several, or shorten its lists of values)",
                    "rule-engine-limit",
                    subject=lr.rule.id,
                )
            )
    return problems


def _culprit(rule: Rule, reasons: list[str]) -> YamlPath:
    """The condition whose own pattern overflows a table, else the rule's `when`."""
    if all(reason.startswith(FRAME_OVERFLOW) for reason in reasons):
        return ("when",)  # the number of conditions, not any one of them
    paths = {
        alias: path
        for (_, alias), (_, path) in zip(
            leaves_with_aliases(rule.when), walk_leaves(rule.when, ("when",)), strict=True
        )
    }
    for conj in to_dnf(rule):
        for lit in conj:
            net = AlphaNetwork(LIMITS)
            for spec in HELPERS.values():
                net.add(spec)
            if net.add({"all": [{"a": literal_pattern(lit)}]}):
                return paths.get(lit.alias, ("when",))
    return ("when",)
