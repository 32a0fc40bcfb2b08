"""The only module that knows durable-rules: patterns, ruleset JSON and the per-case session.

"The field guide" here and elsewhere is docs/durable-rules-notes.md (pitfalls P1-P22).

Follows the field guide's per-case pattern: facts (never events), one session per case,
a sentinel rule and fact so every session runs an action (a session that ran none segfaults
in `delete_state`), an absorber so an unmatched fact does not fail the whole batch, the
low-level `assert_facts` call, and a host with no background threads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import durable_rules_engine as dre
from durable import engine as durable_engine

from screening.compile.dnf import Conjunction, Literal
from screening.compile.joins import plan_joins
from screening.conditions.base import JoinKey, Pattern
from screening.models import facts as F

STRATUM = "__stratum__"
_SENTINEL_T = "__case__"
_SENTINEL = {"all": [{"m": {"t": _SENTINEL_T}}]}
_ABSORBER = {"all": [{"a": {"$ex": {"t": 1}}}, {"b": {"t": "__never__"}}]}
#: The rules every ruleset carries besides the pack's (they count against its limits).
HELPERS: dict[str, dict[str, Any]] = {"__sentinel": _SENTINEL, "__absorber": _ABSORBER}


class EngineError(RuntimeError):
    """durable-rules reported an error for a case; the case's result cannot be trusted."""


def literal_pattern(lit: Literal) -> Pattern:
    """The `$and` pattern matching the fact a literal is about (type test first: P5, P8)."""
    return lit.leaf.pattern()


@dataclass(frozen=True)
class CompiledRule:
    """One durable rule: a conjunction of one YAML rule, with its alias map."""

    name: str
    rule_id: str
    spec: dict[str, Any]
    literals: dict[str, Literal]  # durable alias -> the positive literal it matched


def compile_conjunction(
    rule_id: str,
    index: int,
    conj: Conjunction,
    stratum: int,
    carried: Mapping[str, tuple[JoinKey, ...]] | None = None,
) -> CompiledRule:
    """One alternative of a rule as a durable rule: its patterns in join order, with links."""
    items: list[Pattern] = []
    literals: dict[str, Literal] = {}
    if stratum > 0:
        items.append({"s": {"$and": [{"t": STRATUM}, {"level": stratum}]}})
    elif not any(not lit.negated for lit in conj):
        items.append({"c": {"t": F.CASE}})
    names = {lit.alias: f"a{i}" for i, lit in enumerate(conj) if not lit.negated}
    plan = plan_joins(conj, names, carried or {})
    for i, lit in enumerate(plan.order):
        items += [{name: pattern} for name, pattern in plan.links.get(i, [])]
        pattern = literal_pattern(lit)
        # Correlation tests go right after the type test: durable-rules ignores a join
        # reference that follows a nested `$and`/`$or` (reproduced in tests/compile/test_joins.py).
        pattern["$and"][1:1] = plan.tests.get(i, [])
        if lit.negated:
            items.append({f"n{i}$not": pattern})
        else:
            items.append({names[lit.alias]: pattern})
            literals[names[lit.alias]] = lit
    # dist 0: two tests may be met by the same fact ("a municipality" and "a signatory").
    spec = {"all": items, "dist": 0}
    return CompiledRule(f"{rule_id}|{index}", rule_id, spec, literals)


class _QuietHost(durable_engine.Host):  # type: ignore[misc]
    """A host without the dispatch/timer threads that steal actions (field guide P3)."""

    def _run(self) -> None:
        return None


Firing = tuple[str, dict[str, str]]  # (durable rule name, durable alias -> fact id)
Frame = dict[str, dict[str, Any]]  # durable alias -> the matched fact as the engine holds it


