"""The workbench's state: its settings, the results database and the rule pack in use.

One `Workbench` per server. The rules engine is a C extension that must not be entered by
two threads at once, so screening, examples and impact run one at a time under `lock`;
pages that only read the pack (waivers, dossiers, the portfolio) do not wait for it.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screening import __version__
from screening.batch.database import SqliteSink
from screening.batch.record import CaseRecord
from screening.batch.runner import Outcome
from screening.loading.rulepack import RulePack
from screening.models.result import Result
from screening.pipeline.screen import Screener
from screening.workbench import queue as queue_db
from screening.workbench import store

#: Largest upload: a case file's own limit (the YAML loader refuses more anyway).
MAX_UPLOAD_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    db: Path
    rules: Path
    uploads: Path
    user: str
    token: str | None = None
    max_upload: int = MAX_UPLOAD_BYTES


class Workbench:
    def __init__(self, settings: Settings, screener: Screener | None = None) -> None:
        self.settings = settings
        self.lock = threading.RLock()
        self._screener = screener
        #: The last portfolio computed, with what it was computed from (pages_portfolio).
        self.portfolio_cache: tuple[object, Any] | None = None
        self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        """The results database, created (as `screening batch` would) when new."""
        db = store.connect(self.settings.db)
        if not queue_db.has_cases_table(db):
            SqliteSink(self.settings.db, self._meta({"workbench": "created"})).close(
                "completed", {}
            )
        store.ensure_audit(db)
        return db

    def _meta(self, arguments: dict[str, object]) -> dict[str, object]:
        return {
            "rules_digest": self.pack.digest,
            "engine_version": __version__,
            "rules_dir": str(self.settings.rules.resolve()),
            "arguments": arguments,
        }

    @property
    def screener(self) -> Screener:
        if self._screener is None:
            from screening.cache import load_screener

            self._screener = load_screener(self.settings.rules)
        return self._screener

    @property
    def pack(self) -> RulePack:
        return self.screener.pack

    def reload_rules(self) -> None:
        """After a rule is saved: the next screening uses the pack as it is on disk now.
        The new screener is built before it replaces the old one, so pages shown meanwhile
        use a whole pack, old or new."""
        from screening.cache import load_screener

        fresh = load_screener(self.settings.rules)
        with self.lock:
            old, self._screener = self._screener, fresh
            if old is not None:
                old.close()

    def store_result(self, path: Path, result: Result, how: str) -> int:
        """Write one screened case as a one-case run of the results database; its row."""
        sink = SqliteSink(self.settings.db, self._meta({"workbench": how, "paths": [str(path)]}))
        try:
            sink.write(Outcome(str(path), record=CaseRecord.of(result)))
        finally:
            sink.close("completed", {"scored": 1})
        row = queue_db.latest_row(self.db, str(path.absolute()), result.provenance.case_digest)
        if row is None:  # pragma: no cover - the sink writes or finds the same row
            raise RuntimeError(f"the screening of {path} was not stored")
        return row

    def close(self) -> None:
        self.db.close()
        if self._screener is not None:
            self._screener.close()
