"""Benchmarks for two claims of the loading and signal stages; prints its figures.

1. YAML: PyYAML's C loader against the pure-Python one on the bundled cases.
2. Phrase search: time per KB of text as the number of phrases grows 10x and 100x
   (one Aho-Corasick automaton: it should stay flat).

Run: .venv/bin/python bench/signals.py
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from screening.loading.yamlio import parse_yaml
from screening.models.registry import PhraseSet
from screening.signals.text import PhraseIndex

ROOT = Path(__file__).resolve().parent.parent


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_yaml() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "cases").glob("*.yaml"))]
    size_kb = sum(len(t.encode()) for t in texts) / 1024

    def pure() -> None:
        for t in texts:
            yaml.load(t, Loader=yaml.SafeLoader)

    def ours() -> None:
        for t in texts:
            parse_yaml(t, "case.yaml")

    t_pure, t_ours = best_of(pure), best_of(ours)
    print(f"yaml: {len(texts)} case files, {size_kb:.0f} KB")
    print(f"  pure-Python SafeLoader        {t_pure * 1000:8.1f} ms")
    speedup = t_pure / t_ours
    print(f"  C loader + marks (screening)  {t_ours * 1000:8.1f} ms   ({speedup:.1f}x faster)")


def bench_phrases() -> None:
    rng = random.Random(7)
    words = [f"w{rng.randrange(100000)}" for _ in range(5000)]
    text = " ".join(rng.choice(words) for _ in range(40000))  # ~ 280 KB
    kb = len(text) / 1024
    print(f"phrases: search {kb:.0f} KB of text")
    for n in (100, 1000, 10000):
        phrases = [" ".join(rng.choice(words) for _ in range(2)) + f" x{i}" for i in range(n)]
        index = PhraseIndex([PhraseSet(id="s", description="d", phrases=phrases)])
        t = best_of(lambda index=index: index.search(text), repeat=3)  # type: ignore[misc]
        print(f"  {n:6d} phrases  {t * 1000 / kb:7.3f} ms per KB")


if __name__ == "__main__":
    bench_yaml()
    bench_phrases()
