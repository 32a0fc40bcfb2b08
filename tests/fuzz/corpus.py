"""The seed inputs (bundled case and rule files) and a reusable copy of a rule pack to mutate.

`PackCopy` copies a pack once into a temporary folder, with a `cases` link beside it so
rule examples (`../../cases/…`) resolve as in the repository; each fuzzed folder replaces one
or a few of its files, and `restore` puts the originals back before the next one, so a
thousand fuzzed folders cost one copy of disk space.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from tests.fuzz.harness import FIXTURE_PACK, REAL_PACK, ROOT
from tests.fuzz.mutate import mutate
from tests.fuzz.rulemut import rule_semantics
from tests.fuzz.values import FULL, Sizes

CASES = sorted((ROOT / "cases").glob("*.yaml")) + sorted((ROOT / "cases" / "dev").glob("*.yaml"))
#: Case files screened with a rule folder that validates (screening must not fail either).
PROBE_CASES = (
    ROOT / "cases" / "haifa-bay-port-sipg-concession.yaml",
    ROOT / "cases" / "ashdod-wuhan-twinning.yaml",
    ROOT / "tests" / "fixtures" / "cases" / "port-city-concession.yaml",
)


def load_donors(paths: list[Path], limit: int = 30) -> list[Any]:
    """Parsed trees whose subtrees structure mutations graft into other files."""
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in paths[:limit]]


def pack_files(pack: Path) -> tuple[list[Path], list[Path]]:
    """(rule files, settings/phrase/registry files) relative to the pack, sorted."""
    files = sorted(p.relative_to(pack) for p in pack.rglob("*.yaml"))
    special = [p for p in files if len(p.parts) == 1 or p.parts[0] in ("phrases", "registries")]
    return [p for p in files if p not in special], special


def mutate_pack(
    r: random.Random, pack: Path, donors: list[Any], sizes: Sizes = FULL
) -> tuple[dict[str, bytes], str]:
    """Mutants of one to three files of `pack` (relative path -> bytes) and what was done."""
    rules, special = pack_files(pack)
    files: dict[str, bytes] = {}
    done = []
    for _ in range(r.choice([1, 1, 1, 2, 3])):
        is_rule = r.random() >= 0.2
        rel = r.choice(rules if is_rule else special)
        extra = [rule_semantics] if is_rule else None
        data, how = mutate(r, (pack / rel).read_bytes(), donors, extra, sizes)
        if r.random() < 0.1:  # a new file beside the others (duplicate ids, odd names)
            rel = rel.with_name(r.choice(["copy.yaml", ".hidden.yaml", "x y.yaml", "é.yaml"]))
        files[str(rel)] = data
        done.append(f"{rel}:{how}")
    return files, " ".join(done)


class PackCopy:
    """A copy of `pack` at `<tmp>/rules`, mutated and restored file by file."""

    def __init__(self, pack: Path = REAL_PACK, base: Path | None = None) -> None:
        self.source = pack
        self._tmp = tempfile.TemporaryDirectory(prefix="fuzz-pack-", dir=base)
        self.root = Path(self._tmp.name) / "rules"
        shutil.copytree(pack, self.root, ignore=shutil.ignore_patterns("*.md"))
        (Path(self._tmp.name) / "cases").symlink_to(ROOT / "cases")
        self.rules, self.special = pack_files(pack)
        self.touched: list[Path] = []

    def write(self, rel: Path, data: bytes) -> Path:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.touched.append(rel)
        return target

    def restore(self) -> None:
        for rel in self.touched:
            original = self.source / rel
            if original.exists():
                shutil.copyfile(original, self.root / rel)
            else:
                (self.root / rel).unlink(missing_ok=True)
        self.touched = []

    def mutate(self, r: random.Random, donors: list[Any], sizes: Sizes = FULL) -> str:
        """Replace one to three files with mutants; returns what was done, for the record."""
        files, how = mutate_pack(r, self.source, donors, sizes)
        self.overlay(files)
        return how

    def overlay(self, files: dict[str, bytes]) -> None:
        self.restore()
        for rel, data in files.items():
            self.write(Path(rel), data)

    def close(self) -> None:
        self._tmp.cleanup()

    def __enter__(self) -> PackCopy:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


__all__ = ["CASES", "FIXTURE_PACK", "PROBE_CASES", "REAL_PACK", "PackCopy", "load_donors"]
