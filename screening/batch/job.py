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
from screening.models.result import Result
from screening.report.html import render_batch_report


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
    report: Path | None = None,
) -> BatchSummary:
    """Screen every case named by `args` into `out`; bad files become error records.

    With `report`, each case's HTML dossier is written into a folder beside it and the
    overview page links to them.
    """
    summary = BatchSummary()
    meta = {
        "engine_version": __version__,
        "rules_digest": pack.digest,
        "rules_dir": str(pack.root),
        "arguments": {"paths": args, "jobs": jobs, "out": str(out)},
    }
    sink = open_sink(out, meta)
    pages = ReportWriter(report) if report is not None else None
    started = time.perf_counter()
    status = "interrupted"
    try:
        todo = list(_inputs(args, sink, summary))
        if on_total:
            on_total(len(todo) + summary.skipped + len(summary.errors))
        for _ in range(summary.skipped + len(summary.errors)):
            if tick:
                tick(None)
        for outcome in run(todo, pack.root, jobs, dossiers=pages is not None):
            if pages is not None:
                pages.add(outcome)
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
        if pages is not None:
            pages.finish(summary.errors)
    return summary


class ReportWriter:
    """Writes dossiers as they arrive, then the overview page that links to them."""

    def __init__(self, report: Path) -> None:
        self.report = report
        self.folder = report.parent / f"{report.stem}-dossiers"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.results: list[Result] = []
        self.links: dict[str, str] = {}
        self.used: set[str] = set()

    def add(self, outcome: Outcome) -> None:
        record = outcome.record
        if record is None or record.dossier_html is None or outcome.result is None:
            return
        name, n = f"{record.case_id}.html", 1
        while name in self.used:  # two files with one case id: keep both pages
            n += 1
            name = f"{record.case_id}-{n}.html"
        self.used.add(name)
        (self.folder / name).write_text(record.dossier_html, encoding="utf-8")
        self.links.setdefault(record.case_id, f"{self.folder.name}/{name}")
        self.results.append(outcome.result)

    def finish(self, errors: list[Problem]) -> None:

        page = render_batch_report(self.results, [str(p) for p in errors], self.links)
        self.report.write_text(page, encoding="utf-8")


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
