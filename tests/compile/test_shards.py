"""The alpha-network model against durable-rules itself, and the partition it drives.

Each limit is shown at its boundary on the engine: just under it, a ruleset registers and a
case runs; just over it, registration fails, or the process crashes or hangs (run in a child
process with a timeout). The model must refuse every ruleset that fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.compile.alpha import LIMITS, AlphaNetwork, Limits
from screening.compile.durable import HELPERS
from screening.compile.shards import OversizedRule, depths, oversized, partition

#: durable-rules' own maxima, without the margins `LIMITS` keeps.
EXACT = Limits(hash_children=511, next_list=127, beta_list=255, stack=64, actions=4096)

CHILD = """
import json, sys
from screening.compile.durable import CompiledRule, DurableSession, EngineError
spec = json.loads(sys.stdin.read())
rules = [CompiledRule(n, n, s, {}) for n, s in spec["rules"].items()]
try:
    session = DurableSession(rules, lambda sid, name, frame: None)
except EngineError as exc:
    print("rejected", exc); sys.exit(0)
hits = session.run_case("1", [dict(f, sid="1", id=f"f{i}") for i, f in enumerate(spec["facts"])], 0)
print("ran", len(hits))
"""


def engine(rules: dict[str, Any], facts: list[dict[str, Any]], timeout: float = 20) -> str:
    """What durable-rules does with a ruleset and one case: 'ran N', 'rejected …',
    'crashed' or 'hung'."""
    try:
        p = subprocess.run(
            [sys.executable, "-c", CHILD],
            input=json.dumps({"rules": rules, "facts": facts}),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return "hung"
    return p.stdout.strip() if p.returncode == 0 else "crashed"


def model(rules: dict[str, Any], limits: Limits = EXACT) -> list[str]:
    net = AlphaNetwork(limits)
    problems = [p for spec in HELPERS.values() for p in net.add(spec)]
    for spec in rules.values():
        problems += net.add(spec)
    return problems


def same(pattern: Callable[[int], dict[str, Any]], n: int) -> dict[str, Any]:
    return {f"r{i}": {"all": [{"a": pattern(i)}]} for i in range(n)}


def iany(i: int) -> dict[str, Any]:
    return {"$and": [{"t": "x"}, {"$iany": {"tags": {"$i": "a"}}}]}


def test_pending_tests_overflow_the_stack_of_64() -> None:
    """`$iany` tests are never shared: each rule adds one, and a fact passes them all."""
    fact = [{"t": "x", "tags": ["a"]}]
    assert not model(same(iany, 63)) and engine(same(iany, 63), fact) == "ran 63"
    assert model(same(iany, 65)) and engine(same(iany, 65), fact) == "crashed"


def test_a_full_child_hash_of_512_hangs() -> None:
    def eq(i: int) -> dict[str, Any]:
        return {"$and": [{"t": "x"}, {"v": f"s{i}"}]}

    fact = [{"t": "x", "v": "s1"}]
    assert not model(same(eq, 511)) and engine(same(eq, 511), fact) == "ran 1"
    assert model(same(eq, 512)) and engine(same(eq, 512), fact, timeout=5) == "hung"


def test_a_full_absence_list_of_128_is_unsafe_and_129_is_refused() -> None:
    def nex(i: int) -> dict[str, Any]:
        return {"$and": [{"t": "x"}, {"$nex": {f"p{i}": 1}}]}

    def every(n: int) -> list[dict[str, Any]]:  # has every property: no absence test holds
        return [{"t": "x", **{f"p{i}": 1 for i in range(n)}}]

    lists_only = replace(EXACT, stack=10**6)  # the bound assumes every property may be absent
    assert not model(same(nex, 127), lists_only) and engine(same(nex, 127), every(127)) == "ran 0"
    # 128 fill the list with no 0 terminator: the walk reads on into the next table's memory,
    # which crashed in one layout and happened to hold a 0 in another (undefined behaviour)
    assert model(same(nex, 128), lists_only)
    assert engine(same(nex, 128), every(128)) in ("crashed", "ran 0")
    assert "error code: 107" in engine(same(nex, 129), every(129))


def test_more_than_255_patterns_ending_on_one_test_are_refused() -> None:
    def eq(i: int) -> dict[str, Any]:
        return {"$and": [{"t": "x"}, {"v": "s1"}]}

    assert not model(same(eq, 255)) and engine(same(eq, 255), [{"t": "x", "v": "s1"}]) == "ran 255"
    assert model(same(eq, 257)) and "error code: 108" in engine(same(eq, 257), [])


def test_one_pattern_holds_31_and_or_entries() -> None:
    def alternatives(k: int) -> dict[str, Any]:  # 2 ($and) + 2 ($or) + 2 per alternative
        alts = [{"$and": [{"v": f"s{i}"}, {"w": i}]} for i in range(k)]
        return {"r": {"all": [{"a": {"$and": [{"t": "x"}, {"$or": alts}]}}]}}

    assert not model(alternatives(13)) and engine(alternatives(13), []) == "ran 0"
    assert model(alternatives(14)) and "error code: 113" in engine(alternatives(14), [])


def test_one_rule_joins_at_most_16_facts_and_absence_patterns_do_not_count() -> None:
    def join(n: int, absent: int = 0) -> dict[str, Any]:
        items = [{f"a{i}": {"$and": [{"t": "x"}, {"k": i}]}} for i in range(n)]
        items += [{f"n{i}$not": {"$and": [{"t": "y"}, {"k": i}]}} for i in range(absent)]
        return {"r": {"all": items}}

    def facts(n: int) -> list[dict[str, Any]]:
        return [{"t": "x", "k": i} for i in range(n)]

    assert not model(join(16)) and engine(join(16), facts(16)) == "ran 1"
    assert not model(join(15, 3)) and engine(join(15, 3), facts(15)) == "ran 1"
    assert model(join(17)) and engine(join(17), facts(17)) == "crashed"


# -- the partition -----------------------------------------------------------------------

KINDS = ["x", "y", "z"]
test_ = st.one_of(
    st.builds(lambda v: {"v": f"s{v}"}, st.integers(0, 40)),
    st.builds(lambda v: {"$gte": {"n": v}}, st.integers(0, 40)),
    st.builds(lambda v: {"$iany": {"tags": {"$i": f"g{v}"}}}, st.integers(0, 5)),
    st.builds(lambda v: {"$nex": {f"p{v}": 1}}, st.integers(0, 5)),
    st.builds(lambda a, b: {"$or": [{"w": a}, {"w": b}]}, st.integers(0, 9), st.integers(10, 19)),
)
pattern = st.builds(
    lambda kind, tests: {"$and": [{"t": kind}, *tests]},
    st.sampled_from(KINDS),
    st.lists(test_, min_size=0, max_size=3),
)


class Rule:
    def __init__(self, name: str, rule_id: str, spec: dict[str, Any]) -> None:
        self.name, self.rule_id, self.spec = name, rule_id, spec


@st.composite
def packs(draw: st.DrawFn) -> tuple[list[Rule], dict[str, list[str]]]:
    n = draw(st.integers(1, 120))
    rules: list[Rule] = []
    depends: dict[str, list[str]] = {}
    for i in range(n):
        rid = f"rule{i}"
        deps = draw(st.lists(st.integers(0, i - 1), max_size=2, unique=True)) if i else []
        depends[rid] = [f"rule{d}" for d in deps]
        for j in range(draw(st.integers(1, 2))):
            items = [{"a": draw(pattern)}]
            items += [{f"f{d}": {"$and": [{"t": "finding"}, {"rule": f"rule{d}"}]}} for d in deps]
            rules.append(Rule(f"{rid}|{j}", rid, {"all": items, "dist": 0}))
    return rules, depends


SMALL = Limits(hash_children=12, next_list=6, beta_list=5, stack=16, actions=20)


@settings(max_examples=80, deadline=None)
@given(packs())
def test_every_ruleset_stays_under_every_limit(
    pack: tuple[list[Rule], dict[str, list[str]]],
) -> None:
    rules, depends = pack
    try:
        shards = partition(rules, depends, HELPERS, SMALL)
    except OversizedRule as exc:
        assert set(exc.reasons) == set(oversized(rules, HELPERS, SMALL))
        return
    placed = {rid: i for i, s in enumerate(shards) for rid in s.rule_ids}
    assert sorted(placed) == sorted({r.rule_id for r in rules})  # each rule exactly once
    assert sum(len(s.rule_ids) for s in shards) == len(placed)
    for shard in shards:
        u = shard.usage
        assert u.hash_children <= 12 and u.next_list <= 6 and u.beta_list <= 5
        assert u.stack <= 16 and u.actions <= 20
        specs = {r.name: r.spec for r in rules if r.name in shard.names}
        assert not model(specs, SMALL)  # rebuilt from scratch, the ruleset still fits
    for rid, deps in depends.items():  # a finding is produced no later than it is tested
        assert all(placed[d] <= placed[rid] for d in deps)
    again = partition(rules, depends, HELPERS, SMALL)
    assert [s.names for s in again] == [s.names for s in shards]  # deterministic


def test_depths_follow_finding_references() -> None:
    assert depths({"c": ["b"], "b": ["a"], "a": []}, {"a", "b", "c"}) == {"a": 0, "b": 1, "c": 2}
    assert depths({"a": ["a"]}, {"a"}) == {"a": 0}


def test_a_rule_too_large_alone_is_named() -> None:
    alts = [{"v": f"s{i}"} for i in range(600)]
    big = Rule("big|0", "big", {"all": [{"a": {"$and": [{"t": "x"}, {"$or": alts}]}}]})
    fine = Rule("fine|0", "fine", {"all": [{"a": {"$and": [{"t": "x"}, {"v": "s1"}]}}]})
    with pytest.raises(OversizedRule) as info:
        partition([fine, big], {}, HELPERS)
    assert list(info.value.reasons) == ["big"]
    assert "600 different tests" in info.value.reasons["big"][0]
    assert LIMITS.hash_children < 600


def test_strings_compare_on_their_length_modulo_65536() -> None:
    """Not a table but a fact limit (reduceString keeps lengths in 16 bits): a value longer
    than 65,535 bytes is compared on its first (length mod 65,536) bytes only."""
    rules = {"abc": {"all": [{"a": {"$and": [{"t": "x"}, {"v": "abc"}]}}]}}
    assert engine(rules, [{"t": "x", "v": "abc" + "z" * 65536}]) == "ran 1"  # a false match
    assert engine(rules, [{"t": "x", "v": "abcz"}]) == "ran 0"
