"""Fuzzed case files through `screening batch`'s per-file path and `screening screen`'s reports.

Targets for every input: a result or located errors (file:line), never an internal error;
within `harness.CASE_SECONDS` of CPU; a bounded rise of memory. See tests/fuzz/profiles.py
for the number of examples (`make fuzz N=10000` for many more).
"""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from screening.cli import cli
from tests.fuzz import schemagen
from tests.fuzz.assertions import expect_ok
from tests.fuzz.corpus import CASES, load_donors
from tests.fuzz.harness import REAL_PACK, Worker, located
from tests.fuzz.mutate import mutate, structure
from tests.fuzz.profiles import SIZES, examples
from tests.fuzz.values import SMALL, dump_yaml


@cache
def _donors() -> list[Any]:
    return load_donors(CASES)


def _screen(worker: Worker, scratch: Path, data: bytes, test: str, note: str) -> None:
    path = scratch / "case.yaml"
    path.write_bytes(data)
    verdict = worker.case(path)
    expect_ok("case", verdict, {"case.yaml": data}, test, note)


@examples(ci=120)
@given(source=st.sampled_from(CASES), seed=st.integers(0, 2**64 - 1))
def test_mutated_bundled_cases(worker: Worker, scratch: Path, source: Path, seed: int) -> None:
    data, how = mutate(random.Random(seed), source.read_bytes(), _donors(), sizes=SIZES)
    _screen(worker, scratch, data, "mutated-case", f"{how} of {source.name} (seed {seed})")


@examples(ci=80)
@given(case=schemagen.cases(), seed=st.integers(0, 2**64 - 1), edit=st.booleans())
def test_schema_generated_cases(
    worker: Worker, scratch: Path, case: dict[str, Any], seed: int, edit: bool
) -> None:
    r = random.Random(seed)
    data = dump_yaml(case, r)
    if edit:  # one structural edit: a generated case with a wrong type, a deep value, …
        data = structure(r, data, SIZES, _donors())
    _screen(worker, scratch, data, "generated-case", "schema-generated case")


def test_bundled_cases_meet_the_targets(worker: Worker) -> None:
    """The seeds themselves (one in five; the golden tests screen them all) are scored."""
    bad = []
    for path in CASES[::5]:
        verdict = worker.case(path)
        if verdict.status != "scored":
            bad.append(f"{path.name}: {verdict.status} {verdict.detail}")
    assert bad == []


def test_screen_command_agrees_with_the_batch_path(worker: Worker, tmp_path: Path) -> None:
    """`screening screen` on twenty mutants: no internal error, every problem line located,
    and the files it rejects are those the batch path rejects."""
    paths = []
    for seed in range(20):
        r = random.Random(seed)
        source = r.choice(CASES)
        data, _ = mutate(r, source.read_bytes(), _donors(), sizes=SMALL)
        path = tmp_path / f"m{seed:02d}.yaml"
        path.write_bytes(data)
        paths.append(path)
    result = CliRunner().invoke(
        cli, ["screen", *map(str, paths), "--format", "json", "--rules", str(REAL_PACK)]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 2) and "internal error" not in result.output
    lines = result.stderr.splitlines()
    assert all(located(line) for line in lines), lines
    rejected_by_cli = {p for p in paths if any(line.startswith(f"{p}:") for line in lines)}
    rejected_by_batch = {p for p in paths if worker.case(p).status == "rejected"}
    assert rejected_by_cli == rejected_by_batch
