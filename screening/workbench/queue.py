"""The queue: the latest screening of each case file in the results database, filtered.

Reads the tables `screening batch` writes (docs/results-db.md) and joins each case to its
latest decision in the audit trail, so "undecided" is a filter like any other.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from screening.batch.database import LATEST_CASE_ROWS
from screening.models.common import BANDS

#: Case decisions a reviewer can record, in the order the form offers them.
DECISIONS = ("cleared", "cleared-with-conditions", "referred", "blocked")
#: Decision states the queue filters on: no decision yet, or one of the decisions.
DECISION_STATES = ("undecided", *DECISIONS)


@dataclass(frozen=True)
class Filters:
    band: str = ""
    rule: str = ""
    jurisdiction: str = ""
    since: str = ""  # YYYY-MM-DD, screened on or after
    until: str = ""  # YYYY-MM-DD, screened on or before
    decision: str = ""

    @classmethod
    def of(cls, params: dict[str, str]) -> Filters:
        """Only values the form can offer; anything else is ignored, never put in SQL."""
        band = params.get("band", "")
        decision = params.get("decision", "")
        return cls(
            band=band if band in BANDS else "",
            rule=params.get("rule", "")[:200],
            jurisdiction=params.get("jurisdiction", "")[:200],
            since=_date(params.get("since", "")),
            until=_date(params.get("until", "")),
            decision=decision if decision in DECISION_STATES else "",
        )


def _date(text: str) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return ""


@dataclass(frozen=True)
class QueueRow:
    case_row: int
    case_id: str
    title: str
    path: str
    score: float
    band: str
    jurisdiction: str | None
    screened_at: str
    decision: str | None
    counted_rules: tuple[str, ...]


_LATEST = f"c.case_row IN ({LATEST_CASE_ROWS})"
_DECISION = (
    "(SELECT json_extract(a.value, '$.decision') FROM audit a WHERE a.subject = 'case' "
    "AND a.case_id = c.case_id ORDER BY a.audit_id DESC LIMIT 1)"
)


def has_cases_table(db: sqlite3.Connection) -> bool:
    row = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cases'")
    return row.fetchone() is not None


def queue(db: sqlite3.Connection, f: Filters, limit: int = 1000) -> list[QueueRow]:
    """Highest score first; every filter is a bound parameter."""
    where, args = [_LATEST], []
    if f.band:
        where.append("c.band = ?")
        args.append(f.band)
    if f.rule:
        where.append(
            "EXISTS (SELECT 1 FROM findings x WHERE x.case_row = c.case_row AND x.rule_id = ?)"
        )
        args.append(f.rule)
    if f.jurisdiction:
        where.append("json_extract(c.result, '$.jurisdiction') = ?")
        args.append(f.jurisdiction)
    if f.since:
        where.append("substr(c.screened_at, 1, 10) >= ?")
        args.append(f.since)
    if f.until:
        where.append("substr(c.screened_at, 1, 10) <= ?")
        args.append(f.until)
    if f.decision == "undecided":
        where.append(f"{_DECISION} IS NULL")
    elif f.decision:
        where.append(f"{_DECISION} = ?")
        args.append(f.decision)
    sql = (
        "SELECT c.case_row, c.case_id, c.title, c.path, c.score, c.band, c.screened_at, "
        f"json_extract(c.result, '$.jurisdiction') AS jurisdiction, {_DECISION} AS decision, "
        "(SELECT group_concat(rule_id, ' ') FROM (SELECT rule_id FROM findings x "
        "WHERE x.case_row = c.case_row AND x.counted ORDER BY x.rank)) AS rules "
        f"FROM cases c WHERE {' AND '.join(where)} ORDER BY c.score DESC, c.case_id LIMIT ?"
    )
    rows = db.execute(sql, [*args, limit]).fetchall()
    return [
        QueueRow(
            case_row=r["case_row"],
            case_id=r["case_id"],
            title=r["title"],
            path=r["path"],
            score=r["score"],
            band=r["band"],
            jurisdiction=r["jurisdiction"],
            screened_at=r["screened_at"],
            decision=r["decision"],
            counted_rules=tuple((r["rules"] or "").split()),
        )
        for r in rows
    ]


def choices(db: sqlite3.Connection) -> dict[str, list[str]]:
    """What the filter form offers: the rules and jurisdictions present in the database."""
    rules = [r[0] for r in db.execute("SELECT DISTINCT rule_id FROM findings ORDER BY 1")]
    places = [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT json_extract(result, '$.jurisdiction') FROM cases ORDER BY 1"
        )
        if r[0]
    ]
    return {"rules": rules, "jurisdictions": places}


@dataclass(frozen=True)
class StoredCase:
    case_row: int
    case_id: str
    path: str
    case_digest: str
    rules_digest: str
    result_json: str


def stored_case(db: sqlite3.Connection, case_row: int) -> StoredCase | None:
    r = db.execute(
        "SELECT case_row, case_id, path, case_digest, rules_digest, result FROM cases "
        "WHERE case_row = ?",
        (case_row,),
    ).fetchone()
    if r is None:
        return None
    return StoredCase(
        r["case_row"], r["case_id"], r["path"], r["case_digest"], r["rules_digest"], r["result"]
    )


def latest_row(db: sqlite3.Connection, path: str, case_digest: str) -> int | None:
    r = db.execute(
        "SELECT max(case_row) FROM cases WHERE path = ? AND case_digest = ?", (path, case_digest)
    ).fetchone()
    return None if r is None or r[0] is None else int(r[0])


def stored_paths(db: sqlite3.Connection) -> list[str]:
    """Each case file the database holds a screening of (impact re-screens them)."""
    return [r[0] for r in db.execute("SELECT DISTINCT path FROM cases ORDER BY path")]
