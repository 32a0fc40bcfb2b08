"""Time and memory of `screening impact` for a weight or condition change over a corpus.

The head pack is the bundled one with one rule's weight changed (`--change weight`) or one
ownership threshold lowered (`--change condition`: a rule that compound rules and
mitigations rest on), so both packs extract alike: the first run (empty store) reads and
extracts each case once, matches the base pack and, for a condition change, the edited rules
with those they rest on; the second run (store filled) hashes each file and, for either
change, only re-scores the rules' stored outcomes. A condition change has a third run, on a
store filled (untimed) with the base's outcomes alone, as after an earlier review: the
edited rules and those they rest on are matched, the rest re-scored. Prints each run's time
and rate, the parent's resident memory sampled through the runs (flat means the results are
not held), the peak of the parent and of the largest worker, and the time 100,000 cases
would take at the measured rate and, from the CPU time per case, on as many free cores as
jobs (the machine may be shared).

Run: .venv/bin/python -m bench.impact [--cases N | --corpus DIR] [--jobs J] [--change C]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import tempfile
import time
from pathlib import Path

from bench.batch import cpu_seconds, rss_mb
from bench.generate import generate
from screening.batch.inputs import expand
from screening.checks import load_rule_pack
from screening.impact.pair import stream

ROOT = Path(__file__).resolve().parent.parent
TARGET_CASES = 100_000
TARGET_SECONDS = 60.0


def heavier(src: Path, dst: Path) -> str:
    """Copy the pack to `dst` with the first weighted rule's weight raised by 10."""
    shutil.copytree(src, dst)
    for path in sorted(dst.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        m = re.search(r"^weight: (\d+)$", text, flags=re.MULTILINE)
        if m and path.parent.name not in ("registries", "phrases"):
            weight = int(m.group(1))
            path.write_text(text.replace(m.group(0), f"weight: {weight + 10}", 1), "utf-8")
            return f"{path.relative_to(dst)}: weight {weight} -> {weight + 10}"
    raise SystemExit("no weighted rule in the pack")


def stricter(src: Path, dst: Path) -> str:
    """Copy the pack to `dst` with the 25% state-share threshold lowered by 5 points (a rule
    that a compound rule and two mitigations rest on)."""
    shutil.copytree(src, dst)
    path = dst / "state-ownership" / "foreign-state-share-25.yaml"
    text = path.read_text(encoding="utf-8")
    m = re.search(r"state_share_gte: (\d+)", text)
    if m is None:
        raise SystemExit(f"no ownership threshold in {path}")
    share = int(m.group(1))
    path.write_text(text.replace(m.group(0), f"state_share_gte: {share - 5}", 1), "utf-8")
    return f"{path.relative_to(dst)}: state_share_gte {share} -> {share - 5}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--corpus", type=Path, help="an existing folder of case files")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--change", choices=("weight", "condition"), default="weight")
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = ns.corpus or Path(tmp) / "corpus"
        if ns.corpus is None:
            generate(corpus, ns.cases, seed=1)
        paths = [str(p) for p in expand([str(corpus)]) if isinstance(p, Path)][: ns.cases]
        edit = heavier if ns.change == "weight" else stricter
        change = edit(ROOT / "rules", Path(tmp) / "head")
        base = load_rule_pack(ROOT / "rules")
        head = load_rule_pack(Path(tmp) / "head")
        store = Path(tmp) / "signals.sqlite"
        print(f"corpus: {len(paths)} cases; head: {change}; {ns.jobs} jobs, {os.cpu_count()} CPUs")
        every = max(1, len(paths) // 8)
        rates: dict[str, float] = {}
        cpu_rates: dict[str, float] = {}
        runs = ["empty store", "filled store"]
        runs += ["base's outcomes stored"] if ns.change == "condition" else []
        for run in runs:
            samples: list[str] = []
            moved = errors = 0
            used = store
            if run == "base's outcomes stored":
                used = Path(tmp) / "base-only.sqlite"
                for _ in stream(base, base, paths, ns.jobs, used):  # untimed
                    pass
            start, cpu = time.perf_counter(), cpu_seconds()
            for n, impact in enumerate(stream(base, head, paths, ns.jobs, used), 1):
                moved += impact.band_move != 0
                errors += not impact.complete
                if n % every == 0:
                    samples.append(f"{n}: {rss_mb():.0f} MB")
            seconds = time.perf_counter() - start
            rates[run] = len(paths) / seconds
            cpu_rates[run] = len(paths) / (cpu_seconds() - cpu)
            print(
                f"impact, {run}: {seconds:7.1f} s, {rates[run]:6.0f} cases/s, "
                f"{cpu_rates[run]:5.0f} per CPU second ({moved} changed band, {errors} errors)"
            )
            print("  parent RSS: " + ", ".join(samples))
        size = store.stat().st_size / 1024 / 1024
        print(f"signals store: {size:.0f} MB ({size * 1024 / len(paths):.1f} KB a case)")
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak RSS: {own:.0f} MB (this process), {kids:.0f} MB (largest worker)")
        for run, rate in rates.items():
            total = TARGET_CASES / rate
            free = TARGET_CASES / (cpu_rates[run] * ns.jobs)  # every job on a core of its own
            verdict = "meets" if min(total, free) <= TARGET_SECONDS else "misses"
            print(
                f"{TARGET_CASES:,} cases, {run}: {total:.0f} s at this run's rate, {free:.0f} s "
                f"on {ns.jobs} free cores ({verdict} the {TARGET_SECONDS:.0f} s target)"
            )


if __name__ == "__main__":
    main()
