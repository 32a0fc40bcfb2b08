"""Split a compiled rule pack into rulesets that each stay under durable-rules' limits.

One ruleset holds one alpha network whose tables have fixed sizes (`alpha.Limits`,
docs/durable-rules-limits.md): a pack of a few hundred rules overflows them and the engine
fails cases (error 303), corrupts its heap or hangs. Sharding keeps every table under its
limit: rules are taken in dependency order (a rule after every rule whose finding it tests)
and each goes to the first ruleset, not before those of its dependencies, that still fits
it. Matching runs the rulesets in order, carrying findings from one to the next, so a
compound rule sees every finding it depends on. Pure and deterministic: the same rules give
the same rulesets.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from screening.compile.alpha import LIMITS, AlphaNetwork, Limits, Usage


class EngineRule(Protocol):
    """A compiled durable rule: its name, the YAML rule it comes from and its JSON spec."""

    @property
    def name(self) -> str: ...

    @property
    def rule_id(self) -> str: ...

    @property
    def spec(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Shard:
    """One ruleset: the YAML rules it holds (all their engine rules), and how full it is."""

    rule_ids: tuple[str, ...]
    names: tuple[str, ...]
    kinds: frozenset[str] | None  # the fact types its patterns test (None: any fact)
    usage: Usage


class OversizedRule(ValueError):
    """A rule overflows an engine table on its own; no partition can run it."""

    def __init__(self, reasons: Mapping[str, list[str]]) -> None:
        self.reasons = dict(reasons)
        super().__init__(
            "; ".join(f"{rid}: {', '.join(why)}" for rid, why in sorted(self.reasons.items()))
        )


def _network(fixed: Mapping[str, Mapping[str, Any]], limits: Limits) -> AlphaNetwork:
    net = AlphaNetwork(limits)
    for spec in fixed.values():
        net.add(spec)
    return net


def _groups(rules: Sequence[EngineRule]) -> dict[str, list[EngineRule]]:
    """Engine rules by YAML rule, in input order: a rule's alternatives stay together, so its
    finding is asserted by one ruleset only."""
    groups: dict[str, list[EngineRule]] = {}
    for rule in rules:
        groups.setdefault(rule.rule_id, []).append(rule)
    return groups


def oversized(
    rules: Sequence[EngineRule],
    fixed: Mapping[str, Mapping[str, Any]] | None = None,
    limits: Limits = LIMITS,
) -> dict[str, list[str]]:
    """Rules that overflow a table when alone in a ruleset, with what overflows."""
    out: dict[str, list[str]] = {}
    for rule_id, group in _groups(rules).items():
        net = _network(fixed or {}, limits)
        problems: list[str] = []
        for rule in group:
            problems += net.add(rule.spec)
        if problems:
            out[rule_id] = list(dict.fromkeys(problems))
    return out


def depths(depends: Mapping[str, Collection[str]], rule_ids: Collection[str]) -> dict[str, int]:
    """0 for a rule that tests no finding, else one more than the deepest rule it tests."""
    memo: dict[str, int] = {}

    def depth(rid: str) -> int:
        if rid not in memo:
            memo[rid] = 0  # a cycle is reported by the pack checks; do not loop on it
            deps = [d for d in depends.get(rid, ()) if d in rule_ids and d != rid]
            memo[rid] = max((depth(d) + 1 for d in deps), default=0)
        return memo[rid]

    return {rid: depth(rid) for rid in rule_ids}


def partition(
    rules: Sequence[EngineRule],
    depends: Mapping[str, Collection[str]],
    fixed: Mapping[str, Mapping[str, Any]] | None = None,
    limits: Limits = LIMITS,
) -> list[Shard]:
    """The rulesets to run in order; raise `OversizedRule` if a rule cannot fit even alone.

    `depends` maps a rule id to the rule ids whose findings it tests (positively or not);
    `fixed` are the helper rules every ruleset carries (they count against its limits).
    """
    helpers = fixed or {}
    too_big = oversized(rules, helpers, limits)
    if too_big:
        raise OversizedRule(too_big)
    groups = _groups(rules)
    first = {rid: i for i, rid in enumerate(groups)}
    level = depths(depends, groups.keys())
    nets: list[AlphaNetwork] = []
    members: list[list[str]] = []
    placed: dict[str, int] = {}
    # Tables only fill as rules are added, so rules with the same patterns that did not fit
    # in a ruleset never will: remember where each shape was refused.
    refused: set[tuple[int, str]] = set()
    for rid in sorted(groups, key=lambda r: (level[r], first[r])):
        start = max((placed[d] for d in depends.get(rid, ()) if d in placed), default=0)
        shape = json.dumps([r.spec for r in groups[rid]], sort_keys=True, default=str)
        for index in range(start, len(nets) + 1):
            if (index, shape) in refused:
                continue
            if index == len(nets):
                nets.append(_network(helpers, limits))
                members.append([])
            net = nets[index]
            mark = net.mark()
            problems = [p for rule in groups[rid] for p in net.add(rule.spec)]
            if not problems:
                members[index].append(rid)
                placed[rid] = index
                break
            net.undo(mark)
            refused.add((index, shape))
            if not members[index]:  # pragma: no cover - `oversized` has ruled this out
                raise OversizedRule({rid: problems})
    return [
        Shard(
            rule_ids=tuple(ids),
            names=tuple(r.name for rid in ids for r in groups[rid]),
            kinds=_kinds([r.spec for rid in ids for r in groups[rid]]),
            usage=net.usage(),
        )
        for net, ids in zip(nets, members, strict=True)
    ]


def _kinds(specs: Sequence[Mapping[str, Any]]) -> frozenset[str] | None:
    """The `t` values the patterns start with; None when one does not start with a type test.

    A fact of any other type can match nothing in the ruleset, so it need not be asserted.
    """
    kinds: set[str] = set()
    for spec in specs:
        for item in spec.get("all", spec.get("any", [])):
            pattern = next(iter(item.values()))
            head = pattern["$and"][0] if set(pattern) == {"$and"} else pattern
            if set(head) != {"t"} or not isinstance(head["t"], str):
                return None
            kinds.add(head["t"])
    return frozenset(kinds)
