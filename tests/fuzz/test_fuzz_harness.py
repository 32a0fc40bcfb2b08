"""The fuzzing harness can fail: it notices crashes, hangs, slowness, memory, internal errors
and unlocated problems, and its mutations are reproducible and never raise."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import crashers
from tests.fuzz.corpus import CASES
from tests.fuzz.harness import Verdict, Worker, judge
from tests.fuzz.mutate import mutate
from tests.fuzz.profiles import examples
from tests.fuzz.values import SMALL


@pytest.fixture(scope="module")
def bare() -> Iterator[Worker]:
    with Worker(preload=()) as w:
        yield w


@pytest.mark.parametrize(
    ("request_", "bound", "timeout", "status"),
    [
        ({"do": "segfault"}, 5, None, "crash"),
        ({"do": "hang"}, 0.2, None, "hang"),
        ({"do": "spin", "seconds": 0.5}, 0.2, 60, "slow"),  # finishes, over its bound
        ({"do": "spin", "seconds": 600}, 0.2, 60, "slow"),  # stopped at the CPU limit
        ({"do": "raise"}, 5, None, "internal"),
        ({"do": "allocate", "mb": 400}, 5, None, "memory"),
        ({"do": "nothing"}, 5, None, "scored"),
    ],
)
def test_the_harness_notices(
    bare: Worker, request_: dict[str, object], bound: float, timeout: float | None, status: str
) -> None:
    bare.request({"kind": "selftest", "do": "nothing"}, 5)  # a first request sets the baseline
    verdict = bare.request({"kind": "selftest", **request_}, bound, timeout)
    assert verdict.status == status, verdict.detail
    assert bare.request({"kind": "selftest", "do": "nothing"}, 5).ok  # replaced if it died


def _case_reply(*problems: list[object]) -> dict[str, object]:
    return {"status": "rejected", "problems": list(problems)}


def test_judge_wants_a_line_except_for_whole_file_problems() -> None:
    req = {"kind": "case"}
    located = ["c.yaml", 3, 1, "case-schema", "id: required key is missing"]
    whole = ["c.yaml", 0, 0, "io-size", "file is 9,000,000 bytes"]
    unlocated = ["c.yaml", 0, 0, "case-schema", "something"]
    assert judge(req, _case_reply(located, whole), 0.1).ok
    assert judge(req, _case_reply(located, unlocated), 0.1).status == "unlocated"


def test_judge_reads_validate_output() -> None:
    req = {"kind": "rules"}
    good = [
        "r/x.yaml:3:5: error: weight: got 300; expected at most 100 [rule-schema]",
        "1 error in 1 file; quotes not checked against the source documents",
        "ok: 12 rules checked, no problems",
    ]
    assert judge(req, {"status": "rejected", "output": good, "problems": []}, 0.1).ok
    for bad in ("r/x.yaml: error: weight: got 300 [rule-schema]", "Traceback (most recent call"):
        reply = {"status": "rejected", "output": [*good, bad], "problems": []}
        assert judge(req, reply, 0.1).status == "unlocated"


@examples(ci=30)
@given(source=st.sampled_from(CASES), seed=st.integers(0, 2**64 - 1))
def test_mutations_are_reproducible_and_never_raise(source: Path, seed: int) -> None:
    data = source.read_bytes()
    first = mutate(random.Random(seed), data, sizes=SMALL)
    assert mutate(random.Random(seed), data, sizes=SMALL) == first


def test_known_crashers_match_only_while_open() -> None:
    entry = crashers.Crasher(
        id="x",
        kind="case",
        input="x.yaml",
        owner="screening/x.py",
        summary="s",
        match={"status": ["slow"], "min_bytes": 100},
    )
    slow = Verdict("slow", 9.0, "9.0 CPU s")
    assert crashers.known("case", slow, 1000, [entry]) == "x"
    assert crashers.known("case", slow, 10, [entry]) is None
    assert crashers.known("rules", slow, 1000, [entry]) is None
    fixed = dataclasses.replace(entry, status="fixed")
    assert crashers.known("case", slow, 1000, [fixed]) is None


def test_judge_calls_a_repeated_problem_line_a_flood() -> None:
    line = "r/x.yaml:3:5: error: x: placeholder '{a}' names no matched condition [rule-template]"
    reply = {"status": "rejected", "output": [line], "problems": [], "repeats": [line, 5000]}
    assert judge({"kind": "rules"}, reply, 0.1).status == "flood"
    reply["repeats"] = [line, 2]
    assert judge({"kind": "rules"}, reply, 0.1).ok
