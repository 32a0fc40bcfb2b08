"""Where batch outcomes go, chosen by the output file's extension.

- `.sqlite`, `.sqlite3`, `.db`: the results database (schema in docs/results-db.md). Every
  case is committed as it arrives, so an interrupted batch loses nothing; run again into the
  same file and the cases already scored with the same rules and case digest are skipped.
- `.jsonl`: one JSON object a line, a result or an error.
- `.csv`: one row a case, with its top findings, or the error that stopped it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
import time
from pathlib import Path
from typing import IO, Any, Protocol

from screening.batch.runner import Outcome
from screening.errors import InputError, Location, Problem, display_path

SCHEMA_VERSION = 1
#: Results are committed at least this often (and when the run ends or is interrupted).
COMMIT_SECONDS = 0.5
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
SUFFIXES = (*SQLITE_SUFFIXES, ".jsonl", ".csv")


class Sink(Protocol):
    resumable: bool

    def already_scored(self, path: str, case_digest: str) -> bool: ...
    def write(self, outcome: Outcome) -> bool:
        """Record the outcome; False when an identical result was already there."""
        ...

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
        raise InputError(
            [Problem(Location(display_path(path)), f"cannot write results: {exc}", "io")]
        ) from None
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
  path           TEXT NOT NULL,
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
  UNIQUE (rules_digest, case_digest, path)
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
        self.db = sqlite3.connect(path, isolation_level=None)
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
        self._last_commit = time.monotonic()

    def already_scored(self, path: str, case_digest: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM cases WHERE rules_digest = ? AND case_digest = ? AND path = ?",
            (self.rules_digest, case_digest, path),
        ).fetchone()
        return row is not None

    def write(self, outcome: Outcome) -> bool:
        """Add one case (or its errors); committed at least every COMMIT_SECONDS.

        A case is written whole or not at all; an interrupted run keeps every committed case,
        and the next run re-scores only what was not committed.
        """
        if not self.db.in_transaction:
            self.db.execute("BEGIN")
        try:
            return self._insert(outcome)
        finally:
            if time.monotonic() - self._last_commit >= COMMIT_SECONDS:
                self._commit()

    def _commit(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self._last_commit = time.monotonic()

    def _insert(self, outcome: Outcome) -> bool:
        self.db.execute("SAVEPOINT one_case")
        try:
            inserted = self._insert_case(outcome)
        except BaseException:
            self.db.execute("ROLLBACK TO one_case")
            self.db.execute("RELEASE one_case")
            raise
        self.db.execute("RELEASE one_case")
        return inserted

    def _insert_case(self, outcome: Outcome) -> bool:
        r = outcome.record
        if r is None:
            self.db.executemany(
                "INSERT INTO errors (run_id, path, line, column, code, message) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        self.run_id,
                        p.location.path,
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
            "INSERT INTO cases (run_id, path, case_id, title, case_digest, rules_digest, "
            "score, band, risk_before_mitigation, expected_band, outcome, screened_at, "
            "result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (rules_digest, case_digest, path) DO NOTHING",
            (
                self.run_id,
                outcome.path,
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
        self._commit()
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


class JsonlSink:
    resumable = False

    def __init__(self, path: Path) -> None:
        self._file: IO[str] = path.open("w", encoding="utf-8")

    def already_scored(self, path: str, case_digest: str) -> bool:
        return False

    def write(self, outcome: Outcome) -> bool:
        if outcome.record is not None:
            line = outcome.record.result_json
        else:
            line = json.dumps(
                {
                    "path": outcome.path,
                    "errors": [
                        {
                            "line": p.location.line or None,
                            "column": p.location.column or None,
                            "code": p.code,
                            "message": p.message,
                        }
                        for p in outcome.problems
                    ],
                },
                ensure_ascii=False,
            )
        self._file.write(line + "\n")
        self._file.flush()
        return True

    def close(self, status: str, counts: dict[str, int]) -> None:
        self._file.close()


class CsvSink:
    resumable = False
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
        self._file: IO[str] = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow(self.COLUMNS)

    def already_scored(self, path: str, case_digest: str) -> bool:
        return False

    def write(self, outcome: Outcome) -> bool:
        r = outcome.record
        if r is None:
            error = "; ".join(str(p) for p in outcome.problems)
            self._csv.writerow([outcome.path, "", "", "", "", "", "", "", "", "", error])
        else:
            self._csv.writerow(
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
        self._file.flush()
        return True

    def close(self, status: str, counts: dict[str, int]) -> None:
        self._file.close()
