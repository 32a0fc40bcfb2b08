"""The one assertion of the fuzz tests: an input met every target, or failed as a known crasher."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import event

from tests.fuzz import crashers
from tests.fuzz.harness import Verdict


@cache
def _crashers() -> list[crashers.Crasher]:
    return crashers.load()


def expect_ok(kind: str, verdict: Verdict, files: dict[str, bytes], test: str, note: str) -> None:
    """Pass, count a known crasher, or fail with the input saved for a crasher fixture."""
    event(f"{kind}: {verdict.status}")
    if verdict.ok:
        return
    size = sum(len(d) for d in files.values())
    known = crashers.known(kind, verdict, size, _crashers())
    if known is not None:
        event(f"known crasher: {known}")
        return
    where = crashers.save_found(test, files, verdict, note)
    pytest.fail(
        f"{verdict.status}: {verdict.detail}\n({note}; {verdict.seconds:.2f} s)\n"
        f"The input is saved in {where}: copy it under tests/fuzz/crashers/ and list it in "
        "tests/fuzz/crashers/index.yaml.",
        pytrace=False,
    )
