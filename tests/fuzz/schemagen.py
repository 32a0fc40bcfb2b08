"""Hypothesis strategies for case files and rule files, built from their JSON Schemas.

`docs/schemas/case.schema.json` and `rule.schema.json` (written by `screening schema`) say
which keys, types, patterns, enums and bounds each file may have. The strategies follow them,
and draw most strings and numbers from the values the bundled files use under the same key
(sector ids, phrase set ids, case paths, real document texts), so generated inputs get past
validation often enough to reach signal extraction, the engine, scoring and reporting.
A generated document is schema-shaped, not necessarily valid: the checks beyond the schema
(vocabularies, references) and out-of-pool values still fail, with located errors.
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from tests.fuzz.harness import ROOT

SCHEMAS = ROOT / "docs" / "schemas"
#: Nesting of objects and lists beyond which only non-recursive choices are made.
MAX_DEPTH = 7
MAX_LIST = 4

Pools = dict[str, list[Any]]


def harvest(paths: list[Path]) -> Pools:
    """Every scalar the files hold, by the key it stands under (list items: the list's key);
    every mapping's keys under `<key>.keys`; whole mappings and lists under `<key>.tree`."""
    pools: defaultdict[str, list[Any]] = defaultdict(list)

    def walk(node: Any, key: str) -> None:
        if isinstance(node, dict):
            pools[f"{key}.keys"].extend(str(k) for k in node)
            pools[f"{key}.tree"].append(node)
            for k, v in node.items():
                walk(v, str(k))
        elif isinstance(node, list):
            pools[f"{key}.tree"].append(node)
            for v in node:
                walk(v, key)
        elif node is not None:
            pools[key].append(node)

    for path in paths:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), "")
    return {k: _distinct(v) for k, v in pools.items()}


def _distinct(values: list[Any]) -> list[Any]:
    seen: dict[str, Any] = {}
    for v in values:
        seen.setdefault(repr(v), v)
    return [seen[k] for k in sorted(seen)]


def case_files() -> list[Path]:
    return sorted((ROOT / "cases").glob("*.yaml")) + sorted((ROOT / "cases" / "dev").glob("*.yaml"))


def rule_pack_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.yaml"))


class SchemaStrategies:
    """Strategies for one schema's documents, memoised per definition and depth."""

    def __init__(self, schema: dict[str, Any], pools: Pools) -> None:
        self.schema = schema
        self.defs: dict[str, Any] = schema.get("$defs", {})
        self.pools = pools
        self.recursive = {name for name in self.defs if self._reaches(name, name, set())}
        self._memo: dict[tuple[int, int, str], st.SearchStrategy[Any]] = {}

    def _refs(self, node: Any) -> set[str]:
        if isinstance(node, dict):
            out = {node["$ref"].rsplit("/", 1)[-1]} if "$ref" in node else set()
            for v in node.values():
                out |= self._refs(v)
            return out
        if isinstance(node, list):
            return set().union(*(self._refs(v) for v in node)) if node else set()
        return set()

    def _reaches(self, start: str, goal: str, seen: set[str]) -> bool:
        for ref in self._refs(self.defs[start]):
            if ref == goal:
                return True
            if ref not in seen:
                seen.add(ref)
                if self._reaches(ref, goal, seen):
                    return True
        return False

    def document(self) -> st.SearchStrategy[dict[str, Any]]:
        return self.build(self.schema, 0, "")

    def build(self, node: dict[str, Any], depth: int, key: str) -> st.SearchStrategy[Any]:
        depth = min(depth, MAX_DEPTH)
        memo_key = (id(node), depth, key)  # the nodes live as long as `self.schema`
        if memo_key not in self._memo:
            self._memo[memo_key] = self.make(node, depth, key)
        return self._memo[memo_key]

    def make(self, node: dict[str, Any], depth: int, key: str) -> st.SearchStrategy[Any]:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return st.deferred(lambda: self.build(self.defs[name], depth, key))
        for combo in ("anyOf", "oneOf"):
            if combo in node:
                options = node[combo]
                if depth >= MAX_DEPTH:
                    leafy = [o for o in options if not (self._refs(o) & self.recursive)]
                    options = leafy or options
                return st.one_of(*(self.build(o, depth, key) for o in options))
        if "const" in node:
            return st.just(node["const"])
        if "enum" in node:
            return st.sampled_from(node["enum"])
        kind = node.get("type")
        if kind in ("object", "array"):
            own = (
                self._object(node, depth, key)
                if kind == "object"
                else self._array(node, depth, key)
            )
            trees = [t for t in self.pools.get(f"{key}.tree", []) if _fits_tree(t, kind)]
            if trees and depth < MAX_DEPTH:  # a real subtree, or a new one
                return st.one_of(st.sampled_from(trees).map(copy.deepcopy), own)
            return own
        return self._scalar(node, kind, key)

    def _object(self, node: dict[str, Any], depth: int, key: str) -> st.SearchStrategy[Any]:
        props: dict[str, Any] = node.get("properties", {})
        if props:
            required = set(node.get("required", []))
            return st.fixed_dictionaries(
                {k: self.build(v, depth + 1, k) for k, v in props.items() if k in required},
                optional={
                    k: self.build(v, depth + 1, k) for k, v in props.items() if k not in required
                },
            )
        values: Any = node.get("additionalProperties") or {"type": "string"}
        keys: st.SearchStrategy[str] = st.text(min_size=1, max_size=12)
        if "propertyNames" in node and "enum" in node["propertyNames"]:
            keys = st.sampled_from(node["propertyNames"]["enum"])
        for pattern, schema in node.get("patternProperties", {}).items():
            values = schema
            pool = self.pools.get(f"{key}.keys", [])
            regex = st.from_regex(pattern, fullmatch=True)
            keys = st.one_of(st.sampled_from(pool), regex) if pool else regex
        if not isinstance(values, dict):
            values = {"type": "string"}
        return st.dictionaries(
            keys,
            self.build(values, depth + 1, key),
            min_size=node.get("minProperties", 0),
            max_size=MAX_LIST,
        )

    def _array(self, node: dict[str, Any], depth: int, key: str) -> st.SearchStrategy[Any]:
        least = node.get("minItems", 0)
        most = min(node.get("maxItems", MAX_LIST), max(least, MAX_LIST))
        if depth >= MAX_DEPTH:
            most = least
        items = self.build(node.get("items", {}), depth + 1, key)
        return st.lists(items, min_size=least, max_size=most)

    def _scalar(self, node: dict[str, Any], kind: Any, key: str) -> st.SearchStrategy[Any]:
        pool = [v for v in self.pools.get(key, []) if _fits(v, kind)]
        own = _typed(node, kind)
        if pool:
            return st.one_of(st.sampled_from(pool), st.sampled_from(pool), own)
        return own


