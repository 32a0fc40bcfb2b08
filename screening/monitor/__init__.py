"""`screening monitor`: screen the cases of a results database again and report what moved.

Each case file's last screening is compared with a screening now, with the current rules and
registries (and waivers); every case whose band or findings changed is reported with the
reasons (`compare.py`). The new screenings are recorded as a run of their own, with the
digests of what they used, so the next monitoring compares with them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from screening.batch.database import SqliteSink
from screening.batch.runner import Outcome, run
from screening.errors import Problem
from screening.loading.rulepack import RulePack
from screening.monitor.compare import CaseChange, compare
from screening.monitor.digests import pack_digests
from screening.monitor.store import last_screenings, open_database, run_digests
from screening.waivers import WaiverSet

__all__ = ["CaseChange", "Monitoring", "monitor"]


@dataclass
class Monitoring:
    """The outcome of one monitoring: the changes, and the files that could not be read."""

    database: str
    rules_digest: str
    screened: int = 0
    changes: list[CaseChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    recorded_run: int | None = None

    @property
    def band_rose(self) -> bool:
        return any(c.band_rose for c in self.changes)

    def as_json(self) -> dict[str, object]:
        return {
            "database": self.database,
            "rules_digest": self.rules_digest,
            "screened": self.screened,
            "changed": len(self.changes),
            "band_rose": self.band_rose,
            "recorded_run": self.recorded_run,
            "changes": [
                c.model_dump(mode="json") | {"band_rose": c.band_rose} for c in self.changes
            ],
            "errors": [str(p) for p in self.problems],
        }


def monitor(
    database: Path,
    pack: RulePack,
    *,
    jobs: int = 1,
    waivers: WaiverSet | None = None,
    record: bool = True,
) -> Monitoring:
    """Screen every case file of `database` again and compare; `InputError` if it is not one."""
    db = open_database(database)
    try:
        last = last_screenings(db)
        before = {s.run_id: run_digests(db, s.run_id) for s in last}
    finally:
        db.close()
    now = pack_digests(pack)
    out = Monitoring(str(database), pack.digest)
    outcomes = list(run([s.path for s in last], pack, jobs, waivers=waivers))
    for old, outcome in zip(last, outcomes, strict=True):
        if outcome.record is None:
            out.problems.extend(outcome.problems)
            continue
        out.screened += 1
        change = compare(
            old,
            json.loads(outcome.record.result_json),
            before[old.run_id],
            now,
            case_digest=outcome.record.case_digest,
            rules_digest=outcome.record.rules_digest,
        )
        if change is not None:
            out.changes.append(change)
    fresh = [
        o
        for old, o in zip(last, outcomes, strict=True)
        if o.record is not None
        and (o.record.rules_digest, o.record.case_digest) != (old.rules_digest, old.case_digest)
    ]
    if record and fresh:  # nothing new: no run, so a daily cron does not grow the file
        out.recorded_run = _record(database, pack, fresh)
    return out


def _record(database: Path, pack: RulePack, outcomes: list[Outcome]) -> int | None:
    """Store the screenings made with other rules or case files than the last as a run."""
    from screening import __version__

    meta = {
        "engine_version": __version__,
        "rules_digest": pack.digest,
        "rules_dir": str(pack.root),
        "arguments": {"monitor": str(database)},
        "digests": pack_digests(pack),
    }
    sink = SqliteSink(database, meta)
    scored = 0
    try:
        for outcome in outcomes:
            if outcome.record is not None:  # errors stay those of the batch that read them
                sink.write(outcome)
                scored += 1
        sink.flush()
    finally:
        sink.close("completed", {"scored": scored - sink.conflicts, "skipped": sink.conflicts})
    return sink.run_id
