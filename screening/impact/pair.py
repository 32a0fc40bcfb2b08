"""One case under two rule packs, and many cases through worker processes, in input order.

A case is read once for both sides when their vocabularies agree (the case checks read
them) and its signals are extracted once when both packs extract alike (equal
`signals_digest`). Each side then needs the outcome of each active rule's firings
(`outcomes.py`), found by the rule's matching digest: outcomes already known (from the other
side, or from the store for this case file and signals digest) are reused; the rest are
matched by a ruleset of the rules missing and those they rest on. A weight change so
matches each case once, a condition change the edited rules once more, and with the store
filled neither side is matched, nor the case read. Only a `Screened` summary of each side
leaves the worker, so the parent's memory grows by a few hundred bytes a case.
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
from screening.impact import CaseImpact
from screening.impact.outcomes import Row, Side, decode, outcomes
from screening.impact.store import SignalStore
from screening.loading.case import MAX_CASE_BYTES, load_case
from screening.loading.rulepack import RulePack
from screening.models.case import Case
from screening.pipeline.engine import Matcher
from screening.signals.extract import Extraction, SignalExtractor

#: Cases sent to a worker at a time. 64 re-scored a filled store 1.3x faster (10,000 cases)
#: but screened an empty one 1.25x slower than 8; 16 was as slow as 64 there.
CHUNK = 8
SIDES = ("base", "head")
#: Rulesets of partial packs kept per process (each holds durable-rules' C memory).
MATCHERS = 8

Loaded = tuple[str, Extraction] | list[Problem]  # (case id, signals), or why not


class PairScreener:
    """Both packs ready in one process; extractors and rulesets are built when first needed
    (with the store filled, a weight change needs neither)."""

    def __init__(
        self,
        base: RulePack,
        head: RulePack,
        store: Path | None = None,
        sides: tuple[Side, Side] | None = None,
    ) -> None:
        self.sides = sides or (Side.of(base), Side.of(head))
        self.same_vocabulary = base.vocabulary == head.vocabulary
        self.keep = {d for side in self.sides for d in side.rules.values()}
        self._extractors: dict[int, SignalExtractor] = {}
        self._matchers: dict[tuple[int, frozenset[str]], Matcher] = {}
        self.store: SignalStore | None = None
        if store is not None:
            with contextlib.suppress(OSError, sqlite3.Error):  # no store only costs speed
                self.store = SignalStore(store)

    def impact(self, path: str) -> CaseImpact:
        out = CaseImpact(path, None, None)
        file_digest = _digest(path) if self.store is not None else None
        cases: dict[int, Case | list[Problem]] = {}  # by side: the case as each side reads it
        signals: dict[str, Loaded] = {}  # by signals digest
        rows: dict[str, Row] = {}  # by signals digest
        for i, (name, side) in enumerate(zip(SIDES, self.sides, strict=True)):
            if side.signals not in rows:
                rows[side.signals] = self._stored(file_digest, side.signals)
            row = rows[side.signals]
            missing = row.missing(side)
            if missing:
                if side.signals not in signals:
                    signals[side.signals] = self._signals(i, path, file_digest, cases)
                loaded = signals[side.signals]
                if isinstance(loaded, list):
                    out.problems += [f"{name}: {p}" for p in loaded]
                    continue
                try:
                    self._match(i, row, missing, *loaded)
                except EngineError as exc:
                    problem = Problem(
                        Location(path), f"the rules engine failed on this case: {exc}", "engine"
                    )
                    out.problems.append(f"{name}: {problem}")
                    continue
            screened = row.score(side)
            if i == 0:
                out.before = screened
            else:
                out.after = screened
        if self.store is not None and file_digest is not None:
            for digest, row in rows.items():
                if row.dirty:
                    self.store.put_outcomes(file_digest, digest, row.encode(self.keep))
        return out

    def _stored(self, file_digest: str | None, signals: str) -> Row:
        """The case's outcomes stored under this signals digest, else none known."""
        if self.store is None or file_digest is None:
            return Row()
        payload = self.store.get_outcomes(file_digest, signals)
        row = decode(payload) if payload is not None else None
        return row if row is not None else Row()

    def _match(
        self, i: int, row: Row, missing: set[str], case_id: str, extraction: Extraction
    ) -> None:
        """Match the missing rules (and those they rest on) and add their outcomes to the row."""
        side = self.sides[i]
        ids = side.closure(missing)
        firings = self._matcher(i, ids).match(extraction.facts)
        found = outcomes(side.pack, ids, firings, extraction)
        sensitivity = extraction.values.get("target.sensitivity")
        row.case_id = case_id
        row.sensitivity = sensitivity if isinstance(sensitivity, str) else None
        for rid, outcome in found.items():
            row.add(side.rules[rid], outcome)
        row.dirty = True

    def _matcher(self, i: int, ids: frozenset[str]) -> Matcher:
        """A ruleset of these active rules of side i (the whole pack's when all are missing)."""
        key = (i, ids)
        if key not in self._matchers:
            if len(self._matchers) >= MATCHERS:
                oldest = next(k for k in self._matchers if len(k[1]) < len(self.sides[k[0]].rules))
                self._matchers.pop(oldest).close()
            rules = [r for r in self.sides[i].pack.active_rules if r.id in ids]
            self._matchers[key] = Matcher(rules)
        return self._matchers[key]

    def _extractor(self, i: int) -> SignalExtractor:
        if i not in self._extractors:
            self._extractors[i] = SignalExtractor(self.sides[i].pack)
        return self._extractors[i]

    def _signals(
        self, i: int, path: str, file_digest: str | None, cases: dict[int, Case | list[Problem]]
    ) -> Loaded:
        """The case's signals for side i: from the store, else loaded and extracted."""
        digest = self.sides[i].signals
        if self.store is not None and file_digest is not None:
            hit = self.store.get(file_digest, digest)
            if hit is not None:
                return hit
        case = cases.get(0) if i == 1 and self.same_vocabulary and 0 in cases else None
        if case is None:
            try:
                case = load_case(Path(path), self.sides[i].pack)[0]
            except InputError as exc:
                case = exc.problems
            cases[i] = case
        if isinstance(case, list):
            return case
        extraction = self._extractor(i).extract(case)
        if self.store is not None and file_digest is not None:
            self.store.put(file_digest, digest, case.id, extraction)
        return case.id, extraction

    def close(self) -> None:
        for matcher in self._matchers.values():
            matcher.close()
        self._matchers = {}
        if self.store is not None:
            self.store.close()


def _digest(path: str) -> str | None:
    """sha256 of the case file as `load_case` would read it, or None (then it is loaded)."""
    try:
        with open(path, "rb") as fh:  # noqa: PTH123 - a tenth of Path.open's cost here
            raw = fh.read(MAX_CASE_BYTES + 1)
    except OSError:
        return None
    return None if len(raw) > MAX_CASE_BYTES else hashlib.sha256(raw).hexdigest()


_PAIR: PairScreener | None = None


def _init_worker(
    base: RulePack, head: RulePack, store: Path | None, sides: tuple[Side, Side]
) -> None:
    global _PAIR
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the pool
    _PAIR = PairScreener(base, head, store, sides)
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
    sides = (Side.of(base), Side.of(head))  # once, not in every worker
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(base, head, store, sides)) as pool:
        yield from pool.imap(_one, paths, chunksize=CHUNK)
        pool.close()
        pool.join()
