"""Hostile YAML: deep nesting, alias bombs, loops and tags each give one located problem.

The loader builds values from the parser's events with an explicit stack, so no depth can
exhaust Python's recursion limit, and it counts alias expansion before it copies anything.
"""

from __future__ import annotations

import resource
import time

import pytest

from screening.loading import yamlio
from screening.loading.yamlio import MAX_DEPTH, parse_yaml
from tests.conftest import FIXTURES


def nested(levels: int) -> str:
    """A case-like file whose `summary` holds lists `levels - 1` deep (the top mapping is 1)."""
    inner = levels - 1
    return "id: x\ntitle: t\nsummary: " + "[" * inner + "]" * inner + "\n"


def messages(text: str) -> list[str]:
    return [str(p) for p in parse_yaml(text, "f.yaml")[1]]


@pytest.mark.parametrize("levels", [2, 50, MAX_DEPTH])
def test_nesting_up_to_the_limit_loads(levels: int) -> None:
    doc, problems = parse_yaml(nested(levels), "f.yaml")
    assert problems == []
    value = doc.data["summary"]
    for _ in range(levels - 2):
        (value,) = value
    assert value == []


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 200, 501, 999])
def test_nesting_past_the_limit_is_one_located_problem_with_the_depth(levels: int) -> None:
    assert messages(nested(levels)) == [
        f"f.yaml:3:{10 + MAX_DEPTH - 1}: error: nesting too deep ({levels} > {MAX_DEPTH} "
        "levels) [yaml]"
    ]


@pytest.mark.parametrize("levels", [1001, 1500, 20_000])
def test_nesting_past_the_parsers_own_limit_says_the_same(levels: int) -> None:
    (message,) = messages(nested(levels))
    assert message.startswith("f.yaml:3:")
    assert message.endswith(f"nesting too deep (at least 1000 > {MAX_DEPTH} levels) [yaml]")


def test_block_nesting_counts_like_flow_nesting() -> None:
    block = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH)) + "  " * MAX_DEPTH + "v\n"
    doc, problems = parse_yaml(block, "f.yaml")
    assert problems == []
    value = doc.data
    for i in range(MAX_DEPTH):
        value = value[f"k{i}"]
    assert value == "v"
    deeper = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 1)) + "  " * 101 + "[x]\n"
    assert messages(deeper) == ["f.yaml:101:201: error: nesting too deep (102 > 100 levels) [yaml]"]


def test_aliases_cannot_nest_a_value_deeper_than_the_limit() -> None:
    half = 60
    text = f"a: &a {'[' * half}{']' * half}\nb: {'[' * half}*a{']' * half}\n"
    assert messages(text) == [
        f"f.yaml:2:{4 + half}: error: nesting too deep ({1 + half + half} > {MAX_DEPTH} "
        "levels) [yaml]"
    ]


BOMB = (FIXTURES / "hostile" / "billion-laughs.yaml").read_text()


def test_billion_laughs_is_refused_at_the_alias_that_passes_the_limit_quickly() -> None:
    assert len(BOMB.encode()) < 500
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    problems = messages(BOMB)
    elapsed = time.perf_counter() - started
    assert problems == [
        "f.yaml:10:8: error: aliases expand to too many nodes (141,148 > 100,000); "
        "write the values out instead of aliasing them [yaml-size]"
    ]
    assert elapsed < 1.0  # was 8 s and 527 MB before any alias was counted
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 50_000


def test_long_text_aliased_many_times_is_refused() -> None:
    text = "t: &t " + "x" * 100_000 + "\nmany: [" + ", ".join(["*t"] * 100) + "]\n"
    (message,) = messages(text)
    assert "aliases expand to too much text (8,400,000 > 8,388,608 characters)" in message
    assert message.startswith("f.yaml:2:")


def test_a_few_aliases_load_and_share_the_anchored_value() -> None:
    doc, problems = parse_yaml("a: &p {name: X, kind: bank}\nb: [*p, *p]\nc: &s hi\nd: *s\n", "f")
    assert problems == []
    assert doc.data["b"] == [{"name": "X", "kind": "bank"}] * 2
    assert doc.data["d"] == "hi"
    assert doc.location(("b", 1, "kind")).line == 2  # a problem in an aliased value: at its use


