"""Fuzzed rule folders through `screening rules validate` (and screening, when they validate).

A folder is a copy of a pack with one to three files replaced by mutants, or with a
schema-generated rule added. Targets: located problems (file:line) or a clean validation,
never an internal error; a folder that validates must screen cases without one either;
within `harness.RULES_SECONDS` of CPU.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import schemagen
from tests.fuzz.assertions import expect_ok
from tests.fuzz.corpus import PROBE_CASES, PackCopy, load_donors
from tests.fuzz.harness import FIXTURE_PACK, REAL_PACK, Worker
from tests.fuzz.profiles import SIZES, examples
from tests.fuzz.values import dump_yaml


@pytest.fixture(scope="module")
def fixture_copy() -> Iterator[PackCopy]:
    with PackCopy(FIXTURE_PACK) as copy:
        yield copy


@pytest.fixture(scope="module")
def real_copy() -> Iterator[PackCopy]:
    with PackCopy(REAL_PACK) as copy:
        yield copy


_DONORS: dict[Path, list[Any]] = {}


def _fuzz_folder(worker: Worker, copy: PackCopy, r: random.Random, test: str) -> None:
    if copy.source not in _DONORS:
        _DONORS[copy.source] = load_donors(sorted(copy.source.rglob("*.yaml")))
    donors = _DONORS[copy.source]
    how = copy.mutate(r, donors, SIZES)
    verdict = worker.rules(copy.root, PROBE_CASES)
    files = {str(rel): (copy.root / rel).read_bytes() for rel in copy.touched}
    expect_ok("rules", verdict, files, test, f"{copy.source.name}: {how}")


@examples(ci=25, share=0.1)
@given(seed=st.integers(0, 2**64 - 1))
def test_mutated_fixture_pack(worker: Worker, fixture_copy: PackCopy, seed: int) -> None:
    _fuzz_folder(worker, fixture_copy, random.Random(seed), "mutated-fixture-pack")


@examples(ci=2, share=0.02)
@given(seed=st.integers(0, 2**64 - 1))
def test_mutated_bundled_pack(worker: Worker, real_copy: PackCopy, seed: int) -> None:
    _fuzz_folder(worker, real_copy, random.Random(seed), "mutated-bundled-pack")


@examples(ci=20, share=0.1)
@given(rule=schemagen.rules(FIXTURE_PACK), r=st.randoms(use_true_random=False))
def test_schema_generated_rules(
    worker: Worker, fixture_copy: PackCopy, rule: dict[str, Any], r: random.Random
) -> None:
    rel = f"{rule.get('family', 'generated')}/{rule.get('id', 'generated')}.yaml"
    files = {rel: dump_yaml(rule, r)}
    fixture_copy.overlay(files)
    verdict = worker.rules(fixture_copy.root, PROBE_CASES)
    expect_ok("rules", verdict, files, "generated-rule", "schema-generated rule")
