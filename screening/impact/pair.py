"""One case under two rule packs, and many cases through worker processes, in input order.

A case is read once for both sides when their vocabularies agree (the case checks read
them), its signals are extracted once when both packs extract alike (equal
`signals_digest`), and matched once when both packs' active rules have the same conditions
(a weight change); each side then scores the firings with its own rules. Only a `Screened`
summary of each side leaves the worker, so the parent's memory grows by a few hundred bytes
a case.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import multiprocessing.util
import os
import signal
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from screening.compile.durable import EngineError
from screening.errors import InputError, Location, Problem
from screening.impact import CaseImpact, Screened
from screening.impact.store import SignalStore, signals_digest
from screening.loading.case import MAX_CASE_BYTES, load_case
from screening.loading.rulepack import RulePack
from screening.models.case import Case
from screening.pipeline.engine import RuleFiring
from screening.pipeline.findings import build_drafts
from screening.pipeline.scoring import band_of, tally
from screening.pipeline.screen import Screener
from screening.signals.extract import Extraction

#: Cases sent to a worker at a time.
CHUNK = 8
SIDES = ("base", "head")

Loaded = tuple[str, Extraction] | list[Problem]  # (case id, signals), or why not


class PairScreener:
    """Both packs ready in one process (rulesets compiled and indexes built once)."""

    def __init__(self, base: RulePack, head: RulePack, store: Path | None = None) -> None:
        self.screeners = (Screener(base), Screener(head))
        self.digests = tuple(signals_digest(s.pack) for s in self.screeners)
        self.same_vocabulary = base.vocabulary == head.vocabulary
        # the engine sees only the active rules' conditions: equal ones fire alike
        self.same_matching = _conditions(base) == _conditions(head)
        self.store: SignalStore | None = None
        if store is not None:
            with contextlib.suppress(OSError, sqlite3.Error):  # no store only costs speed
                self.store = SignalStore(store)

    def impact(self, path: str) -> CaseImpact:
        out = CaseImpact(path, None, None)
        file_digest = _digest(path) if self.store is not None else None
        cases: dict[int, Case | list[Problem]] = {}  # by side: the case as each side reads it
        signals: dict[str, Loaded] = {}  # by signals digest
        fired: list[RuleFiring] | None = None  # the base's firings, when head's are the same
        for i, (side, screener) in enumerate(zip(SIDES, self.screeners, strict=True)):
            digest = self.digests[i]
            if digest not in signals:
                signals[digest] = self._signals(i, path, file_digest, cases)
            loaded = signals[digest]
            if isinstance(loaded, list):
                out.problems += [f"{side}: {p}" for p in loaded]
                continue
            shared = fired is not None and self.same_matching and self.digests[0] == digest
            try:
                firings = fired if shared and fired is not None else _match(screener, loaded[1])
                screened = _score(screener, loaded[0], loaded[1], firings)
                fired = firings if i == 0 else None
            except EngineError as exc:
                problem = Problem(
                    Location(path), f"the rules engine failed on this case: {exc}", "engine"
                )
                out.problems.append(f"{side}: {problem}")
                continue
            if i == 0:
                out.before = screened
            else:
                out.after = screened
        return out

    def _signals(
        self, i: int, path: str, file_digest: str | None, cases: dict[int, Case | list[Problem]]
    ) -> Loaded:
        """The case's signals for side i: from the store, else loaded and extracted."""
        digest = self.digests[i]
        if self.store is not None and file_digest is not None:
            hit = self.store.get(file_digest, digest)
            if hit is not None:
                return hit
        case = cases.get(0) if i == 1 and self.same_vocabulary and 0 in cases else None
        if case is None:
            try:
                case = load_case(Path(path), self.screeners[i].pack)[0]
            except InputError as exc:
                case = exc.problems
            cases[i] = case
        if isinstance(case, list):
            return case
        extraction = self.screeners[i].extractor.extract(case)
        if self.store is not None and file_digest is not None:
            self.store.put(file_digest, digest, case.id, extraction)
        return case.id, extraction

    def close(self) -> None:
        for screener in self.screeners:
            screener.close()
        if self.store is not None:
            self.store.close()


def _conditions(pack: RulePack) -> list[tuple[str, object]]:
    return [(r.id, r.when) for r in pack.active_rules]


def _match(screener: Screener, extraction: Extraction) -> list[RuleFiring]:
    return screener.matcher.match(extraction.facts)


def _score(
    screener: Screener, case_id: str, extraction: Extraction, firings: list[RuleFiring]
) -> Screened:
    """Score one side's firings: the score, band and findings `Screener.screen` gives."""
    pack = screener.pack
    drafts = build_drafts(pack, firings, extraction.by_id(), extraction.values, explain=False)
    t = tally(drafts, pack.scoring, extraction.values.get("target.sensitivity"))
    score = round(t.score, 1)
    return Screened.of(
        case_id, score, band_of(score, pack.scoring.bands), {d.rule.id for d in drafts}
    )


def _digest(path: str) -> str | None:
    """sha256 of the case file as `load_case` would read it, or None (then it is loaded)."""
    try:
        with Path(path).open("rb") as fh:
            raw = fh.read(MAX_CASE_BYTES + 1)
    except OSError:
        return None
    return None if len(raw) > MAX_CASE_BYTES else hashlib.sha256(raw).hexdigest()


_PAIR: PairScreener | None = None


def _init_worker(base: RulePack, head: RulePack, store: Path | None) -> None:
    global _PAIR
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the pool
    _PAIR = PairScreener(base, head, store)
    # a worker that ends normally (pool closed and joined) writes its pending signals
    multiprocessing.util.Finalize(None, _close_worker, exitpriority=10)


def _one(path: str) -> CaseImpact:
    if _PAIR is None:  # pragma: no cover - the initialiser always sets it
        raise RuntimeError("impact worker not initialised")
    return _PAIR.impact(path)


def _close_worker() -> None:  # pragma: no cover - runs in the workers at exit
    global _PAIR
    if _PAIR is not None:
        _PAIR.close()
        _PAIR = None


def stream(
    base: RulePack, head: RulePack, paths: Iterable[str], jobs: int = 1, store: Path | None = None
) -> Iterator[CaseImpact]:
    """Each case's impact in input order, screened by `jobs` processes (1: this one)."""
    if jobs <= 1:
        pair = PairScreener(base, head, store)
        try:
            for path in paths:
                yield pair.impact(path)
        finally:
            pair.close()
        return
    ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(base, head, store)) as pool:
        yield from pool.imap(_one, paths, chunksize=CHUNK)
        pool.close()
        pool.join()
