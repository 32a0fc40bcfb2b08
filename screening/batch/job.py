"""One `screening batch` run: expand inputs, skip what is done, screen the rest, record all."""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from screening import __version__
from screening.batch.inputs import expand, shown
from screening.batch.runner import ClusterOptions, Outcome, file_digest, run
from screening.batch.sinks import Sink, open_sink
from screening.errors import InputError, Location, Problem, write_failure
from screening.loading.case import MAX_CASE_BYTES
from screening.loading.rulepack import RulePack
from screening.models.result import Result
from screening.monitor.digests import pack_digests
from screening.report.html import render_batch_report
from screening.waivers import WaiverSet


@dataclass
class BatchSummary:
    bands: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)  # counted findings per rule
    errors: list[Problem] = field(default_factory=list)  # every problem, several per file
    scored: int = 0
    skipped: int = 0
    failed: int = 0  # files (or arguments naming none) that could not be screened
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {"scored": self.scored, "skipped": self.skipped, "errors": len(self.errors)}

    def add(self, outcome: Outcome) -> None:
        if outcome.record is None:
            self.failed += 1
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
    cluster: ClusterOptions | None = None,
    waivers: WaiverSet | None = None,
) -> BatchSummary:
    """Screen every case named by `args` into `out`; bad files become error records.

    With `report`, each case's HTML dossier is written into a folder beside it and the
    overview page links to them. With `cluster`, cases are screened on a Dask cluster
    (`cluster.py`) instead of `jobs` local processes; the output is the same. With
    `waivers`, each worker applies them to the cases it screens.
    """
    outcomes = _executor(cluster, waivers)
    summary = BatchSummary()
    meta = {
        "engine_version": __version__,
        "rules_digest": pack.digest,
        "rules_dir": str(pack.root),
        "digests": pack_digests(pack),  # which rule or registry entry changed (monitor)
        "arguments": {"paths": args, "jobs": jobs, "out": str(out)}
        | ({} if waivers is None else {"waivers": waivers.digest})
        | (
            {}
            if cluster is None
            else {"executor": "dask", "scheduler": cluster.scheduler or "local cluster"}
        ),
    }
    sink = open_sink(out, meta)
    try:
        pages = ReportWriter(report) if report is not None else None
    except OSError as exc:
        sink.close("failed", summary.counts())
        raise write_failure(report or out, "the report", exc) from None
    started = time.perf_counter()
    status = "interrupted"
    try:
        # with a report every case is screened again: the overview shows the whole batch
        todo = list(_inputs(args, sink, summary, skip=pages is None))
        if on_total:
            on_total(len(todo) + summary.skipped + summary.failed)
        for _ in range(summary.skipped + summary.failed):
            if tick:
                tick(None)
        for outcome in outcomes(todo, pack, jobs, pages is not None):
            if pages is not None:
                pages.add(outcome)
            sink.write(outcome)
            summary.add(outcome)
            if tick:
                tick(outcome)
        sink.flush()
        status = "completed"
    except InputError:
        status = "failed"
        raise
    finally:
        summary.seconds = time.perf_counter() - started
        with contextlib.suppress(InputError):
            sink.flush()  # keep what was screened, also when interrupted
        # cases a concurrent run into the same database had already written
        summary.scored -= sink.conflicts
        summary.skipped += sink.conflicts
        with contextlib.suppress(InputError):
            sink.close(status, summary.counts())
        if pages is not None:
            try:
                pages.finish(summary.errors)
            except OSError as exc:
                raise write_failure(pages.report, "the report", exc) from None
    return summary


def _executor(
    cluster: ClusterOptions | None, waivers: WaiverSet | None = None
) -> Callable[[list[str], RulePack, int, bool], Iterator[Outcome]]:
    """The local process pool, or the Dask cluster (imported only then: an optional extra)."""
    if cluster is None:
        return lambda todo, pack, jobs, dossiers: run(
            todo, pack, jobs, dossiers=dossiers, waivers=waivers
        )
    try:
        from screening.batch.cluster import run_dask
    except ImportError as exc:
        message = (
            f"Dask is not installed ({exc}); install the extra: pip install 'screening[cluster]'"
        )
        raise InputError([Problem(Location("--executor dask"), message, "usage")]) from None
    return lambda todo, pack, _jobs, dossiers: run_dask(
        todo, pack, cluster, dossiers=dossiers, waivers=waivers
    )


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
        # the overview needs scores and contributions, not evidence: keep memory small
        slim = [
            f.model_copy(update={"evidence": [], "explanations": [], "references": []})
            for f in outcome.result.findings
        ]
        self.results.append(outcome.result.model_copy(update={"findings": slim}))

    def finish(self, errors: list[Problem]) -> None:

        failed = len({p.location.path for p in errors})
        page = render_batch_report(self.results, [str(p) for p in errors], self.links, failed)
        self.report.write_text(page, encoding="utf-8")


def _inputs(args: list[str], sink: Sink, summary: BatchSummary, skip: bool = True) -> Iterator[str]:
    """Paths still to screen; missing arguments are recorded as errors, done cases skipped."""
    for item in expand(args):
        if isinstance(item, Problem):
            outcome = Outcome(item.location.path, problems=(item,))
            sink.write(outcome)
            summary.add(outcome)
            continue
        path = shown(item)
        if skip and sink.resumable and sink.scored_before(path):  # else no need to hash it
            digest = file_digest(str(item), MAX_CASE_BYTES)
            if digest is not None and sink.already_scored(path, digest):
                summary.skipped += 1
                continue
        yield path
