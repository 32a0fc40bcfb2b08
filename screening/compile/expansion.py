"""How many alternatives a rule's condition expands into, counted before anything is expanded.

`dnf.to_dnf` turns a rule's `when` into a disjunction of conjunctions, each one durable-rules
rule: an `any` adds up its branches' alternatives, an `all` multiplies them, and a `not`
swaps the two (De Morgan). Nesting makes the count grow exponentially (an `all` of ten
`any`s of two tests is 1,024 alternatives), so it is counted first, saturating at `CAP`,
and a rule over the limit is refused without building a single conjunction.

`find_blowup` names the sub-condition to blame: the innermost one that is over the limit
on its own, so `rules validate` points at the `any` of 33 tests rather than at the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from screening.conditions.base import LeafPath
from screening.conditions.tree import (
    AllCondition,
    AnyCondition,
    Condition,
    NotCondition,
    children,
)

#: Counts saturate here: past it the exact figure says nothing more, and stays a small int.
CAP = 1_000_000_000


def _add(a: int, b: int) -> int:
    return min(a + b, CAP)


def _mul(a: int, b: int) -> int:
    return min(a * b, CAP)


def alternatives(cond: Condition, negate: bool = False) -> int:
    """The number of conjunctions `to_dnf` makes of `cond` (at most `CAP`)."""
    return _counts(cond)[1 if negate else 0]


def _counts(cond: Condition) -> tuple[int, int]:
    """(alternatives, alternatives when negated) of a condition."""
    if isinstance(cond, NotCondition):
        pos, neg = _counts(cond.not_)
        return neg, pos
    if isinstance(cond, AllCondition | AnyCondition):
        product, total = 1, 0
        for child, _ in children(cond):
            pos, neg = _counts(child)
            own = pos if isinstance(cond, AllCondition) else neg
            other = neg if isinstance(cond, AllCondition) else pos
            product, total = _mul(product, own), _add(total, other)
        # an `all` multiplies its parts; negated it is an `any` of negated parts (and back)
        return (product, total) if isinstance(cond, AllCondition) else (total, product)
    return 1, 1


@dataclass(frozen=True)
class Blowup:
    """The innermost sub-condition whose alternatives alone are over the limit."""

    path: LeafPath  # where it is in the rule's YAML, from `when`
    branch: str  # "all" or "any", as written
    negated: bool  # under an odd number of `not`s: an `all` then adds up, an `any` multiplies
    count: int  # its alternatives (CAP means at least that many)
    parts: tuple[int, ...]  # each direct part's alternatives
    total: int  # the whole condition's alternatives

    @property
    def multiplies(self) -> bool:
        return (self.branch == "all") != self.negated

    def message(self, limit: int) -> str:
        """What is wrong, with the figures, and how to fix it."""
        what = f"this `{self.branch}`" + (" (under `not`)" if self.negated else "")
        if self.multiplies:
            how = f"its parts' alternatives multiply: {_factors(self.parts)}"
            hint = "split the rule into several, one per branch of an `any` it holds"
        else:
            unit = "tests" if all(p == 1 for p in self.parts) else "parts"
            how = f"{len(self.parts)} {unit}"
            hint = (
                f"split it into rules of at most {limit} alternatives each, or list the "
                "values inside one test, e.g. `in: [...]`"
            )
        whole = "" if self.total == self.count else f"; the whole rule: {_figure(self.total)}"
        return (
            f"{what} expands into {_figure(self.count)} alternatives ({how}{whole}); expected "
            f"at most {limit}, one durable-rules rule each ({hint})"
        )


def _figure(n: int) -> str:
    return f"over {CAP:,}" if n >= CAP else f"{n:,}"


def _factors(parts: tuple[int, ...]) -> str:
    """'6 × 6', '2^7 × 3': the counts above 1, a count repeated more than 3 times as a power."""
    out = []
    for n in dict.fromkeys(p for p in parts if p > 1):
        times = parts.count(n)
        out += [f"{_figure(n)}^{times}"] if times > 3 else [_figure(n)] * times
    return " × ".join(out)


def find_blowup(when: Condition, limit: int, path: LeafPath = ("when",)) -> Blowup | None:
    """The innermost `all`/`any` with more than `limit` alternatives, or None if it fits."""
    total = alternatives(when)
    if total <= limit:
        return None
    cond, negate = when, False
    while True:
        if isinstance(cond, NotCondition):
            cond, negate, path = cond.not_, not negate, (*path, "not")
            continue
        assert isinstance(cond, AllCondition | AnyCondition)  # a leaf is one alternative
        kids = children(cond)
        counts = [alternatives(child, negate) for child, _ in kids]
        over = [(child, step) for (child, step), n in zip(kids, counts, strict=True) if n > limit]
        if not over:
            branch = "all" if isinstance(cond, AllCondition) else "any"
            return Blowup(path, branch, negate, alternatives(cond, negate), tuple(counts), total)
        child, step = over[0]
        cond, path = child, (*path, *step)
