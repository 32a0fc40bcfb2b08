"""Score case files on all cores, in input order whatever the number of workers.

Each worker process builds its own `Screener` once (compiling the rule pack onto its own
durable-rules ruleset: the C extension never releases the GIL, so threads would not help)
and then screens the files sent to it. Outcomes come back in input order, so the output of
`--jobs 8` is the same as that of `--jobs 1`.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from screening.batch.record import CaseRecord
from screening.errors import InputError, Location, Problem
from screening.loading.rulepack import load_rule_pack
from screening.models.result import Result
from screening.screen import Screener

#: Files sent to a worker at a time: large enough to amortise the hand-over, small enough
#: to keep every core busy at the end of a batch.
CHUNK = 4


@dataclass(frozen=True)
class Outcome:
    """What became of one input file: a scored record, or the problems that stopped it."""

    path: str
    record: CaseRecord | None = None
    problems: tuple[Problem, ...] = ()

    @cached_property
    def result(self) -> Result | None:
        """The full result model, parsed back from the record (for backtests and tools)."""
        return None if self.record is None else Result.model_validate_json(self.record.result_json)


_WORKER: Screener | None = None
_DOSSIERS = False


def _init_worker(rules_dir: str, dossiers: bool) -> None:
    """Build the worker's screener; Ctrl-C is the parent's to handle (it stops the pool)."""
    global _WORKER, _DOSSIERS
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = Screener(load_rule_pack(Path(rules_dir)))
    _DOSSIERS = dossiers


def _screen_one(path: str) -> Outcome:
    assert _WORKER is not None, "worker not initialised"
    return screen_path(_WORKER, path, dossier=_DOSSIERS)


def screen_path(screener: Screener, path: str, dossier: bool = False) -> Outcome:
    """Screen one file (and render its HTML dossier if asked); failures become problems."""
    try:
        case, result = screener.screen_case_file(Path(path), path)
        html = None
        if dossier:
            from screening.report.html import render_dossier

            html = render_dossier(result, case, screener.pack)
        return Outcome(path, record=CaseRecord.of(result, dossier_html=html))
    except InputError as exc:
        return Outcome(path, problems=tuple(exc.problems))
    except Exception as exc:  # one bad file must never stop a batch
        message = f"internal error while screening: {type(exc).__name__}: {exc}"
        return Outcome(path, problems=(Problem(Location(path), message, "internal"),))


def file_digest(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def run(
    paths: Iterable[str], rules_dir: Path, jobs: int, dossiers: bool = False
) -> Iterator[Outcome]:
    """Outcomes of `paths`, in their order, screened by `jobs` processes (1: in this one)."""
    if jobs <= 1:
        local = Screener(load_rule_pack(rules_dir))
        try:
            for path in paths:
                yield screen_path(local, path, dossier=dossiers)
        finally:
            local.close()
        return
    ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(str(rules_dir), dossiers)) as pool:
        yield from pool.imap(_screen_one, paths, chunksize=CHUNK)


def default_jobs() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
