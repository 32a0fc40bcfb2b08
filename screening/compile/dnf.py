"""Normalise a rule's condition tree: aliases, disjunctive normal form, strata.

durable-rules matches conjunctions of fact patterns, with absence (`$not`) as a pattern
option. So `not` is pushed down to the leaves, the tree is expanded into a disjunction of
conjunctions (each becomes one engine rule; the rule fires if any of them does), and rules
that test the *absence* of a fact are placed in a later stratum, asserted only once every
fact they depend on is in (durable-rules evaluates `$not` against facts present so far).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from screening.compile.expansion import find_blowup
from screening.conditions.base import JOIN_KEYS, JoinKey, LeafCondition
from screening.conditions.tree import (
    AllCondition,
    AnyCondition,
    Condition,
    NotCondition,
    iter_leaves,
)
from screening.models.rule import Rule

#: A rule may expand into at most this many conjunctions (each is one engine rule).
MAX_CONJUNCTIONS = 32


class ConditionError(ValueError):
    """A rule's condition cannot be compiled; the message says why (and at which leaf)."""

    def __init__(self, message: str, alias: str | None = None) -> None:
        super().__init__(message)
        self.alias = alias


@dataclass(frozen=True)
class Literal:
    """A leaf, possibly negated, with the alias its evidence is known by in the explanation."""

    leaf: LeafCondition
    negated: bool
    alias: str

    @property
    def kind(self) -> str:
        return self.leaf.kind


Conjunction = tuple[Literal, ...]


def leaves_with_aliases(cond: Condition) -> list[tuple[LeafCondition, str]]:
    """Every leaf in tree order with its alias (`as`, else its kind, then kind2, kind3…)."""
    out: list[tuple[LeafCondition, str]] = []
    counts: dict[str, int] = {}
    for leaf in iter_leaves(cond):
        kind = leaf.kind
        counts[kind] = counts.get(kind, 0) + 1
        alias = leaf.as_ or (kind if counts[kind] == 1 else f"{kind}{counts[kind]}")
        out.append((leaf, alias))
    return out


def to_dnf(rule: Rule) -> list[Conjunction]:
    """The rule's condition as a list of conjunctions of (possibly negated) literals."""
    blowup = find_blowup(rule.when, MAX_CONJUNCTIONS)  # counted: never expand a blowup
    if blowup is not None:
        raise ConditionError(blowup.message(MAX_CONJUNCTIONS))
    aliases = {id(leaf): alias for leaf, alias in leaves_with_aliases(rule.when)}
    dnf = _dnf(rule.when, False, aliases)
    for conj in dnf:
        if not conj:
            raise ConditionError("condition has no test")
        for alias in (a for a, n in Counter(lit.alias for lit in conj).items() if n > 1):
            raise ConditionError(
                f"'{alias}' names two conditions that must hold together; expected each name "
                "once per alternative (the same name may stand in different branches of an any)",
                alias,
            )
    return dnf


def _dnf(cond: Condition, negate: bool, aliases: dict[int, str]) -> list[Conjunction]:
    if isinstance(cond, NotCondition):
        return _dnf(cond.not_, not negate, aliases)
    if isinstance(cond, AllCondition | AnyCondition):
        parts = cond.all if isinstance(cond, AllCondition) else cond.any
        conjunctive = isinstance(cond, AllCondition) != negate  # De Morgan
        if conjunctive:
            result: list[Conjunction] = [()]
            for part in parts:
                sub = _dnf(part, negate, aliases)
                result = [a + b for a in result for b in sub]
            return result
        out: list[Conjunction] = []
        for part in parts:
            out.extend(_dnf(part, negate, aliases))
        return out
    return [(Literal(cond, negate, aliases[id(cond)]),)]


def finding_dependencies(rule: Rule) -> list[tuple[str, bool]]:
    """(rule id, negated) for every `finding` literal of the rule."""
    out = []
    try:
        conjunctions = to_dnf(rule)
    except ConditionError:
        return []  # the rule's own check reports it, located
    for conj in conjunctions:
        for lit in conj:
            if lit.leaf.depends_on is not None:
                out.append((lit.leaf.depends_on, lit.negated))
    return out


def dependency_cycle(rules: dict[str, Rule]) -> list[str] | None:
    """A cycle of finding references (rule ids, first repeated last), if there is one."""
    graph = {rid: [d for d, _ in finding_dependencies(r) if d in rules] for rid, r in rules.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in graph[node]:
            if state.get(dep) == 1:
                return [*stack[stack.index(dep) :], dep]
            if dep not in state:
                found = visit(dep)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for rid in sorted(graph):
        if rid not in state:
            cycle = visit(rid)
            if cycle:
                return cycle
    return None


def strata(rules: dict[str, Rule]) -> dict[str, int]:
    """Stratum per rule: 0 needs only base facts; a rule that tests absence waits for its inputs.

    stratum(r) = max(stratum(d) for positive finding deps d,
                     stratum(d) + 1 for negated finding deps d,
                     1 if r tests the absence of any base fact, else 0).
    Requires an acyclic dependency graph (see `dependency_cycle`).
    """
    memo: dict[str, int] = {}

    def level(rid: str) -> int:
        if rid in memo:
            return memo[rid]
        rule = rules[rid]
        value = 0
        for conj in to_dnf(rule):
            for lit in conj:
                dep = lit.leaf.depends_on
                if dep is not None:
                    if dep in rules:
                        value = max(value, level(dep) + (1 if lit.negated else 0))
                elif lit.negated:
                    value = max(value, 1)
        memo[rid] = value
        return value

    for rid in rules:
        level(rid)
    return memo


def carried_keys(rules: dict[str, Rule]) -> dict[str, tuple[JoinKey, ...]]:
    """The join keys each rule's findings can carry, whichever alternative fired.

    An alternative carries the keys of its positive leaves and of its joins (the link facts
    of a join carry its key); a finding leaf carries what its rule carries. A finding keeps
    a key at run time only where its facts agree on one value (`engine.finding_keys`).
    """
    memo: dict[str, tuple[JoinKey, ...]] = {}

    def of(rid: str) -> tuple[JoinKey, ...]:
        if rid not in memo:
            memo[rid] = ()  # a cycle is reported by the checks; carry nothing through it
            per_alternative = []
            for conj in to_dnf(rules[rid]):
                keys: set[JoinKey] = set()
                for lit in conj:
                    if lit.negated:
                        continue
                    dep = lit.leaf.depends_on
                    keys.update(of(dep) if dep in rules else () if dep else lit.leaf.keys)
                    keys.update(lit.leaf.same)
                per_alternative.append(keys)
            common = set.intersection(*per_alternative) if per_alternative else set()
            memo[rid] = tuple(k for k in JOIN_KEYS if k in common)
        return memo[rid]

    return {rid: of(rid) for rid in rules}
