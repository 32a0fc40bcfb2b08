"""Score case files on all cores, in input order whatever the number of workers.

Each worker process builds its own `Screener` once (compiling the rule pack onto its own
durable-rules ruleset: the C extension never releases the GIL, so threads would not help)
and then screens the files sent to it. Outcomes come back in input order, so the output of
`--jobs 8` is the same as that of `--jobs 1`.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import signal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from screening.batch.record import CaseRecord
from screening.errors import InputError, Location, Problem, display_path, printable
from screening.loading.rulepack import RulePack
from screening.models.result import Result
from screening.pipeline.screen import Screener
from screening.report.html import render_dossier
from screening.waivers import WaiverSet

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


@dataclass(frozen=True)
class ClusterOptions:
    """`--executor dask` (screening/batch/cluster.py): the scheduler's address, or None for
    a local cluster of `workers` processes."""

    scheduler: str | None = None
    workers: int = 2


_WORKER: Screener | None = None
_WORKER_ERROR = ""
_DOSSIERS = False
_WAIVERS: WaiverSet | None = None


def _init_worker(pack: RulePack, dossiers: bool, waivers: WaiverSet | None = None) -> None:
    """Build the worker's screener from the pack the parent loaded (so every worker uses the
    rules the run records, even if the files change meanwhile). Signals are the parent's to
    handle. A failure is reported per case, not raised: a raising initialiser makes the pool
    start replacement workers forever."""
    global _WORKER, _WORKER_ERROR, _DOSSIERS, _WAIVERS
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _DOSSIERS = dossiers
    _WAIVERS = waivers
    try:
        _WORKER = Screener(pack)
    except Exception as exc:
        _WORKER_ERROR = f"{type(exc).__name__}: {exc}"


def _screen_one(path: str) -> Outcome:
    if _WORKER is None:
        message = f"the worker process could not start: {_WORKER_ERROR}"
        return Outcome(
            printable(path), problems=(Problem(Location(printable(path)), message, "internal"),)
        )
    return screen_path(_WORKER, path, dossier=_DOSSIERS, waivers=_WAIVERS)


def screen_path(
    screener: Screener,
    path: str,
    dossier: bool = False,
    source: str | None = None,
    waivers: WaiverSet | None = None,
) -> Outcome:
    """Screen one file (and render its HTML dossier if asked); failures become problems.

    `source` is where to read the file when `path` (as shown) would not find it, e.g. its
    absolute path on a Dask worker started in another folder; problems are still located
    at `path`."""
    shown = printable(path)
    file = Path(source if source is not None else path)
    try:
        case, result = screener.screen_case_file(file, shown)
        if waivers is not None:
            result = waivers.apply(result, screener.pack)
        html = render_dossier(result, case, screener.pack) if dossier else None
        return Outcome(shown, record=CaseRecord.of(result, dossier_html=html))
    except InputError as exc:
        problems = tuple(exc.problems)
        if source is not None:
            read_as = display_path(file)
            problems = tuple(
                replace(p, location=replace(p.location, path=path))
                if p.location.path == read_as
                else p
                for p in problems
            )
        return Outcome(shown, problems=problems)
    except Exception as exc:  # one bad file must never stop a batch
        message = f"internal error while screening: {type(exc).__name__}: {exc}"
        return Outcome(shown, problems=(Problem(Location(shown), message, "internal"),))


def file_digest(path: str, max_bytes: int) -> str | None:
    """sha256 of a file, or None when it cannot be read or is too large to be a case."""
    try:
        if not Path(path).is_file() or Path(path).stat().st_size > max_bytes:
            return None
        digest = hashlib.sha256()
        with Path(path).open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


class _Stop:
    """Ctrl-C and SIGTERM set a flag checked between cases, so a case is never cut in half
    and the engine's callbacks (which swallow exceptions) never see the interrupt."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> _Stop:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
                self._previous[sig] = signal.signal(sig, self._set)
        return self

    def _set(self, _sig: int, _frame: object) -> None:
        self.requested = True

    def check(self) -> None:
        if self.requested:
            raise KeyboardInterrupt

    def __exit__(self, *_exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]


def run(
    paths: Iterable[str],
    pack: RulePack,
    jobs: int,
    dossiers: bool = False,
    waivers: WaiverSet | None = None,
) -> Iterator[Outcome]:
    """Outcomes of `paths`, in their order, screened by `jobs` processes (1: in this one)."""
    with _Stop() as stop:
        if jobs <= 1:
            local = Screener(pack)
            try:
                for path in paths:
                    stop.check()
                    yield screen_path(local, path, dossier=dossiers, waivers=waivers)
                    stop.check()
            finally:
                local.close()
            return
        ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with ctx.Pool(jobs, initializer=_init_worker, initargs=(pack, dossiers, waivers)) as pool:
            for outcome in pool.imap(_screen_one, paths, chunksize=CHUNK):
                stop.check()
                yield outcome
                stop.check()


def default_jobs() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
