"""durable-rules' alpha network rebuilt in Python, to count what its fixed tables will hold.

durable-rules 2.0.28 (src/rules/rete.c, events.c) compiles every pattern of a ruleset into
one network of tests with fixed-size tables; overfilling one hangs, corrupts the heap or
fails a case (docs/durable-rules-limits.md). This model follows `createAlpha`, `findAlpha`
and `linkAlpha` step by step, so the partitioner can tell, before anything reaches C,
whether a set of rules fits in one ruleset. Every change is journalled so a tentative rule
can be taken back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

_OPS = {"$lt", "$lte", "$gt", "$gte", "$eq", "$neq", "$ex", "$nex", "$mt", "$imt"}
_ARRAY = {"$iany", "$iall"}
_NEX = "$nex"


@dataclass(frozen=True)
class Limits:
    """What one ruleset may hold. C's own maximum is in each comment; pack-wide counts keep a
    margin below it, per-pattern counts are exact (they were reproduced at the boundary)."""

    hash_children: int = 480  # 511: a node's 512-slot child hash (NEXT_BUCKET_LENGTH); full loops
    next_list: int = 120  # 127: `$nex`/`$or` successors (NEXT_LIST_LENGTH 128, 0-terminated)
    beta_list: int = 240  # 255: patterns ending on one test (BETA_LIST_LENGTH 256, 0-terminated)
    stack: int = 64  # 64: tests one fact can have pending in handleAlpha (MAX_STACK_SIZE); the
    # model's bound already assumes the worst push order and every matchable test matching
    actions: int = 4000  # 4096: rules in a ruleset (MAX_ACTIONS)
    sequence: int = 31  # 31: `$and`/`$or`/join entries of one pattern (MAX_SEQUENCE_EXPRESSIONS)
    frame: int = 16  # 16: facts one rule joins, `$not` patterns aside (MAX_MESSAGE_FRAMES)


LIMITS = Limits()
#: How an overflow of the facts one rule joins begins (`Limits.frame`).
FRAME_OVERFLOW = "joins"


class _Node:
    """One alpha node: its successor tables as counts, and a bound on the stack it can need."""

    __slots__ = (
        "array",
        "array_list",
        "betas",
        "eq_strings",
        "h",
        "hashed",
        "index",
        "kids",
        "listed",
        "op",
        "others",
        "parents",
    )

    def __init__(self, op: str) -> None:
        self.op = op
        self.index: dict[tuple[Any, ...], _Node] = {}  # shareable successors, as findAlpha finds
        self.hashed = 0  # successors in the child hash
        self.listed = 0  # successors in the `$nex` list (including `$or` forward nodes)
        self.array = 0  # inner tests of `$iany`/`$iall` (hash and list)
        self.array_list = 0
        self.betas = 0
        self.kids: list[_Node] = []  # successors the alpha walk can push
        self.parents: list[_Node] = []
        self.others = 0  # successors that may all match one fact
        self.eq_strings: dict[str, int] = {}  # string equality successors per property
        self.h = 1  # upper bound of the stack entries the walk from here can need

    def fanout(self) -> int:
        """Successors one fact can match at once: at most one string per property, and every
        other test (ranges, `$iany`, joins, numbers and booleans, which the engine coerces)."""
        return self.listed + self.others + len(self.eq_strings)


@dataclass
class Usage:
    """The fullest table of a ruleset, against the engine's limits."""

    hash_children: int = 0
    next_list: int = 0
    beta_list: int = 0
    stack: int = 1
    actions: int = 0


def _key(op: str, prop: str, value: Any) -> tuple[Any, ...] | None:
    """What findAlpha compares to share a node (type, then value); None: never shared.

    References to other facts, `null` and regexes never compare equal in `compareValue`.
    """
    if op in _ARRAY or op in ("$mt", "$imt") or value is None or isinstance(value, dict | list):
        return None
    return (op, prop, type(value).__name__, value)


