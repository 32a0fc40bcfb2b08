"""Case signals and rule outcomes kept on disk between impact runs, by case digest and
signals digest.

Extraction (phrase search, distances, entity matching, ownership) depends on the case file
and on what the extractor reads of the pack: phrase sets, registries, vocabulary, matching
and routing settings, and how far any rule looks for facilities. A weight or condition
change leaves all of that alone, so the next `impact` run does not parse, validate or
search the case file again: it is hashed. Beside each case's signals, the outcomes of its
rules' firings are kept by rule digest (`outcomes.py`), so a rule whose matching is
unchanged is not matched again either.

The store is an SQLite file in the user's cache folder (`$SCREENING_CACHE`, as the pack
cache); a signals entry is a compressed pickle, read only from there, an outcomes entry
compressed JSON checked for shape when read, and one that does not load is treated as
missing. Worker processes each write through their own connection, in short transactions.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import pickle
import sqlite3
import sys
import zlib
from pathlib import Path
from typing import Any

from screening import __version__
from screening.cache import cache_dir
from screening.loading.rulepack import RulePack
from screening.signals.entities import entity_entries
from screening.signals.extract import Extraction, reach

#: Bumped when what an entry holds changes shape.
FORMAT = 1
#: Entries written per transaction (and when the store is closed).
BATCH = 64


def default_path() -> Path:
    return cache_dir() / "signals.sqlite"


#: The code extraction runs (by content: an edit elsewhere in the tree keeps the store).
CODE = ("loading", "models", "conditions", "signals")


@functools.lru_cache(maxsize=4)
def code_digest(folders: tuple[str, ...] = CODE) -> str:
    """sha256 of the source of the subpackages extraction (or what is named) runs, and of
    the versions."""
    import pydantic

    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(f"{__version__} {pydantic.VERSION} {sys.version}".encode())
    for folder in folders:
        for path in sorted((package / folder).rglob("*.py")):
            h.update(path.relative_to(package).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def signals_digest(pack: RulePack) -> str:
    """What extraction (`SignalExtractor`) depends on, beyond the case: equal digests extract
    alike. Read off the pack, without building the extractor's indexes."""
    search_km, ranges = reach(pack)
    parts: list[Any] = [
        FORMAT,
        [p.model_dump(mode="json") for p in pack.phrase_sets.values()],
        [f.model_dump(mode="json") for f in pack.facilities],
        [p.model_dump(mode="json") for p in pack.places],
        {k: e.model_dump(mode="json") for k, e in pack.entities.items()},
        pack.vocabulary.model_dump(mode="json"),
        pack.matching.model_dump(mode="json"),
        pack.routing.model_dump(mode="json") if pack.routing else None,
        {k: e.ref for k, e in entity_entries(pack.docs).items()},
        repr(search_km),
        repr(sorted(ranges.items())),
        pack.matching.entity_min_score,
        code_digest(),
    ]
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class SignalStore:
    """Extractions by (case digest, signals digest); misses and damage read as None."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None, timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS signals (key TEXT PRIMARY KEY, case_id TEXT NOT NULL, "
            "payload BLOB NOT NULL)"
        )
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS outcomes (key TEXT PRIMARY KEY, payload BLOB NOT NULL)"
        )
        self._pending: list[tuple[str, str, bytes]] = []
        self._pending_outcomes: list[tuple[str, bytes]] = []

    @staticmethod
    def key(case_digest: str, signals: str) -> str:
        return hashlib.sha256(f"{case_digest}:{signals}".encode()).hexdigest()

    def get(self, case_digest: str, signals: str) -> tuple[str, Extraction] | None:
        """(case id, extraction), or None when not stored or not readable."""
        try:
            row = self.db.execute(
                "SELECT case_id, payload FROM signals WHERE key = ?",
                (self.key(case_digest, signals),),
            ).fetchone()
            if row is None:
                return None
            extraction = pickle.loads(zlib.decompress(row[1]))
        except Exception:
            return None
        return (row[0], extraction) if isinstance(extraction, Extraction) else None

    def put(self, case_digest: str, signals: str, case_id: str, extraction: Extraction) -> None:
        payload = zlib.compress(pickle.dumps(extraction, protocol=pickle.HIGHEST_PROTOCOL), 1)
        self._pending.append((self.key(case_digest, signals), case_id, payload))
        if len(self._pending) >= BATCH:
            self.flush()

    def get_outcomes(self, case_digest: str, signals: str) -> bytes | None:
        """The stored outcomes row (decoded by `outcomes.decode`), or None."""
        try:
            row = self.db.execute(
                "SELECT payload FROM outcomes WHERE key = ?", (self.key(case_digest, signals),)
            ).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row is not None and isinstance(row[0], bytes) else None

    def put_outcomes(self, case_digest: str, signals: str, payload: bytes) -> None:
        self._pending_outcomes.append((self.key(case_digest, signals), payload))
        if len(self._pending_outcomes) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Write what is pending; a store that cannot be written only costs speed."""
        if not self._pending and not self._pending_outcomes:
            return
        with contextlib.suppress(sqlite3.Error):
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT OR REPLACE INTO signals (key, case_id, payload) VALUES (?, ?, ?)",
                self._pending,
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO outcomes (key, payload) VALUES (?, ?)",
                self._pending_outcomes,
            )
            self.db.execute("COMMIT")
        if self.db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
        self._pending.clear()
        self._pending_outcomes.clear()

    def close(self) -> None:
        self.flush()
        self.db.close()
