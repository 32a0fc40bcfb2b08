"""Soak: thousands of fuzzed case files and rule folders, every fuzzing target held.

`.venv/bin/python -m bench.soak` (defaults: 10,000 cases, 1,000 rule folders, seed 1,
2 workers) generates, deterministically from the seed:

- case files: three in five are bundled case files (cases/, cases/dev/) with one to three
  mutations (bytes, lines, YAML tags and anchors, structure; up to the 8 MB cap); two in five
  are generated from the case schema (tests/fuzz/schemagen.py), a quarter of those edited
  once more. Each goes through `screening batch`'s per-file path (`screen_path`), and
  when scored its text, markdown and JSON reports are rendered as `screening screen` does.
- rule folders: a copy of the bundled pack (one per worker, reused) with one to three files
  replaced by mutants (four in five) or a schema-generated rule added (one in five), checked
  with `screening rules validate`; a folder that validates then screens three cases.

Each input runs in a worker process (tests/fuzz/worker.py) under a CPU limit (5 s a case,
30 s a folder); a crash, hang or runaway allocation costs only that worker. Failures that
match an open crasher (tests/fuzz/crashers/index.yaml) are counted as known; any other
failure is saved under --save and makes the exit status 1. An input over its time bound is
replayed once on a fresh worker before it counts (a shared machine can push one over); those
that pass on replay are listed apart. `--first N` starts at input N, to replay a stretch.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fuzz import crashers, schemagen
from tests.fuzz.corpus import CASES, PROBE_CASES, PackCopy, load_donors, mutate_pack
from tests.fuzz.harness import REAL_PACK, Verdict, Worker
from tests.fuzz.mutate import mutate, structure
from tests.fuzz.values import FULL, dump_yaml

CHUNK = 250  # schema examples drawn at a time (hypothesis generates them in one run)
FAILURE_STATUSES = ("internal", "unlocated", "flood", "slow", "hang", "crash", "memory")
#: Verdicts on time: replayed once on a fresh worker before they count, since other work on the
#: machine (or the worker's own history) can push an input over its bound; both are printed.
TIME_STATUSES = ("slow", "hang")


@dataclass
class Tally:
    kind: str
    inputs: int = 0
    bytes: int = 0
    status: Counter[str] = field(default_factory=Counter)
    known: Counter[str] = field(default_factory=Counter)
    origins: Counter[str] = field(default_factory=Counter)
    slowest: tuple[float, float, str] = (0.0, 0.0, "")  # cpu, wall, label
    hungriest: tuple[int, str] = (0, "")  # rise of a worker's peak RSS (KB), label
    saved: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)  # over time once, within it on replay

    def add(self, verdict: Verdict, size: int, label: str, known: str | None, rise: int) -> None:
        self.inputs += 1
        if rise > self.hungriest[0]:
            self.hungriest = (rise, f"{label} ({size:,} bytes)")
        self.bytes += size
        if known is not None:
            self.known[known] += 1
            self.status["known"] += 1
        else:
            self.status[verdict.status] += 1
        if verdict.status in ("hang", "crash"):
            return  # no CPU figure: the worker did not answer
        cpu = float(verdict.reply.get("cpu", 0.0))
        if verdict.status == "slow" and not cpu:
            cpu = verdict.seconds  # stopped at its CPU limit
        if cpu > self.slowest[0]:
            self.slowest = (cpu, verdict.seconds, f"{label} ({size:,} bytes)")

    @property
    def unexpected(self) -> int:
        return sum(self.status[s] for s in FAILURE_STATUSES)


@dataclass
class Job:
    index: int
    label: str
    files: dict[str, bytes]  # case: {"case.yaml": …}; rules: {relative path in the pack: …}


class Soak:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.crashers = crashers.load()
        self.save = Path(args.save)
        self.lock = threading.Lock()
        self.peak_kb = 0
        self.case_donors = load_donors(CASES)
        self.rule_donors = load_donors(sorted(REAL_PACK.rglob("*.yaml")))
        self._schema: dict[tuple[str, int], list[Any]] = {}

    # ------------------------------------------------------------ inputs

    def _schema_example(self, what: str, i: int) -> Any:
        chunk = i // CHUNK
        with self.lock:
            if (what, chunk) not in self._schema:
                self._schema = {k: v for k, v in self._schema.items() if k[0] != what}
                strategy = schemagen.cases() if what == "case" else schemagen.rules(REAL_PACK)
                seed = self.args.seed * 1_000_003 + chunk
                self._schema[(what, chunk)] = schemagen.draw_examples(strategy, CHUNK, seed)
            examples = self._schema[(what, chunk)]
        return examples[i % CHUNK % len(examples)]

    def case_job(self, i: int) -> Job:
        r = random.Random(f"{self.args.seed}/case/{i}")
        if i % 5 < 2:
            data = dump_yaml(self._schema_example("case", i), r)
            label = "schema-generated case"
            if r.random() < 0.25:
                data = structure(r, data, FULL, self.case_donors)
                label += " + structure"
        else:
            source = r.choice(CASES)
            data, how = mutate(r, source.read_bytes(), self.case_donors, sizes=FULL)
            label = f"{source.name}: {how}"
        return Job(i, label, {"case.yaml": data})

    def rules_job(self, i: int) -> Job:
        r = random.Random(f"{self.args.seed}/rules/{i}")
        if i % 5 == 4:
            rule = self._schema_example("rules", i)
            rel = f"{rule.get('family', 'generated')}/{rule.get('id', 'generated')}.yaml"
            return Job(i, f"schema-generated rule {rel}", {rel: dump_yaml(rule, r)})
        files, how = mutate_pack(r, REAL_PACK, self.rule_donors, FULL)
        return Job(i, how, files)

    # ------------------------------------------------------------ running

    def run(self, kind: str, n: int) -> Tally:
        tally = Tally(kind)
        make = self.case_job if kind == "case" else self.rules_job
        local = threading.local()
        started = time.perf_counter()

        def one(i: int) -> None:
            if not hasattr(local, "worker"):
                local.worker = Worker()
                local.worker.start()
                local.copy = PackCopy(REAL_PACK, self.scratch) if kind == "rules" else None
                local.tmp = Path(tempfile.mkdtemp(dir=self.scratch))
                with self.lock:
                    workers.append((local.worker, local.copy))
            job = make(i)
            before = local.worker.peak_kb if local.worker.requests else 0
            verdict = self._check(kind, job, local.worker, local.copy, local.tmp)
            if verdict.status in TIME_STATUSES:  # confirm on a fresh worker
                with Worker() as fresh:
                    again = self._check(kind, job, fresh, local.copy, local.tmp)
                if again.ok:
                    with self.lock:
                        tally.unconfirmed.append(
                            f"#{i} {job.label[:100]}: {verdict.status} {verdict.detail or ''}"
                            f" ({verdict.seconds:.1f} s wall), then {again.status} in"
                            f" {float(again.reply.get('cpu', 0.0)):.2f} s CPU on a fresh worker"
                        )
                    verdict = again
            rise = local.worker.peak_kb - before if before else 0
            size = sum(len(d) for d in job.files.values())
            found = None if verdict.ok else crashers.known(kind, verdict, size, self.crashers)
            with self.lock:
                tally.add(verdict, size, f"#{i} {job.label}", found, rise)
                tally.origins["schema" if "schema-generated" in job.label else "mutated"] += 1
                self.peak_kb = max(self.peak_kb, local.worker.peak_kb)
                if not verdict.ok and found is None:
                    tally.saved.append(self._save(kind, job, verdict))
                if tally.inputs % self.args.progress == 0:
                    rate = tally.inputs / (time.perf_counter() - started)
                    print(
                        f"  {kind}: {tally.inputs}/{n} ({rate:.1f}/s) {dict(tally.status)}",
                        file=sys.stderr,
                        flush=True,
                    )

        workers: list[tuple[Worker, PackCopy | None]] = []
        try:
            with ThreadPoolExecutor(self.args.jobs) as pool:
                first = self.args.first
                for future in [pool.submit(one, i) for i in range(first, first + n)]:
                    future.result()
        finally:
            for worker, copy in workers:
                worker.close()
                if copy is not None:
                    copy.close()
        return tally

    def _check(
        self, kind: str, job: Job, worker: Worker, copy: PackCopy | None, tmp: Path
    ) -> Verdict:
        if kind == "case":
            path = tmp / "case.yaml"
            path.write_bytes(job.files["case.yaml"])
            return worker.case(path)
        assert copy is not None
        copy.overlay(job.files)
        return worker.rules(copy.root, PROBE_CASES)

    def _save(self, kind: str, job: Job, verdict: Verdict) -> str:
        name = f"{kind}-{job.index:05d}"
        note = f"seed {self.args.seed}, input {job.index}: {job.label}"
        return str(crashers.save_found(name, job.files, verdict, note, root=self.save))

    @property
    def scratch(self) -> Path:
        return Path(self.args.scratch)


def report(t: Tally, what: str, print_: Callable[[str], None]) -> None:
    origins = ", ".join(f"{n:,} {k}" for k, n in sorted(t.origins.items()))
    scored = "validated and screened" if t.kind == "rules" else "scored"
    print_(f"{what}: {t.inputs:,} inputs ({origins}), {t.bytes / 1e6:,.1f} MB in all")
    print_(f"  {scored}: {t.status['scored']:,}")
    print_(f"  located errors: {t.status['rejected']:,}")
    known = ", ".join(f"{k} {n}" for k, n in t.known.most_common()) or "none"
    print_(f"  known crashers (open fixtures): {t.status['known']:,} ({known})")
    print_(f"  internal errors: {t.status['internal']:,} (must be 0)")
    others = ", ".join(f"{s} {t.status[s]}" for s in FAILURE_STATUSES[1:])
    print_(f"  other new failures: {others}")
    cpu, wall, label = t.slowest
    print_(f"  slowest: {cpu:.2f} s CPU ({wall:.2f} s wall): {label[:160]}")
    rise, label = t.hungriest
    print_(f"  largest rise of a worker's peak memory: {rise / 1024:,.0f} MB: {label[:160]}")
    print_(f"  over the time bound once, within it when replayed: {len(t.unconfirmed)}")
    for line in t.unconfirmed[:20]:
        print_(f"    {line}")
    for path in t.saved[:20]:
        print_(f"  saved: {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--rules", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--first", type=int, default=0, help="index of the first input (to replay a stretch)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--save",
        default=str(Path(tempfile.gettempdir()) / "screening-soak"),
        help="folder for the inputs of new failures",
    )
    parser.add_argument("--progress", type=int, default=500, help="report every N inputs")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="soak-") as scratch:
        args.scratch = scratch
        soak = Soak(args)
        print(f"soak: seed {args.seed}, {args.jobs} workers, pack {REAL_PACK.name}/", flush=True)
        tallies = []
        for kind, n, what in (("case", args.cases, "cases"), ("rules", args.rules, "rule folders")):
            if n <= 0:
                continue
            t0 = time.perf_counter()
            tally = soak.run(kind, n)
            tallies.append(tally)
            report(tally, what, print)
            print(f"  time: {time.perf_counter() - t0:,.0f} s", flush=True)
    print(f"peak memory: {soak.peak_kb / 1024:,.0f} MB (highest worker RSS)")
    print(f"wall time: {time.perf_counter() - started:,.0f} s")
    return 1 if any(t.unexpected for t in tallies) else 0


if __name__ == "__main__":
    raise SystemExit(main())
