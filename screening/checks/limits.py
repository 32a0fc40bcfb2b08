"""Refuse rule packs that would crash or hang durable-rules (field guide P8 and P9).

The engine's alpha network gives every distinct test under one node a slot: more than 64
siblings that one fact can reach corrupt its fixed stack (a segfault), and 512 fill a hash
bucket (a hang). Each pattern is a path of tests starting with its fact type; the paths of
the whole pack form a tree, and no node may have more children than the engine takes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from screening.compile.dnf import ConditionError, to_dnf
from screening.compile.durable import literal_pattern
from screening.errors import Problem

if TYPE_CHECKING:
    from screening.loading.rulepack import LoadedRule

#: Distinct tests one node may have (the engine breaks above 64; a margin is kept).
MAX_SIBLINGS = 60
#: Values one test may list (alternatives are siblings too; the engine hangs at 512).
MAX_VALUES = 100


def _alternatives(test: dict[str, Any]) -> list[str]:
    """A test as the engine's sibling slots it takes (an `$or` takes one per alternative)."""
    if set(test) == {"$or"}:
        return [json.dumps(alt, sort_keys=True) for alt in test["$or"]]
    return [json.dumps(test, sort_keys=True)]


def check_engine_limits(rules: Sequence[LoadedRule]) -> list[Problem]:
    problems: list[Problem] = []
    # node -> its distinct child tests in first-seen order, with the rule that added each
    children: dict[tuple[str, ...], dict[str, LoadedRule]] = defaultdict(dict)
    for lr in rules:
        if lr.rule.status != "active":
            continue
        try:
            conjunctions = to_dnf(lr.rule)
        except ConditionError:
            continue  # reported by the rule checks
        for conj in conjunctions:
            for lit in conj:
                # each alternative of an `$or` is its own node: a pattern is many paths
                paths: list[tuple[str, ...]] = [()]
                for test in literal_pattern(lit)["$and"]:
                    alts = _alternatives(test)
                    if len(alts) > MAX_VALUES:
                        problems.append(
                            Problem(
                                lr.doc.location(("when",)),
                                f"a {lit.kind} test lists {len(alts)} values; expected at most "
                                f"{MAX_VALUES} (the rules engine hangs on long lists: use a "
                                "phrase set, a registry category or several rules)",
                                "rule-engine-limit",
                                subject=lr.rule.id,
                            )
                        )
                        break
                    for path in paths:
                        for alt in alts:
                            children[path].setdefault(alt, lr)
                    paths = [(*path, alt) for path in paths for alt in alts][:10_000]
    for kids in children.values():
        if len(kids) > MAX_SIBLINGS:
            adders = list(dict.fromkeys(lr.rule.id for lr in kids.values()))
            culprit = list(kids.values())[MAX_SIBLINGS]  # the rule whose test crossed the limit
            ids = ", ".join(adders[:6])
            more = f" and {len(adders) - 6} more" if len(adders) > 6 else ""
            problems.append(
                Problem(
                    culprit.doc.location(("when",)),
                    f"{len(kids)} different tests follow the same test across the pack "
                    f"({ids}{more}); expected at most {MAX_SIBLINGS}, or the rules engine crashes: "
                    "reuse the same thresholds and values across rules",
                    "rule-engine-limit",
                    subject=culprit.rule.id,
                )
            )
    return problems
