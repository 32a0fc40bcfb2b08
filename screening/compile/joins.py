"""Equality joins between the facts of one conjunction: the same document, site or party.

A leaf's `same: {document: muni}` becomes durable-rules correlation tests (`$m` references
to an earlier alias), never ordered comparisons between facts (they crash the engine, field
guide P7). When one side's facts do not carry the key, the join goes through `link` facts,
which tie a party to the documents it signed and the sites it holds:

    party (muni) ──link(party, document)── text hit (document)        same document
    party (muni) ──link── link ── party (foreign body)                 same document
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field

from screening.compile.dnf import ConditionError, Conjunction, Literal
from screening.conditions.base import JoinKey, Pattern
from screening.models import facts as F


@dataclass
class JoinPlan:
    """The conjunction in join order, the link patterns to insert before each literal, and
    the correlation tests each literal gets."""

    order: list[Literal]
    links: dict[int, list[tuple[str, Pattern]]] = field(default_factory=dict)  # before order[i]
    tests: dict[int, list[Pattern]] = field(default_factory=dict)  # added to order[i]


def join_order(conj: Conjunction) -> list[Literal]:
    """The literals with every join target before the literal that refers to it."""
    positive = {lit.alias for lit in conj if not lit.negated}
    for lit in conj:
        for key, alias in lit.leaf.same.items():
            if lit.negated:
                raise ConditionError(
                    f"'{lit.alias}' is negated and joins '{alias}' on {key}; expected joins "
                    "only between conditions that must hold (test absence without a join)",
                    lit.alias,
                )
            if alias not in positive or alias == lit.alias:
                raise ConditionError(
                    f"'{lit.alias}' joins '{alias}' on the same {key}, but '{alias}' is not "
                    "another condition that must hold in every alternative of this rule; "
                    f"expected one of: {', '.join(sorted(positive - {lit.alias})) or 'none'}",
                    lit.alias,
                )
    # Kahn's algorithm, always taking the earliest ready literal: linear in the literals and
    # joins (a rule may have thousands of leaves), in the order the rule lists them otherwise.
    literals = list(conj)
    waiting = {i: set(lit.leaf.same.values()) for i, lit in enumerate(literals)}
    waiters: dict[str, list[int]] = {}
    for i, targets in waiting.items():
        for alias in targets:
            waiters.setdefault(alias, []).append(i)
    ready = [i for i, targets in waiting.items() if not targets]
    heapq.heapify(ready)
    placed: list[Literal] = []
    seen: set[str] = set()
    while ready:
        lit = literals[heapq.heappop(ready)]
        placed.append(lit)
        if lit.alias in seen:
            continue
        seen.add(lit.alias)
        for i in waiters.get(lit.alias, ()):
            waiting[i].discard(lit.alias)
            if not waiting[i]:
                heapq.heappush(ready, i)
    if len(placed) < len(literals):
        cycle = ", ".join(literals[i].alias for i, targets in waiting.items() if targets)
        raise ConditionError(f"joins form a cycle among {cycle}; expected a chain or a tree")
    return placed


def plan_joins(
    conj: Conjunction, names: dict[str, str], carried: Mapping[str, tuple[JoinKey, ...]]
) -> JoinPlan:
    """Link patterns and correlation tests for every join of the conjunction.

    `names` maps each positive literal's alias to its durable-rules alias; `carried` says
    which keys each rule's findings carry (`dnf.carried_keys`).
    """
    plan = JoinPlan(join_order(conj))
    by_alias = {lit.alias: lit for lit in conj}

    def keys(lit: Literal) -> tuple[JoinKey, ...]:
        dep = lit.leaf.depends_on
        return lit.leaf.keys if dep is None else carried.get(dep, ())

    for index, lit in enumerate(plan.order):
        own = names.get(lit.alias, f"n{index}")
        for n, (key, target) in enumerate(sorted(lit.leaf.same.items())):
            links, test = join(
                key, names[target], keys(by_alias[target]), keys(lit), lit, f"{own}j{n}"
            )
            plan.links.setdefault(index, []).extend(links)
            plan.tests.setdefault(index, []).append(test)
    return plan


def _link(name: str, match: str, source: str, attribute: str) -> tuple[str, Pattern]:
    """A link fact whose `match` attribute equals `attribute` of the fact `source`."""
    return name, {"$and": [{"t": F.LINK}, {match: {source: attribute}}]}


def join(
    key: JoinKey,
    target: str,
    target_keys: tuple[JoinKey, ...],
    own: tuple[JoinKey, ...],
    lit: Literal,
    prefix: str,
) -> tuple[list[tuple[str, Pattern]], Pattern]:
    """The links to insert and the test that makes `lit`'s fact share `key` with `target`'s.

    First find a fact giving the key's value (the target itself, or a link from it), then
    tie the literal's fact to that value (directly, or through a second link).
    """
    links: list[tuple[str, Pattern]] = []
    other = [k for k in target_keys if k != "party"]
    if key in target_keys:
        source = target
    elif "party" in target_keys:  # the documents or sites of the target party
        links.append(_link(f"{prefix}a", "party", target, "party"))
        source = links[-1][0]
    elif key == "party" and other:  # the parties of the target's document or site
        links.append(_link(f"{prefix}a", other[0], target, other[0]))
        source = links[-1][0]
    else:
        raise ConditionError(
            f"'{lit.alias}' joins on the same {key}, but the facts it joins carry no {key} "
            "and no party to reach one",
            lit.alias,
        )
    if key in own:
        return links, {key: {source: key}}
    if "party" in own:  # a party of the document or site that has the key
        links.append(_link(f"{prefix}b", key, source, key))
        return links, {"party": {links[-1][0]: "party"}}
    mine = [k for k in own if k != "party"]
    if key == "party" and mine:  # a document or site of the party that has the key
        links.append(_link(f"{prefix}b", "party", source, "party"))
        return links, {mine[0]: {links[-1][0]: mine[0]}}
    raise ConditionError(
        f"'{lit.alias}' joins on the same {key}, but its {lit.kind} facts carry no {key} and "
        "no party to reach one",
        lit.alias,
    )
