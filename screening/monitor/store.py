"""Reading a results database for monitoring: each case file's last screening and what its
run screened with.

Read as plain rows and JSON, not as `Result` models: a database written by an older
version holds results an older model wrote, and monitoring must still read them.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from screening.batch.database import LATEST_CASE_ROWS
from screening.errors import InputError, Location, Problem, display_path
from screening.monitor.digests import Digests


@dataclass(frozen=True)
class FindingRow:
    """One finding as stored: its rule, contribution and evidence (JSON objects)."""

    rule_id: str
    contribution: float
    counted: bool
    evidence: list[dict[str, Any]]


@dataclass
class Screening:
    """A case file's last screening in the database."""

    path: str
    case_id: str
    title: str
    band: str
    score: float
    case_digest: str
    rules_digest: str
    screened_at: str
    run_id: int
    findings: dict[str, FindingRow] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)


def open_database(path: Path) -> sqlite3.Connection:
    """The results database, read only; `InputError` when it is not one."""
    shown = display_path(path)
    if not path.is_file():
        raise InputError([Problem(Location(shown), "no such results database", "io")])
    try:
        db = sqlite3.connect(f"file:{path.absolute()}?mode=ro", uri=True)
        tables = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise InputError(
            [Problem(Location(shown), f"not a results database ({exc})", "io")]
        ) from None
    if not {"runs", "cases", "findings"} <= tables:
        db.close()
        message = "not a results database (no runs, cases and findings tables); expected a "
        raise InputError([Problem(Location(shown), message + "file written by batch", "io")])
    return db


def last_screenings(db: sqlite3.Connection) -> list[Screening]:
    """The latest screening of every case file, by path."""
    rows = db.execute(
        "SELECT c.case_row, c.path, c.case_id, c.title, c.band, c.score, c.case_digest, "
        "c.rules_digest, c.screened_at, c.run_id, c.result FROM cases c "
        f"WHERE c.case_row IN ({LATEST_CASE_ROWS}) ORDER BY c.path"
    ).fetchall()
    out: list[Screening] = []
    for row in rows:
        s = Screening(*row[1:10])
        try:
            s.result = json.loads(row[10])
        except ValueError:
            s.result = {}
        for rule_id, contribution, counted, evidence in db.execute(
            "SELECT rule_id, contribution, counted, evidence FROM findings WHERE case_row = ? "
            "ORDER BY rank",
            (row[0],),
        ):
            s.findings[rule_id] = FindingRow(rule_id, contribution, bool(counted), _json(evidence))
        out.append(s)
    return out


def run_digests(db: sqlite3.Connection, run_id: int) -> Digests | None:
    """What the run screened with, or None when it did not record it (before schema 4)."""
    try:
        rows = db.execute(
            "SELECT kind, key, digest FROM run_digests WHERE run_id = ?", (run_id,)
        ).fetchall()
    except sqlite3.OperationalError:  # a database of schema 3 or older
        return None
    if not rows:
        return None
    out: Digests = {}
    for kind, key, digest in rows:
        out.setdefault(kind, {})[key] = digest
    return out


def _json(text: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []
