"""The results database of `screening batch` (SQLite; schema in docs/results-db.md).

Every case is committed as it arrives, so an interrupted batch loses nothing; run again into
the same file and the cases already scored with the same rules and case digest are skipped.
Running it again is idempotent: a case is stored once, and a file's errors are those of the
last run that read it. A run that was killed (no chance to record its end) is marked
`interrupted` by the next run that opens the database.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from pathlib import Path
from typing import Any

from screening.batch.runner import Outcome
from screening.errors import InputError, Location, Problem, display_path, printable, write_failure
from screening.report.describe import timestamp

SCHEMA_VERSION = 4
#: Results are committed at least this often (and when the run ends or is interrupted).
COMMIT_SECONDS = 0.5

#: The rows of the latest screening of each case file (by path): what the workbench queue,
#: `monitor` and the portfolio show of a database that holds several runs.
LATEST_CASE_ROWS = "SELECT max(case_row) FROM cases GROUP BY path"

#: Run statement by statement, in one transaction: no ';' inside the comments.
_DDL = """
CREATE TABLE IF NOT EXISTS runs (
  run_id         INTEGER PRIMARY KEY,
  started_at     TEXT NOT NULL,
  ended_at       TEXT,                    -- NULL while running, or when it was killed
  status         TEXT NOT NULL,           -- running, completed, interrupted, failed
  engine_version TEXT NOT NULL,
  rules_digest   TEXT NOT NULL,
  rules_dir      TEXT NOT NULL,
  arguments      TEXT NOT NULL,           -- JSON: paths, jobs, output
  cases_scored   INTEGER NOT NULL DEFAULT 0,
  cases_skipped  INTEGER NOT NULL DEFAULT 0,
  errors         INTEGER NOT NULL DEFAULT 0,
  pid            INTEGER,                 -- the process of the run, on host
  host           TEXT
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
CREATE TABLE IF NOT EXISTS errors (       -- a file's problems, as last read
  run_id         INTEGER NOT NULL REFERENCES runs(run_id),
  path           TEXT NOT NULL,
  line           INTEGER,
  column         INTEGER,
  code           TEXT NOT NULL,
  message        TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_digests (  -- what a run screened with, entry by entry
  run_id         INTEGER NOT NULL REFERENCES runs(run_id),
  kind           TEXT NOT NULL,           -- rule, entity, facility, place
  key            TEXT NOT NULL,           -- the rule or registry id
  digest         TEXT NOT NULL,
  PRIMARY KEY (run_id, kind, key)
);
CREATE INDEX IF NOT EXISTS cases_band ON cases(band);
CREATE INDEX IF NOT EXISTS findings_rule ON findings(rule_id);
CREATE INDEX IF NOT EXISTS findings_case ON findings(case_row);
CREATE INDEX IF NOT EXISTS errors_path ON errors(path);
"""

#: Schema 3 to 4 adds the table `run_digests` (created by _DDL); earlier runs have no rows.
#: Schema 2 to 3: the process of a run, to tell a killed run from one still going; times
#: written with `Z`, like those of the results' JSON.
_MIGRATE_2 = (
    "ALTER TABLE runs ADD COLUMN pid INTEGER",
    "ALTER TABLE runs ADD COLUMN host TEXT",
    "UPDATE runs SET started_at = replace(started_at, '+00:00', 'Z'), "
    "ended_at = replace(ended_at, '+00:00', 'Z')",
    "UPDATE cases SET screened_at = replace(screened_at, '+00:00', 'Z')",
)


def now() -> str:
    return timestamp()


def _refused(path: Path, message: str) -> InputError:
    return InputError([Problem(Location(display_path(path)), message, "io")])


def _alive(pid: int) -> bool:
    """Whether a process of this host is still running (when it cannot be told: yes)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) is a Ctrl-C on Windows, not a probe
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process: it exists
        return True
    return True


class SqliteSink:
    resumable = True

    def __init__(self, path: Path, meta: dict[str, Any]) -> None:
        self.path = path
        self.rules_digest = meta["rules_digest"]
        self.engine_version = meta["engine_version"]
        self.host = socket.gethostname()
        # another run may be writing: wait for its short transactions rather than fail
        self.db = sqlite3.connect(path, isolation_level=None, timeout=60)
        try:
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            tables = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise _refused(
                path,
                f"not a results database ({exc}); expected an SQLite file written by "
                "screening batch, or a new file name",
            ) from None
        if tables and version not in (2, 3, SCHEMA_VERSION):
            self.db.close()
            raise _refused(
                path,
                f"results database has schema version {version}; "
                f"expected {SCHEMA_VERSION} (use a new file)",
            )
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("BEGIN IMMEDIATE")  # one run at a time upgrades the schema
        if self.db.execute("PRAGMA user_version").fetchone()[0] == 2:
            for statement in _MIGRATE_2:
                self.db.execute(statement)
        for statement in _DDL.split(";"):
            if statement.strip():
                self.db.execute(statement)
        self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        self.interrupted = self._mark_killed_runs()
        if refusal := self._other_waivers(meta["arguments"].get("waivers")):
            self.db.execute("ROLLBACK")
            self.db.close()
            raise _refused(path, refusal)
        cur = self.db.execute(
            "INSERT INTO runs (started_at, status, engine_version, rules_digest, rules_dir, "
            "arguments, pid, host) VALUES (?, 'running', ?, ?, ?, ?, ?, ?)",
            (
                now(),
                meta["engine_version"],
                self.rules_digest,
                meta["rules_dir"],
                json.dumps(meta["arguments"]),
                os.getpid(),
                self.host,
            ),
        )
        self.run_id = cur.lastrowid
        self.db.executemany(
            "INSERT INTO run_digests (run_id, kind, key, digest) VALUES (?, ?, ?, ?)",
            [
                (self.run_id, kind, key, digest)
                for kind, entries in sorted(meta.get("digests", {}).items())
                for key, digest in sorted(entries.items())
            ],
        )
        self.db.execute("COMMIT")
        self._buffer: list[Outcome] = []
        self._scored_paths: set[str] | None = None
        self._last_flush = time.monotonic()
        self.conflicts = 0

    def _other_waivers(self, waivers: str | None) -> str | None:
        """Why this run must not add to the database: it holds cases screened with these
        rules under other waivers (or none, or with some), which a resumed run would skip or
        leave beside its own as if they agreed."""
        stored = {
            row[0]
            for row in self.db.execute(
                "SELECT DISTINCT json_extract(r.arguments, '$.waivers') FROM runs r "
                "WHERE EXISTS (SELECT 1 FROM cases c WHERE c.run_id = r.run_id "
                "AND c.rules_digest = ? AND c.engine_version = ?)",
                (self.rules_digest, self.engine_version),
            )
        }
        if not stored - {waivers}:
            return None
        if waivers is None:
            return (
                "holds cases screened with these rules under waivers, and this run has none: "
                "write it to a new results file"
            )
        return (
            "holds cases screened with these rules under other waivers than this run's (or none, "
            "or on another day): write it to a new results file"
        )

    def _mark_killed_runs(self) -> list[int]:
        """Runs still `running` whose process is gone (or that predate the record of it):
        they were killed before they could record their end. Their counts are what they
        wrote; when they stopped is not known (`ended_at` stays empty)."""
        rows = self.db.execute(
            "SELECT run_id, pid, host FROM runs WHERE status = 'running'"
        ).fetchall()
        gone = [
            run_id
            for run_id, pid, host in rows
            if pid is None or (host == self.host and not _alive(pid))
        ]
        self.db.executemany(
            "UPDATE runs SET status = 'interrupted', "
            "cases_scored = (SELECT count(*) FROM cases WHERE cases.run_id = runs.run_id), "
            "errors = (SELECT count(*) FROM errors WHERE errors.run_id = runs.run_id) "
            "WHERE run_id = ?",
            [(run_id,) for run_id in gone],
        )
        return gone

    def scored_before(self, path: str) -> bool:
        """Whether a case from this file was stored with these rules and engine, whatever
        its bytes: only then is the file worth hashing (`already_scored`). The paths are
        read in one query, the first time: the parent then hashes no file of a new batch."""
        if self._scored_paths is None:
            self._scored_paths = {
                row[0]
                for row in self.db.execute(
                    "SELECT path FROM cases WHERE rules_digest = ? AND engine_version = ?",
                    (self.rules_digest, self.engine_version),
                )
            }
        return _source(path) in self._scored_paths

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
        # a file's errors are replaced, not added to, each time it is read again
        paths = {printable(outcome.path)} | {printable(p.location.path) for p in outcome.problems}
        self.db.executemany("DELETE FROM errors WHERE path = ?", [(p,) for p in sorted(paths)])
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


def _source(path: str) -> str:
    """The file's absolute path (resume must not depend on the working directory)."""
    return printable(str(Path(path).absolute()))
