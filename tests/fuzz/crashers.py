"""Inputs that once missed a fuzzing target, kept as fixtures and replayed by a regular test.

`tests/fuzz/crashers/index.yaml` lists them: the input (a case file, or the files a rule
folder replaces), the code it fails in, and its state. While an entry is `open`, its replay
is expected to fail (xfail, not strict) and the fuzz tests and the soak count inputs that
fail the same way (`match`) as known, not as new; once fixed, set `status: fixed` and the
replay must pass and the fuzzers no longer excuse it.

Inputs larger than 256 KB are stored gzip-compressed (`.gz`) and expanded when replayed.
"""

from __future__ import annotations

import gzip
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.fuzz.harness import FIXTURE_PACK, REAL_PACK, ROOT, Verdict

HERE = Path(__file__).resolve().parent / "crashers"
INDEX = HERE / "index.yaml"
#: Where the fuzz tests save a new failing input (not committed; see the failure message).
FOUND = ROOT / ".hypothesis" / "fuzz-failures"
COMPRESS_OVER = 256 * 1024


@dataclass(frozen=True)
class Crasher:
    id: str
    kind: str  # case | rules
    input: str  # a file (case) or a folder of files laid over the pack (rules)
    owner: str  # the file the fix belongs in
    summary: str
    status: str = "open"  # open | fixed
    pack: str = "real"  # the pack a case is screened with, or a folder's files overlay
    match: dict[str, Any] = field(default_factory=dict)  # how fuzzers recognise it
    seconds: float | None = None  # a tighter CPU bound for a scaled-down slow reproducer

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def pack_dir(self) -> Path:
        return REAL_PACK if self.pack == "real" else FIXTURE_PACK

    def case_bytes(self) -> bytes:
        return _read(HERE / self.input)

    def overlay(self) -> dict[str, bytes]:
        """Relative path in the pack -> bytes, for a rule-folder crasher."""
        root = HERE / self.input
        return {
            str(p.relative_to(root)).removesuffix(".gz"): _read(p)
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    def matches(self, kind: str, verdict: Verdict, size: int) -> bool:
        """Does a fuzzer's failing verdict look like this (open) crasher?"""
        if not self.is_open or not self.match:
            return False
        if kind not in self.match.get("kinds", [self.kind]):
            return False
        if verdict.status not in self.match.get("status", [verdict.status]):
            return False
        if size < self.match.get("min_bytes", 0):
            return False
        pattern = self.match.get("detail")
        return pattern is None or re.search(pattern, verdict.detail) is not None


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def load() -> list[Crasher]:
    entries = yaml.safe_load(INDEX.read_text(encoding="utf-8")) or []
    return [Crasher(**e) for e in entries]


def known(kind: str, verdict: Verdict, size: int, crashers: list[Crasher]) -> str | None:
    """The id of the open crasher this failure matches, if any."""
    for c in crashers:
        if c.matches(kind, verdict, size):
            return c.id
    return None


def save_found(
    name: str, files: dict[str, bytes], verdict: Verdict, note: str, root: Path = FOUND
) -> Path:
    """Keep a new failing input where a developer can turn it into a crasher fixture.

    The fuzz tests save under one name per test, so after shrinking it holds the smallest."""
    folder = root / name
    shutil.rmtree(folder, ignore_errors=True)
    for rel, data in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if len(data) > COMPRESS_OVER:
            target = target.with_name(target.name + ".gz")
            data = gzip.compress(data, mtime=0)
        target.write_bytes(data)
    (folder / "VERDICT.txt").write_text(f"{verdict.status}: {verdict.detail}\n{note}\n")
    return folder
