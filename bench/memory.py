"""Resident memory of `screening batch` through a long run: flat means nothing accumulates.

Scores a folder of case files (`bench/generate.py` writes one: 100,000 cases take a few
minutes) into a new SQLite database with `--jobs` workers, and prints the resident memory
of the parent and of each worker every `--every` cases, then the rise from the first sample
after warm-up to the largest later one (the target: within 50 MB).

Run: .venv/bin/python -m bench.memory CORPUS [--cases N] [--jobs J] [--every K]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from screening.batch.inputs import expand
from screening.batch.job import run_batch
from screening.batch.runner import Outcome
from screening.checks import load_rule_pack

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB = 50.0


def rss_of(pid: int | str) -> float:
    """VmRSS of a process in MB (0 when it is gone)."""
    try:
        with Path(f"/proc/{pid}/status").open() as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children() -> list[int]:
    out: list[int] = []
    for task in Path("/proc/self/task").iterdir():
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            continue
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--every", type=int, default=10_000)
    ns = parser.parse_args()
    every_file = [str(p) for p in expand([str(ns.corpus)]) if isinstance(p, Path)]
    paths = every_file[: ns.cases]
    args = [str(ns.corpus)] if len(paths) == len(every_file) else paths  # the run's record
    pack = load_rule_pack(ROOT / "rules")
    samples: list[tuple[int, float, list[float]]] = []
    done = 0

    def tick(_outcome: Outcome | None) -> None:
        nonlocal done
        done += 1
        if done % ns.every == 0 or done == min(1000, len(paths)):
            samples.append((done, rss_of("self"), [rss_of(pid) for pid in children()]))
            parent, workers = samples[-1][1], samples[-1][2]
            shown = ", ".join(f"{mb:.0f}" for mb in workers)
            rate = done / (time.perf_counter() - start)
            print(
                f"{done:>7} cases  {rate:5.0f}/s  parent {parent:5.0f} MB  workers {shown} MB",
                flush=True,
            )

    print(f"{len(paths)} cases from {ns.corpus}, {ns.jobs} jobs, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        summary = run_batch(args, pack, ns.jobs, Path(tmp) / "results.sqlite", tick=tick)
        seconds = time.perf_counter() - start
        size = (Path(tmp) / "results.sqlite").stat().st_size / 1024 / 1024
    print(
        f"{summary.scored} scored, {len(summary.errors)} errors in {seconds:.0f} s "
        f"({summary.scored / seconds:.0f} cases/s); database {size:.0f} MB"
    )
    if len(samples) >= 2:
        first = samples[0]
        rise_parent = max(s[1] for s in samples) - first[1]
        rise_worker = max(
            (max(s[2]) if s[2] else 0.0) - (max(first[2]) if first[2] else 0.0) for s in samples
        )
        verdict = "within" if max(rise_parent, rise_worker) <= TARGET_MB else "beyond"
        print(
            f"rise after case {first[0]}: parent {rise_parent:+.0f} MB, largest worker "
            f"{rise_worker:+.0f} MB ({verdict} the ±{TARGET_MB:.0f} MB target)"
        )


if __name__ == "__main__":
    main()
