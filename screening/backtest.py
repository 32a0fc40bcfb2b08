"""Backtesting: would the rules have put past cases in the band their authors judged right?"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from screening.batch.runner import Outcome
from screening.errors import Problem
from screening.models.common import BANDS, Band
from screening.models.result import Result

#: Outcomes that mean a screening body stopped or unwound a deal.
STOPPED = ("blocked", "divestment_ordered")


@dataclass(frozen=True)
class Gates:
    """What a corpus backtest must reach (CI checks the development corpus against these)."""

    min_within_one_band: float = 0.90
    max_stopped_low: int = 0
    max_controls_above_medium: float = 0.10


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

    @property
    def stopped_low(self) -> list[Result]:
        """Blocked or divestment-ordered cases the rules put in the low band."""
        return [
            r.result for r in self.rows if r.result.outcome in STOPPED and r.result.band == "low"
        ]

    @property
    def controls(self) -> list[Result]:
        return [r.result for r in self.rows if r.result.control] + [
            r for r in self.unlabelled if r.control
        ]

    @property
    def controls_above_medium(self) -> list[Result]:
        return [r for r in self.controls if r.band in ("high", "critical")]

    def gate_failures(self, gates: Gates = Gates()) -> list[str]:
        """One line per gate the corpus misses (empty: every gate passed)."""
        out = []
        if self.rows and self.within_one_band < gates.min_within_one_band:
            out.append(
                f"within one band {self.within_one_band:.0%} < {gates.min_within_one_band:.0%}"
            )
        if len(self.stopped_low) > gates.max_stopped_low:
            names = ", ".join(r.case_id for r in self.stopped_low)
            out.append(
                f"{len(self.stopped_low)} blocked or divestment-ordered cases score low: {names}"
            )
        controls = self.controls
        share = len(self.controls_above_medium) / len(controls) if controls else 0.0
        if share > gates.max_controls_above_medium:
            names = ", ".join(r.case_id for r in self.controls_above_medium)
            out.append(
                f"{share:.0%} of controls score above medium (> "
                f"{gates.max_controls_above_medium:.0%}): {names}"
            )
        return out

    def disagreements(self) -> list[Row]:
        return sorted(
            (r for r in self.rows if not r.agrees),
            key=lambda r: (-abs(r.distance), r.result.case_id),
        )
