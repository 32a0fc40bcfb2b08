"""The workbench's own tables in the results database: an append-only audit trail.

Every reviewer action (a finding confirmed, waived or sent back for information, a case
decision, a rule saved) is one row of `audit`. Nothing is ever updated or deleted: SQLite
triggers abort any UPDATE or DELETE, so the trail holds even against a careless SQL session.
The current state of a finding or a case is the latest row about it; the rows before it are
its history, each with the value it replaced.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screening.report.describe import timestamp

#: Run as one script (triggers hold ';' inside their bodies).
AUDIT_DDL = """
CREATE TABLE IF NOT EXISTS audit (
  audit_id     INTEGER PRIMARY KEY,
  at           TEXT NOT NULL,            -- UTC, ISO 8601 with Z
  who          TEXT NOT NULL,
  subject      TEXT NOT NULL,            -- 'finding', 'case' or 'rule'
  case_id      TEXT,                     -- the case (findings and case decisions)
  case_row     INTEGER,                  -- the screening the reviewer was looking at
  target       TEXT NOT NULL,            -- rule id of a finding, 'case', or a rule file
  action       TEXT NOT NULL,            -- confirm, waive, ask, decide, save-rule
  value        TEXT NOT NULL,            -- JSON
  previous     TEXT,                     -- JSON of the value it replaced (NULL: none)
  rules_digest TEXT NOT NULL,
  case_digest  TEXT
);
CREATE INDEX IF NOT EXISTS audit_case ON audit(case_id, target);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: rows are never updated'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: rows are never deleted'); END;
"""


@dataclass(frozen=True)
class Entry:
    """One audit row, as read back."""

    audit_id: int
    at: str
    who: str
    subject: str
    case_id: str | None
    case_row: int | None
    target: str
    action: str
    value: dict[str, Any]
    previous: dict[str, Any] | None
    rules_digest: str
    case_digest: str | None


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode that waits for a batch writing at the same time."""
    db = sqlite3.connect(path, isolation_level=None, timeout=60, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys=ON")
    return db


def ensure_audit(db: sqlite3.Connection) -> None:
    db.executescript(AUDIT_DDL)


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _entry(row: sqlite3.Row) -> Entry:
    return Entry(
        audit_id=row["audit_id"],
        at=row["at"],
        who=row["who"],
        subject=row["subject"],
        case_id=row["case_id"],
        case_row=row["case_row"],
        target=row["target"],
        action=row["action"],
        value=json.loads(row["value"]),
        previous=json.loads(row["previous"]) if row["previous"] is not None else None,
        rules_digest=row["rules_digest"],
        case_digest=row["case_digest"],
    )


def current(db: sqlite3.Connection, subject: str, case_id: str | None, target: str) -> Entry | None:
    row = db.execute(
        "SELECT * FROM audit WHERE subject = ? AND case_id IS ? AND target = ? "
        "ORDER BY audit_id DESC LIMIT 1",
        (subject, case_id, target),
    ).fetchone()
    return None if row is None else _entry(row)


def append(
    db: sqlite3.Connection,
    *,
    who: str,
    subject: str,
    target: str,
    action: str,
    value: dict[str, Any],
    rules_digest: str,
    case_id: str | None = None,
    case_row: int | None = None,
    case_digest: str | None = None,
    previous: dict[str, Any] | None = None,
) -> Entry:
    """Add one row. `previous` is what the change replaced; by default the latest value
    about the same thing, read in the same transaction so two reviewers acting at once each
    see the other's change."""
    with transaction(db):
        if previous is None:
            latest = current(db, subject, case_id, target)
            previous = None if latest is None else latest.value
        cur = db.execute(
            "INSERT INTO audit (at, who, subject, case_id, case_row, target, action, value, "
            "previous, rules_digest, case_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                timestamp_now(),
                who,
                subject,
                case_id,
                case_row,
                target,
                action,
                _json(value),
                None
                if previous is None
                else json.dumps(previous, ensure_ascii=False, sort_keys=True),
                rules_digest,
                case_digest,
            ),
        )
        row = db.execute("SELECT * FROM audit WHERE audit_id = ?", (cur.lastrowid,)).fetchone()
    return _entry(row)


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def timestamp_now() -> str:
    import datetime as dt

    return timestamp(dt.datetime.now(dt.UTC).replace(microsecond=0))


def history(db: sqlite3.Connection, case_id: str | None = None, limit: int = 500) -> list[Entry]:
    """The trail, newest first; of one case when `case_id` is given."""
    if case_id is None:
        rows = db.execute("SELECT * FROM audit ORDER BY audit_id DESC LIMIT ?", (limit,))
    else:
        rows = db.execute(
            "SELECT * FROM audit WHERE case_id = ? ORDER BY audit_id DESC LIMIT ?",
            (case_id, limit),
        )
    return [_entry(r) for r in rows.fetchall()]


def states(db: sqlite3.Connection, case_id: str) -> dict[str, Entry]:
    """The latest entry for each finding (by rule id) and for the case (`'case'`)."""
    rows = db.execute(
        "SELECT * FROM audit a WHERE case_id = ? AND subject IN ('finding', 'case') AND "
        "audit_id = (SELECT max(audit_id) FROM audit b WHERE b.case_id = a.case_id "
        "AND b.subject = a.subject AND b.target = a.target)",
        (case_id,),
    ).fetchall()
    return {r["target"]: _entry(r) for r in rows}


def active_party_waivers(db: sqlite3.Connection) -> list[Entry]:
    """Findings whose latest state is a waiver for a named party (they reach other cases)."""
    rows = db.execute(
        "SELECT * FROM audit a WHERE subject = 'finding' AND audit_id = (SELECT max(audit_id) "
        "FROM audit b WHERE b.case_id = a.case_id AND b.subject = 'finding' "
        "AND b.target = a.target) AND action = 'waive' "
        "AND json_extract(value, '$.scope') = 'party'"
    ).fetchall()
    return [_entry(r) for r in rows]
