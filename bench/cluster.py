"""`screening batch --executor dask` on a local Dask cluster against the local process pool.

Generates N deterministic synthetic cases (bench/generate.py), then scores them into SQLite
twice: with the local process pool (`--jobs W`) and on a `distributed.LocalCluster` of W
worker processes (1 thread each) through its scheduler address, as `--scheduler` does.
Prints cases/s for each (the cluster's start-up timed apart) and checks that both databases
hold the same scores and bands.

Run: .venv/bin/python -m bench.cluster [--cases N] [--workers W]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.generate import generate
from screening.batch.job import run_batch
from screening.batch.runner import ClusterOptions
from screening.checks import load_rule_pack

ROOT = Path(__file__).resolve().parent.parent


def scores(db: Path) -> list[tuple[str, float, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT path, score, band FROM cases ORDER BY case_row").fetchall()
    return [(str(p), float(s), str(b)) for p, s, b in rows]


def main() -> None:
    from distributed import LocalCluster

    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    ns = parser.parse_args()
    pack = load_rule_pack(ROOT / "rules")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        start = time.perf_counter()
        paths = generate(corpus, ns.cases, seed=1)
        print(
            f"corpus: {len(paths)} cases generated in {time.perf_counter() - start:.0f} s, "
            f"{len(pack.active_rules)} rules, {os.cpu_count()} CPUs"
        )

        out_local = Path(tmp) / "local.sqlite"
        start = time.perf_counter()
        summary = run_batch([str(corpus)], pack, ns.workers, out_local)
        local = summary.scored / (time.perf_counter() - start)
        print(
            f"local process pool, --jobs {ns.workers}: {local:6.0f} cases/s "
            f"({summary.scored} scored, {len(summary.errors)} errors)"
        )

        start = time.perf_counter()
        with LocalCluster(
            n_workers=ns.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster:
            up = time.perf_counter() - start
            out_dask = Path(tmp) / "dask.sqlite"
            options = ClusterOptions(scheduler=cluster.scheduler_address)
            start = time.perf_counter()
            summary = run_batch([str(corpus)], pack, ns.workers, out_dask, cluster=options)
            rate = summary.scored / (time.perf_counter() - start)
        print(
            f"Dask LocalCluster, {ns.workers} workers:  {rate:6.0f} cases/s "
            f"({summary.scored} scored, {len(summary.errors)} errors; "
            f"{rate / local:.2f} of the local pool; cluster start-up {up:.1f} s apart)"
        )
        same = scores(out_local) == scores(out_dask)
        print(f"same scores and bands, in the same order: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
