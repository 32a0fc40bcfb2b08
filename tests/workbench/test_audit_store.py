"""The audit trail: each change is a new row with the value it replaced; the database
itself refuses to update or delete a row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from screening.workbench import store


def _db(tmp_path: Path) -> sqlite3.Connection:
    db = store.connect(tmp_path / "audit.sqlite")
    store.ensure_audit(db)
    return db


def _confirm(db: sqlite3.Connection, note: str) -> store.Entry:
    return store.append(
        db,
        who="a.reviewer",
        subject="finding",
        case_id="case-1",
        case_row=1,
        target="near-military-site",
        action="confirm",
        value={"state": "confirmed", "note": note},
        rules_digest="r" * 64,
        case_digest="c" * 64,
    )


def test_each_change_keeps_the_value_it_replaced(tmp_path: Path) -> None:
    db = _db(tmp_path)
    first = _confirm(db, "first look")
    second = _confirm(db, "second look")
    assert first.previous is None
    assert second.previous == {"state": "confirmed", "note": "first look"}
    assert second.who == "a.reviewer" and second.at.endswith("Z")
    assert (second.rules_digest, second.case_digest) == ("r" * 64, "c" * 64)
    assert [e.audit_id for e in store.history(db, "case-1")] == [second.audit_id, first.audit_id]
    assert store.states(db, "case-1")["near-military-site"].value["note"] == "second look"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit SET who = 'someone else'",
        "UPDATE audit SET value = '{}' WHERE audit_id = 1",
        "DELETE FROM audit",
        "DELETE FROM audit WHERE audit_id = 1",
    ],
)
def test_rows_are_never_updated_or_deleted(tmp_path: Path, statement: str) -> None:
    db = _db(tmp_path)
    _confirm(db, "kept")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(statement)
    assert [e.value["note"] for e in store.history(db)] == ["kept"]


def test_the_triggers_hold_for_another_connection(tmp_path: Path) -> None:
    """A plain SQLite session (not the workbench's) meets the same refusal."""
    db = _db(tmp_path)
    _confirm(db, "kept")
    db.close()
    other = sqlite3.connect(tmp_path / "audit.sqlite")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        other.execute("DELETE FROM audit")
    assert other.execute("SELECT count(*) FROM audit").fetchone()[0] == 1


def test_ensure_audit_is_idempotent(tmp_path: Path) -> None:
    db = _db(tmp_path)
    _confirm(db, "kept")
    store.ensure_audit(db)
    triggers = db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    assert sorted(t[0] for t in triggers) == ["audit_no_delete", "audit_no_update"]
    assert len(store.history(db)) == 1
