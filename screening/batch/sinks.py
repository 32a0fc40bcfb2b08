"""Where batch outcomes go, chosen by the output file's extension.

- `.sqlite`, `.sqlite3`, `.db`: the results database (`database.py`, schema in
  docs/results-db.md): resumable, and idempotent when run again.
- `.jsonl`: one JSON object a line, a result or an error.
- `.csv`: one row a case, with its top findings, or the error that stopped it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, Protocol

from screening.batch.database import SqliteSink
from screening.batch.runner import Outcome
from screening.errors import InputError, Location, Problem, display_path, printable, write_failure
from screening.report.describe import plain

SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
SUFFIXES = (*SQLITE_SUFFIXES, ".jsonl", ".csv")


class Sink(Protocol):
    resumable: bool
    conflicts: int  # cases another run had already written (SQLite only)

    def scored_before(self, path: str) -> bool: ...

    def already_scored(self, path: str, case_digest: str) -> bool: ...

    def write(self, outcome: Outcome) -> None: ...

    def flush(self) -> None: ...

    def close(self, status: str, counts: dict[str, int]) -> None: ...


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


class _FileSink:
    """A text output file: a write that fails (full disk, removed folder) is a located error."""

    resumable = False
    conflicts = 0

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] = path.open("w", encoding="utf-8", newline="")

    def scored_before(self, path: str) -> bool:
        return False

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


def _cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula and a terminal showing the file
    will not obey (control characters, ESC among them, become U+FFFD): case text and file
    names are untrusted."""
    text = plain(printable(text))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
