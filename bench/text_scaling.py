"""Phrase search must grow with the text, not with hits x sentence length.

A case summary made of one phrase repeated N times is one long sentence holding N hits:
the worst case for per-hit sentence work. For each text shape below, this times
`PhraseIndex.search` (the bundled pack's phrase sets) at 1k, 10k, 100k and 300k
repetitions and prints the time per 1,000 repetitions, which stays flat when work is linear.
`--screen` also times `screening screen` end to end on generated case files: the text as
the case summary (a 300k summary is 4.2 MB; the loader accepts case files up to 8 MB; no
bundled rule reads the summary by default), then as one document of the largest size
allowed (2,000,000 characters), which `bri-framing` reads, so its evidence is reported.

Shapes:
  plain     "Belt and Road " x N: one sentence, every hit counts (the reported stall)
  negated   "not the Belt and Road " x N: every hit is negated, so every hit is examined
  excluded  "Digital Silk Road film festival " x N: every hit is in an excluded context
  sentences "The port joined the Belt and Road. " x N: many short sentences
  chinese   "该项目与一带一路无关" x N: CJK text, every hit negated

Run: .venv/bin/python -m bench.text_scaling [--reps 1000 10000 100000 300000] [--screen]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from screening.loading.rulepack import read_rule_pack
from screening.signals.text import PhraseIndex

ROOT = Path(__file__).resolve().parent.parent
#: A document's text is at most 2,000,000 characters (screening/models/case.py).
DOCUMENT_CHARS = 2_000_000
SHAPES = {
    "plain": "Belt and Road ",
    "negated": "not the Belt and Road ",
    "excluded": "Digital Silk Road film festival ",
    "sentences": "The port joined the Belt and Road. ",
    "chinese": "该项目与一带一路无关",
}


def bench_search(index: PhraseIndex, reps: list[int], shapes: list[str]) -> None:
    print("search: seconds, and ms per 1,000 repetitions (flat = linear)")
    for shape in shapes:
        unit = SHAPES[shape]
        row = []
        for n in reps:
            text = unit * n
            start = time.perf_counter()
            hits, suppressed = index.search(text)
            took = time.perf_counter() - start
            row.append(f"{n // 1000:>4}k {took:7.3f} s ({took * 1e6 / n:6.2f} ms/1k)")
        print(f"  {shape:<9} " + "  ".join(row))
        print(f"  {'':<9} last run: {len(hits)} hits kept, {len(suppressed)} suppressed records")


def bench_screen(reps: list[int]) -> None:
    print("screen: `screening screen` on a generated case, wall time including start-up")
    unit = SHAPES["plain"]
    doc_reps = DOCUMENT_CHARS // len(unit)
    runs: list[tuple[str, dict[str, object]]] = [
        (f"summary, {n // 1000}k reps", {"summary": unit * n}) for n in reps
    ]
    document = {"id": "d", "title": "Readout", "kind": "press_release", "text": unit * doc_reps}
    runs.append((f"document, {doc_reps // 1000}k reps", {"documents": [document]}))
    with tempfile.TemporaryDirectory() as tmp:
        for i, (label, fields) in enumerate(runs):
            path = Path(tmp) / f"case-{i}.yaml"
            case = {"id": f"case-{i}", "title": "Repeated phrase", "jurisdiction": "IL", **fields}
            path.write_text(yaml.safe_dump(case, width=10**9), encoding="utf-8")
            size_mb = path.stat().st_size / 1e6
            start = time.perf_counter()
            proc = subprocess.run(
                [str(Path(sys.executable).parent / "screening"), "screen", str(path)],
                capture_output=True,
                check=False,
            )
            took = time.perf_counter() - start
            fired = "no rule fired" if b"No rule fired" in proc.stdout else "rules fired"
            print(
                f"  {label:<22} {size_mb:5.2f} MB: {took:6.2f} s, exit {proc.returncode}, "
                f"{fired}, {len(proc.stdout) / 1024:.0f} KB of report"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, nargs="+", default=[1000, 10000, 100000, 300000])
    parser.add_argument("--shapes", nargs="+", choices=sorted(SHAPES), default=list(SHAPES))
    parser.add_argument("--screen", action="store_true", help="also time `screening screen`")
    args = parser.parse_args()
    pack, problems = read_rule_pack(ROOT / "rules")
    if pack is None:
        sys.exit(f"the bundled rule pack does not load: {problems}")
    index = PhraseIndex(pack.phrase_sets.values())
    bench_search(index, args.reps, args.shapes)
    if args.screen:
        bench_screen(args.reps)


if __name__ == "__main__":
    main()