def test_the_node_limit_still_applies_to_plain_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "MAX_NODES", 100)
    (message,) = messages("a: [" + ", ".join(["x"] * 200) + "]\n")
    assert "file expands to more than 100 nodes" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: &a [1, *a]\n", "1:11: error: alias '*a' inside its own anchor '&a' (a loop)"),
        ("a: &a {b: *a}\n", "1:11: error: alias '*a' inside its own anchor '&a' (a loop)"),
        ("a: *nope\n", "1:4: error: undefined alias '*nope'; expected an anchor '&nope' before it"),
        ("? [a]\n: 1\n", "1:3: error: a mapping key must be a plain string"),
        ("a: &m {x: 1}\n*m : 2\n", "2:1: error: a mapping key must be a plain string"),
        (
            "a: 1\n<<: {b: 2}\n",
            "2:1: error: merge keys ('<<') are not supported; write the keys out",
        ),
        ("a: 1\n---\nb: 2\n", "2:1: error: a second document ('---'); expected one document per"),
    ],
)
def test_structural_problems_are_located(text: str, expected: str) -> None:
    (message,) = messages(text)
    assert message.startswith(f"f.yaml:{expected}")


def test_alias_of_a_scalar_may_be_a_key_and_duplicates_inside_nested_maps_are_found() -> None:
    doc, problems = parse_yaml("k: &k name\nm:\n  *k : 1\n  x: {a: 1, a: 2}\n", "f.yaml")
    assert doc.data["m"]["name"] == 1
    assert [str(p) for p in problems] == [
        "f.yaml:4:13: error: duplicate key 'a' (first at line 4) [yaml]"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("!!bool maybe", "'maybe' is not valid after '!!bool'; expected true or false"),
        ("!!int abc", "'abc' is not valid after '!!int'; expected a whole number"),
        ("!!int 0x_", "'0x_' is not valid after '!!int'; expected a whole number"),
        ("!!float x", "'x' is not valid after '!!float'; expected a number"),
        ("!!null x", "'x' is not valid after '!!null'; expected null, ~ or nothing"),
        ("!!timestamp bad", "'bad' is not valid after '!!timestamp'; expected a date such as"),
        ("!!timestamp 2021-02-30", "'2021-02-30' is not valid after '!!timestamp'; expected"),
        ("!<tag:yaml.org,2002:bool> x", "'x' is not valid after '!!bool'; expected true or"),
        ("2021-02-30", "'2021-02-30' is not a valid timestamp (day is out of range for month)"),
        ("!!binary aGVsbG8=", "unsupported tag '!!binary'; expected a plain value (tags"),
        ("!!binary '@@@'", "unsupported tag '!!binary'; expected a plain value"),
        ("!secret x", "unsupported tag '!secret'; expected a plain value"),
        ("!!python/object:os.system x", "unsupported tag '!!python/object:os.system'"),
        ("!!python/name:os.system ''", "unsupported tag '!!python/name:os.system'"),
        ("!!python/object/apply:os.system [ls]", "unsupported tag '!!python/object/apply:os."),
        ("!!set {a: 1}", "unsupported tag '!!set' on a mapping; remove the tag"),
        ("!!omap [a: 1]", "unsupported tag '!!omap' on a list; remove the tag"),
        ("!!str [a]", "unsupported tag '!!str' on a list; remove the tag"),
        ("!!merge x", "unsupported tag '!!merge'"),
        ("!!bool " + "y" * 100, "'" + "y" * 55 + "...' is not valid after '!!bool'"),
    ],
)
def test_bad_tags_and_unreadable_scalars_are_one_located_line(value: str, expected: str) -> None:
    (message,) = messages(f"id: x\ntitle: {value}\n")
    assert message.startswith(f"f.yaml:2:8: error: {expected}")
    assert "\n" not in message and message.endswith("[yaml]")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("!!bool yes", True),
        ("!!int '42'", 42),
        ("!!float 1", 1.0),
        ("!!null ''", None),
        ("!!str 2021-01-01", "2021-01-01"),
        ("! 12", 12),  # the non-specific tag '!' resolves as if there were none
        ("=", "="),
        ("<<", "<<"),
        ("!!map {a: 1}", {"a": 1}),
        ("!!seq [1]", [1]),
    ],
)
def test_standard_tags_and_plain_values_still_read(value: str, expected: object) -> None:
    doc, problems = parse_yaml(f"v: {value}\n", "f.yaml")
    assert problems == []
    assert doc.data["v"] == expected


def test_every_bad_scalar_of_a_file_is_reported() -> None:
    text = "a: !!bool maybe\nb: !!int x\nc: ok\nd: !foo 1\n"
    assert [m.split(": error: ")[0] for m in messages(text)] == [
        "f.yaml:1:4",
        "f.yaml:2:4",
        "f.yaml:4:4",
    ]
