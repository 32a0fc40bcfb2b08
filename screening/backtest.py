"""Backtesting: would the rules have put past cases in the band their authors judged right?"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from screening.batch.runner import Outcome
from screening.errors import Problem
from screening.models.common import BANDS, Band
from screening.models.result import Result


@dataclass(frozen=True)
class Row:
    result: Result

    @property
    def agrees(self) -> bool:
        return self.result.band == self.result.expected_band

    @property
    def distance(self) -> int:
        """Bands between expected and actual: positive when the rules score higher."""
        expected = self.result.expected_band
        return 0 if expected is None else BANDS.index(self.result.band) - BANDS.index(expected)


@dataclass
class Backtest:
    rows: list[Row] = field(default_factory=list)
    unlabelled: list[Result] = field(default_factory=list)  # no expected_band
    errors: list[Problem] = field(default_factory=list)
    fired: Counter[str] = field(default_factory=Counter)  # cases where a rule fired
    counted: Counter[str] = field(default_factory=Counter)  # ... and counted toward the score

    def add(self, outcome: Outcome) -> None:
        r = outcome.result
        if r is None:
            self.errors.extend(outcome.problems)
            return
        for f in r.findings:
            self.fired[f.rule_id] += 1
            if f.counted:
                self.counted[f.rule_id] += 1
        if r.expected_band is None:
            self.unlabelled.append(r)
        else:
            self.rows.append(Row(r))

    def confusion(self) -> dict[Band, dict[Band, int]]:
        """expected band -> actual band -> number of cases."""
        matrix: dict[Band, dict[Band, int]] = {e: dict.fromkeys(BANDS, 0) for e in BANDS}
        for row in self.rows:
            assert row.result.expected_band is not None
            matrix[row.result.expected_band][row.result.band] += 1
        return matrix

    @property
    def agreement(self) -> float:
        return sum(r.agrees for r in self.rows) / len(self.rows) if self.rows else 0.0

    @property
    def within_one_band(self) -> float:
        return sum(abs(r.distance) <= 1 for r in self.rows) / len(self.rows) if self.rows else 0.0

    def disagreements(self) -> list[Row]:
        return sorted(
            (r for r in self.rows if not r.agrees),
            key=lambda r: (-abs(r.distance), r.result.case_id),
        )
