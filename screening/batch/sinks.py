"""Where batch outcomes go, chosen by the output file's extension.

- `.sqlite`, `.sqlite3`, `.db`: the results database (schema in docs/results-db.md). Every
  case is committed as it arrives, so an interrupted batch loses nothing; run again into the
  same file and the cases already scored with the same rules and case digest are skipped.
- `.jsonl`: one JSON object a line, a result or an error.
- `.csv`: one row a case, with its top findings, or the error that stopped it.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, Protocol

from screening.batch.runner import Outcome
from screening.errors import InputError, Location, Problem, display_path, printable, write_failure

SCHEMA_VERSION = 2
#: Results are committed at least this often (and when the run ends or is interrupted).
COMMIT_SECONDS = 0.5
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
SUFFIXES = (*SQLITE_SUFFIXES, ".jsonl", ".csv")


class Sink(Protocol):
    resumable: bool
    conflicts: int  # cases another run had already written (SQLite only)

    def already_scored(self, path: str, case_digest: str) -> bool: ...

    def write(self, outcome: Outcome) -> None: ...

    def flush(self) -> None: ...

    def close(self, status: str, counts: dict[str, int]) -> None: ...


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def open_sink(path: Path, run_meta: dict[str, Any]) -> Sink:
    """The sink for `path`'s extension; `InputError` if it cannot be opened."""
    suffix = path.suffix.lower()
    try:
        if suffix in SQLITE_SUFFIXES:
            return SqliteSink(path, run_meta)
        if suffix == ".jsonl":
            return JsonlSink(path)
        if suffix == ".csv":
            return CsvSink(path)
    except (OSError, sqlite3.Error) as exc:
        raise write_failure(path, "results", exc) from None
    raise InputError(
        [
            Problem(
                Location(display_path(path)),
                f"unknown output type '{suffix or path.name}'; expected a file "
                f"ending in {', '.join(SUFFIXES)}",
                "usage",
            )
        ]
    )


_DDL = """
CREATE TABLE IF NOT EXISTS runs (
  run_id         INTEGER PRIMARY KEY,
  started_at     TEXT NOT NULL,
  ended_at       TEXT,
  status         TEXT NOT NULL,           -- running, completed, interrupted
  engine_version TEXT NOT NULL,
  rules_digest   TEXT NOT NULL,
  rules_dir      TEXT NOT NULL,
  arguments      TEXT NOT NULL,           -- JSON: paths, jobs, output
  cases_scored   INTEGER NOT NULL DEFAULT 0,
  cases_skipped  INTEGER NOT NULL DEFAULT 0,
  errors         INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS cases (
  case_row       INTEGER PRIMARY KEY,
  run_id         INTEGER NOT NULL REFERENCES runs(run_id),
  path           TEXT NOT NULL,           -- absolute path of the case file
  engine_version TEXT NOT NULL,
  case_id        TEXT NOT NULL,
  title          TEXT NOT NULL,
  case_digest    TEXT NOT NULL,
  rules_digest   TEXT NOT NULL,
  score          REAL NOT NULL,
  band           TEXT NOT NULL,
  risk_before_mitigation REAL NOT NULL,
  expected_band  TEXT,
  outcome        TEXT,
  screened_at    TEXT NOT NULL,
  result         TEXT NOT NULL,           -- the full result as JSON
  UNIQUE (rules_digest, engine_version, case_digest, path)
);
CREATE TABLE IF NOT EXISTS findings (
  case_row       INTEGER NOT NULL REFERENCES cases(case_row) ON DELETE CASCADE,
  rank           INTEGER NOT NULL,        -- 1 = largest contribution
  rule_id        TEXT NOT NULL,
  family         TEXT NOT NULL,
  weight         INTEGER NOT NULL,
  contribution   REAL NOT NULL,
  counted        INTEGER NOT NULL,        -- 0 when its evidence was counted by another finding
  explanation    TEXT NOT NULL,
  evidence       TEXT NOT NULL            -- JSON list of evidence objects
);
CREATE TABLE IF NOT EXISTS errors (
  run_id         INTEGER NOT NULL REFERENCES runs(run_id),
  path           TEXT NOT NULL,
  line           INTEGER,
  column         INTEGER,
  code           TEXT NOT NULL,
  message        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_band ON cases(band);
CREATE INDEX IF NOT EXISTS findings_rule ON findings(rule_id);
CREATE INDEX IF NOT EXISTS findings_case ON findings(case_row);
"""