def _fits_tree(value: Any, kind: str) -> bool:
    return isinstance(value, dict) if kind == "object" else isinstance(value, list)


def _fits(value: Any, kind: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    return kind is None and isinstance(value, str | int | float | bool)


def _typed(node: dict[str, Any], kind: Any) -> st.SearchStrategy[Any]:
    if kind == "string":
        pattern = node.get("pattern")
        if pattern and pattern.startswith("^") and pattern.endswith("$"):
            return st.from_regex(pattern[1:-1], fullmatch=True)
        if pattern:
            return st.from_regex(pattern)
        return st.text(
            min_size=node.get("minLength", 0), max_size=min(node.get("maxLength", 40), 40)
        )
    if kind in ("number", "integer"):
        low = node.get("minimum", node.get("exclusiveMinimum"))
        high = node.get("maximum", node.get("exclusiveMaximum"))
        if kind == "integer":
            return st.integers(min_value=low, max_value=high)
        return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    return st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20))


@cache
def case_strategies() -> SchemaStrategies:
    schema = json.loads((SCHEMAS / "case.schema.json").read_text(encoding="utf-8"))
    return SchemaStrategies(schema, harvest(case_files()))


@cache
def rule_strategies(pack: Path) -> SchemaStrategies:
    schema = json.loads((SCHEMAS / "rule.schema.json").read_text(encoding="utf-8"))
    return SchemaStrategies(schema, harvest(rule_pack_files(pack)))


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    """A case document; its cross-references mostly name parties it really has."""
    case: dict[str, Any] = draw(case_strategies().document())
    ids = [p["id"] for p in case.get("parties", []) if isinstance(p, dict) and "id" in p]
    if ids and draw(st.booleans()):
        for holder, key in (("documents", "signatories"), ("sites", "parties")):
            for item in _dicts(case.get(holder)):
                for ref in _dicts(item.get(key)):
                    ref["party"] = draw(st.sampled_from(ids))
    return case


def _dicts(items: Any) -> list[dict[str, Any]]:
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def rules(pack: Path) -> st.SearchStrategy[dict[str, Any]]:
    """A rule document whose values come mostly from the pack's own files."""
    return rule_strategies(pack).document()


def draw_examples(strategy: st.SearchStrategy[Any], n: int, seed_: int) -> list[Any]:
    """`n` examples of a strategy, the same for the same seed (for the soak benchmark)."""
    out: list[Any] = []

    @settings(
        max_examples=n,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @seed(seed_)
    @given(strategy)
    def collect(example: Any) -> None:
        out.append(example)

    collect()
    return out
