"""Throughput and memory of `screening batch`, against raw durable-rules matching.

Prints, for one deterministic synthetic corpus (bench/generate.py):
- raw durable-rules matching rate: the same facts, pre-extracted, asserted case by case;
- the whole pipeline (read, validate, extract, match, score, write SQLite) at --jobs 1 and
  at every core, with the ratio to the raw rate and the scaling;
- resident memory sampled through the --jobs 1 run (flat means no leak) and peak memory;
- engine firings per finding (each firing is an engine action and a draft update).

On a machine shared with other work, wall-clock rates swing with the load; each rate is
also given per CPU second (the processes' own CPU time), which the load barely moves.

Run: .venv/bin/python -m bench.batch [--cases N] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from bench.generate import generate
from screening.batch.job import run_batch
from screening.batch.runner import Outcome, default_jobs
from screening.checks import load_rule_pack
from screening.loading.case import load_case
from screening.pipeline.engine import Matcher
from screening.pipeline.findings import build_drafts
from screening.signals.extract import SignalExtractor

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    with Path("/proc/self/status").open() as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the batch workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--corpus", type=Path, help="an existing folder of case files")
    ns = parser.parse_args()
    pack = load_rule_pack(ROOT / "rules")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        if ns.corpus is not None:
            corpus = Path(tmp) / "subset"  # the first N files, linked
            corpus.mkdir()
            for src in sorted(ns.corpus.glob("*.yaml"))[: ns.cases]:
                (corpus / src.name).symlink_to(src.resolve())
            paths = sorted(corpus.glob("*.yaml"))
        else:
            paths = generate(corpus, ns.cases, seed=1)
        size_kb = sum(p.stat().st_size for p in paths) / 1024
        print(
            f"corpus: {len(paths)} cases, {size_kb / len(paths):.1f} KB per case on average, "
            f"{len(pack.active_rules)} rules"
        )

        extractor = SignalExtractor(pack)
        extractions = [extractor.extract(load_case(p, pack)[0]) for p in paths]
        facts = [e.facts for e in extractions]
        per_case = sum(len(f) for f in facts) / len(facts)
        matcher = Matcher(pack.active_rules)
        start, cpu = time.perf_counter(), time.process_time()
        fired = [matcher.match(f) for f in facts]
        raw = len(facts) / (time.perf_counter() - start)
        raw_cpu = len(facts) / (time.process_time() - cpu)
        matcher.close()
        firings = sum(len(f) for f in fired)
        findings = sum(
            len(build_drafts(pack, f, e.by_id(), e.values, explain=False))
            for f, e in zip(fired, extractions, strict=True)
        )
        print(
            f"raw durable-rules matching: {raw:8.0f} cases/s, {raw_cpu:6.0f} per CPU second "
            f"({per_case:.1f} facts, {firings / len(facts):.1f} firings per case, "
            f"{firings / max(findings, 1):.2f} firings per finding)"
        )
        del extractions, facts, fired

        samples: list[tuple[int, float]] = []

        def tick(outcome: Outcome | None) -> None:
            done = len(samples) + 1
            if done % max(1, len(paths) // 8) == 0:
                samples.append((done, rss_mb()))
            else:
                samples.append((done, -1.0))

        rates: dict[int, float] = {}
        cpu_rates: dict[int, float] = {}
        for jobs in sorted({1, default_jobs()}):
            out = Path(tmp) / f"results-{jobs}.sqlite"
            start, cpu = time.perf_counter(), cpu_seconds()
            summary = run_batch([str(corpus)], pack, jobs, out, tick=tick if jobs == 1 else None)
            rates[jobs] = summary.scored / (time.perf_counter() - start)
            per_cpu = summary.scored / (cpu_seconds() - cpu)
            cpu_rates[jobs] = per_cpu
            ratio = (
                f"{rates[1] / raw:.2f} of raw matching; {per_cpu / raw_cpu:.2f} per CPU second"
                if jobs == 1
                else f"{rates[jobs] / raw:.2f} of raw matching"
            )
            print(
                f"pipeline --jobs {jobs}: {rates[jobs]:8.0f} cases/s, {per_cpu:6.0f} per CPU "
                f"second ({ratio}; {len(summary.errors)} errors)"
            )
        if len(rates) > 1:
            top = max(rates)
            print(f"scaling: {rates[top] / rates[1]:.2f}x on {top} cores (wall clock)")
            print(
                f"CPU cost of {top} workers: {cpu_rates[top] / cpu_rates[1]:.2f} of one's cases "
                f"per CPU second (on {top} free cores: {top * cpu_rates[top] / cpu_rates[1]:.2f}x)"
            )
        points = [f"{n}: {mb:.0f} MB" for n, mb in samples if mb >= 0]
        print("RSS through the --jobs 1 run: " + ", ".join(points))
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"peak RSS: {own:.0f} MB (this process), {kids:.0f} MB (largest worker); "
            f"{os.cpu_count()} CPUs"
        )


if __name__ == "__main__":
    main()
