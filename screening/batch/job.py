"""One `screening batch` run: expand inputs, skip what is done, screen the rest, record all."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from screening import __version__
from screening.batch.inputs import expand, shown
from screening.batch.runner import Outcome, file_digest, run
from screening.batch.sinks import Sink, open_sink
from screening.errors import Problem
from screening.loading.rulepack import RulePack


@dataclass
class BatchSummary:
    bands: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)  # counted findings per rule
    errors: list[Problem] = field(default_factory=list)
    scored: int = 0
    skipped: int = 0
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {"scored": self.scored, "skipped": self.skipped, "errors": len(self.errors)}

    def add(self, outcome: Outcome) -> None:
        if outcome.record is None:
            self.errors.extend(outcome.problems)
            return
        self.scored += 1
        self.bands[outcome.record.band] += 1
        self.rules.update(outcome.record.counted_rules)


Tick = Callable[[Outcome | None], None]


def run_batch(
    args: list[str],
    pack: RulePack,
    jobs: int,
    out: Path,
    tick: Tick | None = None,
    on_total: Callable[[int], None] | None = None,
) -> BatchSummary:
    """Screen every case named by `args` into `out`; bad files become error records."""
    summary = BatchSummary()
    meta = {
        "engine_version": __version__,
        "rules_digest": pack.digest,
        "rules_dir": str(pack.root),
        "arguments": {"paths": args, "jobs": jobs, "out": str(out)},
    }
    sink = open_sink(out, meta)
    started = time.perf_counter()
    status = "interrupted"
    try:
        todo = list(_inputs(args, sink, summary))
        if on_total:
            on_total(len(todo) + summary.skipped + len(summary.errors))
        for _ in range(summary.skipped + len(summary.errors)):
            if tick:
                tick(None)
        for outcome in run(todo, pack.root, jobs):
            if sink.write(outcome):
                summary.add(outcome)
            else:  # a concurrent run into the same database got there first
                summary.skipped += 1
            if tick:
                tick(outcome)
        status = "completed"
    finally:
        summary.seconds = time.perf_counter() - started
        sink.close(status, summary.counts())
    return summary


def _inputs(args: list[str], sink: Sink, summary: BatchSummary) -> Iterator[str]:
    """Paths still to screen; missing arguments are recorded as errors, done cases skipped."""
    for item in expand(args):
        if isinstance(item, Problem):
            outcome = Outcome(item.location.path, problems=(item,))
            sink.write(outcome)
            summary.add(outcome)
            continue
        path = shown(item)
        if sink.resumable:
            digest = file_digest(str(item))
            if digest is not None and sink.already_scored(path, digest):
                summary.skipped += 1
                continue
        yield path