class SqliteSink:
    resumable = True

    def __init__(self, path: Path, meta: dict[str, Any]) -> None:
        self.path = path
        self.rules_digest = meta["rules_digest"]
        self.engine_version = meta["engine_version"]
        # another run may be writing: wait for its short transactions rather than fail
        self.db = sqlite3.connect(path, isolation_level=None, timeout=60)
        try:
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            tables = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise InputError(
                [
                    Problem(
                        Location(display_path(path)),
                        f"not a results database ({exc}); expected an SQLite "
                        "file written by screening batch, or a new file name",
                        "io",
                    )
                ]
            ) from None
        if tables and version != SCHEMA_VERSION:
            self.db.close()
            raise InputError(
                [
                    Problem(
                        Location(display_path(path)),
                        f"results database has schema version {version}; "
                        f"expected {SCHEMA_VERSION} (use a new file)",
                        "io",
                    )
                ]
            )
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(_DDL)
        self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        cur = self.db.execute(
            "INSERT INTO runs (started_at, status, engine_version, rules_digest, rules_dir, "
            "arguments) VALUES (?, 'running', ?, ?, ?, ?)",
            (
                now(),
                meta["engine_version"],
                self.rules_digest,
                meta["rules_dir"],
                json.dumps(meta["arguments"]),
            ),
        )
        self.run_id = cur.lastrowid
        self._buffer: list[Outcome] = []
        self._last_flush = time.monotonic()
        self.conflicts = 0

    def already_scored(self, path: str, case_digest: str) -> bool:
        """Scored before by this engine version with these rules, from this file's bytes."""
        row = self.db.execute(
            "SELECT 1 FROM cases WHERE rules_digest = ? AND case_digest = ? AND path = ? "
            "AND engine_version = ?",
            (self.rules_digest, case_digest, _source(path), self.engine_version),
        ).fetchone()
        return row is not None

    def write(self, outcome: Outcome) -> None:
        """Buffer one case (or its errors); written at least every COMMIT_SECONDS.

        Cases are written in short transactions between screenings, so another run can share
        the database; a case is written whole or not at all; an interrupted run keeps what
        was written, and the next run screens only the rest.
        """
        self._buffer.append(outcome)
        if len(self._buffer) >= 200 or time.monotonic() - self._last_flush >= COMMIT_SECONDS:
            self.flush()

    def flush(self) -> None:
        if not self._buffer:
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            for outcome in self._buffer:
                if not self._insert_case(outcome):
                    self.conflicts += 1
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise write_failure(self.path, "results", exc) from None
        finally:
            self._buffer.clear()
            self._last_flush = time.monotonic()

    def _insert_case(self, outcome: Outcome) -> bool:
        r = outcome.record
        if r is None:
            self.db.executemany(
                "INSERT INTO errors (run_id, path, line, column, code, message) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        self.run_id,
                        printable(p.location.path),
                        p.location.line or None,
                        p.location.column or None,
                        p.code,
                        p.message,
                    )
                    for p in outcome.problems
                ],
            )
            return True
        cur = self.db.execute(
            "INSERT INTO cases (run_id, path, engine_version, case_id, title, case_digest, "
            "rules_digest, score, band, risk_before_mitigation, expected_band, outcome, "
            "screened_at, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (rules_digest, engine_version, case_digest, path) DO NOTHING",
            (
                self.run_id,
                _source(outcome.path),
                self.engine_version,
                r.case_id,
                r.title,
                r.case_digest,
                r.rules_digest,
                r.score,
                r.band,
                r.risk_before_mitigation,
                r.expected_band,
                r.outcome,
                r.screened_at,
                r.result_json,
            ),
        )
        if not cur.rowcount:
            return False  # another run wrote this case meanwhile
        self.db.executemany(
            "INSERT INTO findings (case_row, rank, rule_id, family, weight, contribution, "
            "counted, explanation, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(cur.lastrowid, *row) for row in r.findings],
        )
        return True

    def close(self, status: str, counts: dict[str, int]) -> None:
        self.flush()
        self.db.execute(
            "UPDATE runs SET ended_at = ?, status = ?, cases_scored = ?, cases_skipped = ?, "
            "errors = ? WHERE run_id = ?",
            (
                now(),
                status,
                counts.get("scored", 0),
                counts.get("skipped", 0),
                counts.get("errors", 0),
                self.run_id,
            ),
        )
        self.db.close()


class _FileSink:
    """A text output file: a write that fails (full disk, removed folder) is a located error."""

    resumable = False
    conflicts = 0

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] = path.open("w", encoding="utf-8", newline="")

    def already_scored(self, path: str, case_digest: str) -> bool:
        return False

    def _write(self, text: str) -> None:
        try:
            self._file.write(text)
            self._file.flush()
        except OSError as exc:
            raise write_failure(self.path, "results", exc) from None

    def flush(self) -> None:
        return None

    def close(self, status: str, counts: dict[str, int]) -> None:
        with contextlib.suppress(OSError):  # already reported by the write that failed
            self._file.close()


class JsonlSink(_FileSink):
    def write(self, outcome: Outcome) -> None:
        if outcome.record is not None:
            line = outcome.record.result_json
        else:
            errors = [
                {
                    "line": p.location.line or None,
                    "column": p.location.column or None,
                    "code": p.code,
                    "message": printable(p.message),
                }
                for p in outcome.problems
            ]
            line = json.dumps(
                {"path": printable(outcome.path), "errors": errors}, ensure_ascii=False
            )
        self._write(line + "\n")


class CsvSink(_FileSink):
    COLUMNS = (
        "path",
        "case_id",
        "title",
        "score",
        "band",
        "expected_band",
        "outcome",
        "top_findings",
        "case_digest",
        "rules_digest",
        "error",
    )

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._row(self.COLUMNS)

    def _row(self, cells: Sequence[str]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer).writerow([_cell(c) for c in cells])
        self._write(buffer.getvalue())

    def write(self, outcome: Outcome) -> None:
        r = outcome.record
        if r is None:
            error = "; ".join(str(p) for p in outcome.problems)
            self._row([outcome.path, "", "", "", "", "", "", "", "", "", error])
        else:
            self._row(
                [
                    outcome.path,
                    r.case_id,
                    r.title,
                    f"{r.score:.1f}",
                    r.band,
                    r.expected_band or "",
                    r.outcome or "",
                    r.top_findings(),
                    r.case_digest,
                    r.rules_digest,
                    "",
                ]
            )


def _source(path: str) -> str:
    """The file's absolute path (resume must not depend on the working directory)."""
    return printable(str(Path(path).absolute()))


def _cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (case text is untrusted)."""
    text = printable(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
