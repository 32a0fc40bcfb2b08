"""Replay every crasher fixture (tests/fuzz/crashers/index.yaml) through the same harness.

An `open` crasher is expected to fail the way its entry says (xfail, not strict: it passes
once its owner fixes it; then set `status: fixed`, which makes this test strict about it).
Failing in another way is a real failure even while open.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fuzz import crashers
from tests.fuzz.corpus import PROBE_CASES, PackCopy
from tests.fuzz.harness import ROOT, Worker

ENTRIES = crashers.load()


class KnownFailure(AssertionError):
    """An open crasher failed the way its entry describes."""


def _param(c: crashers.Crasher) -> object:
    marks = []
    if c.is_open:
        reason = f"open, in {c.owner}: {c.summary}"
        marks.append(pytest.mark.xfail(strict=False, raises=KnownFailure, reason=reason))
    return pytest.param(c, id=c.id, marks=marks)


@pytest.fixture(scope="module")
def packs() -> Iterator[dict[str, PackCopy]]:
    copies: dict[str, PackCopy] = {}
    yield copies
    for copy in copies.values():
        copy.close()


@pytest.mark.parametrize("crasher", [_param(c) for c in ENTRIES])
def test_crasher_meets_the_targets(
    crasher: crashers.Crasher, worker: Worker, packs: dict[str, PackCopy], tmp_path: Path
) -> None:
    if crasher.kind == "case":
        path = tmp_path / Path(crasher.input).name.removesuffix(".gz")
        data = crasher.case_bytes()
        path.write_bytes(data)
        verdict = worker.case(path, crasher.pack_dir, bound=crasher.seconds or 0)
        size = len(data)
    else:
        if crasher.pack not in packs:
            packs[crasher.pack] = PackCopy(crasher.pack_dir)
        copy = packs[crasher.pack]
        files = crasher.overlay()
        copy.overlay(files)
        verdict = worker.rules(copy.root, PROBE_CASES, bound=crasher.seconds or 0)
        copy.restore()
        size = sum(len(d) for d in files.values())
    if not verdict.ok and crasher.matches(crasher.kind, verdict, size):
        raise KnownFailure(f"{verdict.status}: {verdict.detail}")
    assert verdict.ok, f"{verdict.status}: {verdict.detail}"


def test_the_index_is_consistent() -> None:
    ids = [c.id for c in ENTRIES]
    assert len(ids) == len(set(ids))
    for c in ENTRIES:
        assert c.kind in ("case", "rules") and c.status in ("open", "fixed"), c.id
        assert (crashers.HERE / c.input).exists(), c.input
        assert (ROOT / c.owner).exists(), c.owner