class AlphaNetwork:
    """The alpha network of one ruleset, built rule by rule; `add` reports what overflows."""

    def __init__(self, limits: Limits = LIMITS) -> None:
        self.limits = limits
        self.root = _Node("type")
        self.actions = 0
        self._journal: list[Callable[[], None]] = []
        self._touched: list[_Node] = []

    # -- building, as rete.c does -------------------------------------------------------
    def add(self, spec: Mapping[str, Any]) -> list[str]:
        """Add one durable rule (`{"all"|"any": [{alias: pattern}]}`); what it overflows."""
        self._touched = []
        problems: list[str] = []
        self.actions += 1
        self._journal.append(self._undo_action)
        items = spec.get("all", spec.get("any", []))
        joined = sum(1 for item in items if not next(iter(item)).endswith("$not"))
        if joined > self.limits.frame:  # cannot run whatever its tests: model no further
            self._settle()
            return [
                f"{FRAME_OVERFLOW} {joined} facts; durable-rules holds at most {self.limits.frame}"
            ]
        for item in items:
            ((alias, pattern),) = item.items()
            if alias.endswith(("$all", "$any")):
                raise ValueError(f"nested '{alias}' patterns are not modelled")
            seq = self._sequence(pattern)
            if seq > self.limits.sequence:
                problems.append(
                    f"a pattern has {seq} `$and`/`$or`/join entries; durable-rules holds "
                    f"at most {self.limits.sequence}"
                )
            end = self._alpha(pattern, self.root, False)
            self._bump(end, "betas")
        self._settle()
        return problems + self._overflows()

    def mark(self) -> int:
        return len(self._journal)

    def undo(self, mark: int) -> None:
        """Take back every change made since `mark`."""
        while len(self._journal) > mark:
            self._journal.pop()()

    def _undo_action(self) -> None:
        self.actions -= 1

    def _alpha(self, expr: Mapping[str, Any], parent: _Node, to_array: bool) -> _Node:
        """createAlpha: the node a test (or `$and`/`$or` of tests) ends on, below `parent`."""
        if len(expr) != 1:
            raise ValueError(
                f"a test object must have one key (durable-rules reads the first): {expr}"
            )
        ((name, value),) = expr.items()
        if name == "$and":
            node = parent
            for i, item in enumerate(value):
                node = self._alpha(item, node, to_array and i == 0)
            return node
        if name == "$or":
            forward = _Node(_NEX)  # createForwardAlpha: a fresh node, never shared
            for alt in value:
                self._link(self._alpha(alt, parent, to_array), forward, False)
            return forward
        if name in _ARRAY:
            ((prop, inner),) = value.items()
            node = self._find(parent, name, prop, inner, to_array)
            self._alpha(inner, node, True)
            return node
        if name in _OPS:
            ((prop, operand),) = value.items()
            return self._find(parent, name, prop, operand, to_array)
        return self._find(parent, "$eq", name, value, to_array)

    def _find(self, parent: _Node, op: str, prop: str, value: Any, to_array: bool) -> _Node:
        """findAlpha: reuse an equal successor of `parent`, else make and link a new one."""
        key = _key(op, prop, value)
        if key is not None and key in parent.index:
            return parent.index[key]
        node = _Node(op)
        self._link(parent, node, to_array, key, prop, value)
        return node

    def _link(
        self,
        parent: _Node,
        node: _Node,
        to_array: bool,
        key: tuple[Any, ...] | None = None,
        prop: str = "$forward",
        value: Any = None,
    ) -> None:
        """linkAlpha: `$nex` successors go to a list, others to the child hash; under an
        `$iany`/`$iall` the inner test goes to its array tables instead."""
        if to_array and parent.op in _ARRAY:
            self._bump(parent, "array_list" if node.op == _NEX else "array")
            return  # inner tests are matched by recursion, not pushed on the stack
        self._bump(parent, "listed" if node.op == _NEX else "hashed")
        if key is not None:
            parent.index[key] = node
            self._journal.append(_forget(parent, key))
        parent.kids.append(node)
        node.parents.append(parent)
        string_eq = node.op == "$eq" and isinstance(value, str)
        if string_eq:
            parent.eq_strings[prop] = parent.eq_strings.get(prop, 0) + 1
        elif node.op != _NEX:
            parent.others += 1

        def undo() -> None:
            parent.kids.pop()
            node.parents.pop()
            if string_eq:
                parent.eq_strings[prop] -= 1
                if not parent.eq_strings[prop]:
                    del parent.eq_strings[prop]
            elif node.op != _NEX:
                parent.others -= 1

        self._journal.append(undo)

    def _bump(self, node: _Node, attr: str) -> None:
        setattr(node, attr, getattr(node, attr) + 1)
        self._touched.append(node)
        self._journal.append(lambda: setattr(node, attr, getattr(node, attr) - 1))

    def _sequence(self, expr: Mapping[str, Any]) -> int:
        """Entries a pattern takes in its rule's expression sequence (`$and`/`$or` open and
        close, one per reference to another fact)."""
        ((name, value),) = expr.items()
        if name in ("$and", "$or"):
            return 2 + sum(self._sequence(x) for x in value)
        if name in _ARRAY:
            return self._sequence(next(iter(value.values())))
        operand = next(iter(value.values())) if name in _OPS else value
        return 1 if isinstance(operand, dict) else 0

    # -- the stack bound ------------------------------------------------------------------
    def _settle(self) -> None:
        """Recompute the stack bound where successors changed, then up to the root.

        handleAlpha pops a node and pushes every successor the fact matches; with k pushed,
        the j-th is walked with j-1 still below it, so h = fanout - 1 + the largest child h.
        """
        todo = list(dict.fromkeys(self._touched))
        while todo:
            node = todo.pop()
            h = max(1, node.fanout() - 1 + max((k.h for k in node.kids), default=1))
            if not node.kids:
                h = 1
            if h != node.h:
                self._journal.append(_restore_h(node, node.h))
                node.h = h
                todo.extend(node.parents)

    # -- what overflows -------------------------------------------------------------------
    def _overflows(self) -> list[str]:
        lim = self.limits
        out: list[str] = []
        for node in dict.fromkeys(self._touched):
            if node.hashed > lim.hash_children or node.array > lim.hash_children:
                out.append(f"a test has {max(node.hashed, node.array)} different tests after it")
            if node.listed > lim.next_list or node.array_list > lim.next_list:
                n = max(node.listed, node.array_list)
                out.append(f"a test is followed by {n} absence tests or alternatives")
            if node.betas > lim.beta_list:
                out.append(f"{node.betas} patterns end on the same test")
        if self.root.h > lim.stack:
            out.append(f"one fact can leave {self.root.h} tests pending")
        if self.actions > lim.actions:
            out.append(f"{self.actions} rules")
        return out

    def usage(self) -> Usage:
        """The fullest table over the whole network."""
        u = Usage(stack=self.root.h, actions=self.actions)
        for node in _walk(self.root):
            u.hash_children = max(u.hash_children, node.hashed, node.array)
            u.next_list = max(u.next_list, node.listed, node.array_list)
            u.beta_list = max(u.beta_list, node.betas)
        return u


def _forget(node: _Node, key: tuple[Any, ...]) -> Callable[[], None]:
    def undo() -> None:
        del node.index[key]

    return undo


def _restore_h(node: _Node, h: int) -> Callable[[], None]:
    def undo() -> None:
        node.h = h

    return undo


def _walk(root: _Node) -> Iterable[_Node]:
    seen: set[int] = set()
    todo = [root]
    while todo:
        node = todo.pop()
        if id(node) not in seen:
            seen.add(id(node))
            yield node
            todo.extend(node.kids)