class DurableSession:
    """One registered ruleset; `run_case` asserts a case's facts in strata and collects firings."""

    _counter = 0

    def __init__(
        self, rules: Sequence[CompiledRule], on_fire: Callable[[str, str, Frame], None]
    ) -> None:
        DurableSession._counter += 1
        self.name = f"screening{DurableSession._counter}"
        self._host = _QuietHost()
        self._hits: dict[str, list[Firing]] = {}
        self._on_fire = on_fire
        # Actions are run by `_run_actions`, not by durable's dispatcher: `run` is never called.
        ruleset: dict[str, Any] = {r.name: dict(r.spec, run=_noop) for r in rules}
        ruleset.update({name: dict(spec, run=_noop) for name, spec in HELPERS.items()})
        try:
            self._host.register_rulesets({self.name: ruleset})
        except Exception as exc:  # durable raises its own error type for bad rulesets
            raise EngineError(f"durable-rules rejected the ruleset: {exc}") from exc
        self._ruleset = self._host.get_ruleset(self.name)
        self._handle: int = self._ruleset._handle
        self._rules = {r.name for r in rules}
        self._firing = False

    def _run_actions(self, sid: str, state: int) -> None:
        """Run every pending action of the session, as durable's `do_actions` would, minus what
        we do not use: no closure objects, no state written back after each action (nothing
        changes it), so a firing costs one JSON decode and two C calls."""
        started = self._call(dre.start_action_for_state, state)
        pending = started[1] if started else None
        while pending:
            ((name, frame),) = json.loads(pending).items()
            if name in self._rules:
                matched: Frame = frame
                self._hits[sid].append((name, {a: fact["id"] for a, fact in matched.items()}))
                self._firing = True
                try:
                    self._on_fire(sid, name, matched)
                except Exception as exc:
                    dre.abandon_action(self._handle, state)
                    raise EngineError(f"the action of {name} failed: {exc!r}") from exc
                except BaseException:
                    dre.abandon_action(self._handle, state)
                    raise
                finally:
                    self._firing = False
            pending = self._call(dre.complete_and_start_action, state)

    def close(self) -> None:
        """Free the ruleset's C memory (a dropped ruleset otherwise leaks, field guide §7)."""
        rs = self._host._ruleset_directory.pop(self.name, None)
        if rs is not None:
            self._host._ruleset_list.remove(rs)
            dre.delete_ruleset(rs._handle)

    def assert_from_action(self, fact: dict[str, Any]) -> None:
        """Assert a derived fact from inside the running action (forward chaining): its
        matches join the actions still pending in the same session."""
        if not self._firing:  # pragma: no cover - only called from on_fire
            raise EngineError("derived facts can only be asserted while a rule fires")
        code = self._call(dre.assert_fact, encode(fact))[0]
        if code not in (0, 1):  # 2: the same fact id twice
            raise EngineError(f"durable-rules refused a derived fact (code {code}): {fact}")

    def run_case(
        self, sid: str, messages: Sequence[dict[str, Any] | str], max_stratum: int
    ) -> list[Firing]:
        """Assert base facts, then one stratum marker per level; always delete the session.

        A message is a fact, or a fact already encoded by `encode` (a case's facts are
        encoded once for all the rulesets of a pack). Every payload is serialised before the
        session is first used: a session that never ran an action must not reach
        `delete_state` (field guide P1).
        """
        sentinel = {"t": _SENTINEL_T, "id": _SENTINEL_T, "sid": sid}
        facts = [m if isinstance(m, str) else encode(m) for m in [sentinel, *messages]]
        payloads = ["[" + ",".join(facts) + "]"]
        payloads += [
            encode([{"t": STRATUM, "level": level, "id": f"{STRATUM}{level}", "sid": sid}])
            for level in range(1, max_stratum + 1)
        ]
        hits = self._hits[sid] = []
        try:
            for payload in payloads:
                # 1: a fact matched nothing; 2: duplicate id (neither fails the batch: P2)
                _code, state = self._call(dre.assert_facts, payload)
                self._run_actions(sid, state)
        finally:
            dre.delete_state(self._handle, sid)
            del self._hits[sid]
        return hits

    def _call(self, function: Callable[..., Any], argument: Any) -> Any:
        """A C call on this ruleset; its error (a code such as 303) as an `EngineError`."""
        try:
            return function(self._handle, argument)
        except dre.error as exc:
            raise EngineError(str(exc)) from exc


def encode(messages: list[dict[str, Any]] | dict[str, Any]) -> str:
    """Facts as the JSON the engine reads; NaN, infinity and non-JSON values are refused."""
    try:
        return json.dumps(messages, ensure_ascii=False, allow_nan=False)
    except (ValueError, TypeError) as exc:  # NaN, infinity or a non-JSON value in a fact
        raise EngineError(f"a fact cannot be passed to the engine: {exc}") from exc


def _noop(c: Any) -> None:
    return None
